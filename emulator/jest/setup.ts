/**
 * jest `setupFiles` entry: runs in each test file's environment, before the file, and gives it
 * its worker's emulator under the plain names (APP_SERVICES_URL, DATA_API_URL, MONGODB_URI,
 * APP_SERVICES_APP_ID, APP_SERVICES_ADMIN_KEY), as `exec` does for a command.
 */
import { EMULATOR_VARIABLES } from '../environment';
import { workerVariable } from './variables';

function assignWorkerEmulator(environment: NodeJS.ProcessEnv): void {
  // Tests run in jest's own process (runInBand, one test file) as worker 1.
  const workerId = environment.JEST_WORKER_ID ?? '1';
  const encoded = environment[workerVariable(workerId)];
  if (encoded === undefined) {
    const anyStarted = Object.keys(environment).some((name) => name.startsWith(workerVariable('')));
    throw new Error(
      anyStarted
        ? `app-services-emulator/jest: no emulator for jest worker ${workerId}: globalSetup started one per worker for maxWorkers; was maxWorkers changed after it ran?`
        : "app-services-emulator/jest: no emulator is running: add globalSetup 'app-services-emulator/jest/global-setup' " +
            "(or preset: 'app-services-emulator') to the jest config, or call its globalSetup from yours",
    );
  }
  const variables = JSON.parse(encoded) as Record<(typeof EMULATOR_VARIABLES)[number], string>;
  for (const name of EMULATOR_VARIABLES) environment[name] = variables[name];
}

assignWorkerEmulator(process.env);
