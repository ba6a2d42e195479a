/** jest `globalSetup`: starts one emulator per worker (see workers.ts). */
import type { JestProjectConfig } from './options';
import { type JestGlobalConfig, startWorkerEmulators } from './workers';

export default async function globalSetup(globalConfig: JestGlobalConfig, projectConfig: JestProjectConfig): Promise<void> {
  await startWorkerEmulators(globalConfig, projectConfig);
}
