/** jest `globalTeardown`: stops the emulators globalSetup started. */
import { stopWorkerEmulators } from './workers';

export default async function globalTeardown(): Promise<void> {
  await stopWorkerEmulators();
}
