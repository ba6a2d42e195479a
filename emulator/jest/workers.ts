/**
 * One emulator per jest worker, started in jest's parent process by globalSetup and stopped by
 * globalTeardown. Each worker learns its emulator's addresses from an environment variable keyed
 * by its JEST_WORKER_ID (workers are forked after globalSetup, so they inherit it); `setup.ts`
 * copies them to the plain names that `connectEmulator()` reads.
 */
import { createLogger } from '../cli/logger';
import { type EmulatorEnvironment, emulatorEnvironment } from '../environment';
import { type Emulator, startEmulator } from '../index';
import { type JestProjectConfig, readJestOptions } from './options';
import { workerVariable } from './variables';

/** The part of jest's GlobalConfig read here. */
export interface JestGlobalConfig {
  maxWorkers: number;
}

// globalSetup and globalTeardown are loaded as separate modules but run in one process: what they
// share lives on globalThis (as jest's documentation suggests), under a key no one else uses.
const RUNNING = Symbol.for('app-services-emulator/jest/running');
type Running = { emulators: Emulator[]; variables: string[] };
const shared = globalThis as typeof globalThis & { [RUNNING]?: Running };

export async function startWorkerEmulators(globalConfig: JestGlobalConfig, projectConfig: JestProjectConfig): Promise<EmulatorEnvironment[]> {
  const { options, logLevel } = readJestOptions(projectConfig);
  // A watch-mode rerun without a teardown in between must not leave the previous ones running.
  await stopWorkerEmulators();
  const logger = createLogger(logLevel, 'pretty');
  const count = Math.max(1, globalConfig.maxWorkers);
  const started = await Promise.allSettled(
    Array.from({ length: count }, (_, index) => startEmulator({ ...options, logger: logger.child({ jestWorker: index + 1 }) })),
  );
  const emulators = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = started.find((result) => result.status === 'rejected');
  if (failure) {
    await Promise.allSettled(emulators.map((emulator) => emulator.stop()));
    const reason = failure.reason as Error;
    throw new Error(`app-services-emulator/jest: the emulator for ${options.app} did not start: ${reason.message}`, { cause: reason });
  }
  const environments = emulators.map(emulatorEnvironment);
  const variables = environments.map((environment, index) => {
    const name = workerVariable(index + 1);
    process.env[name] = JSON.stringify(environment);
    return name;
  });
  shared[RUNNING] = { emulators, variables };
  return environments;
}

export async function stopWorkerEmulators(): Promise<void> {
  const running = shared[RUNNING];
  if (!running) return;
  delete shared[RUNNING];
  for (const name of running.variables) delete process.env[name];
  const stopped = await Promise.allSettled(running.emulators.map((emulator) => emulator.stop()));
  const failure = stopped.find((result) => result.status === 'rejected');
  if (failure) throw new Error(`app-services-emulator/jest: an emulator did not stop cleanly: ${(failure.reason as Error).message}`);
}
