/**
 * `app-services-emulator/jest`: one emulator per jest worker, each with its own embedded database.
 *
 * The simplest use is the preset (`preset: 'app-services-emulator'`), which sets globalSetup,
 * globalTeardown and setupFiles to the modules below. A project with a globalSetup of its own
 * calls `globalSetup`/`globalTeardown` from it and adds `setupFiles`.
 */
export { default as globalSetup } from './global-setup';
export { default as globalTeardown } from './global-teardown';
export { JestEmulatorConfigError, type JestEmulatorOptions, type JestProjectConfig } from './options';
export type { JestGlobalConfig } from './workers';
export { workerVariable } from './variables';
export type { EmulatorEnvironment } from '../environment';

