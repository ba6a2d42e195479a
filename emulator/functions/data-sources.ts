/**
 * What `context.services.get(name)` returns, and where it comes from.
 *
 * The rules-aware "mongodb-atlas" service lives in emulator/services/mongodb.ts (ARCHITECTURE.md:
 * rules are applied in one place). A worker builds it with a factory exported by a module, as
 * `createServiceForWorker(client, definition, dataSourceName, caller)`: the worker's own
 * MongoClient, the app definition, the data source's name and who is calling. The module is named
 * by path because a worker thread cannot receive a function from the main thread; the runtime's
 * `serviceModule` option picks another one, DEFAULT_SERVICE_MODULE is the one used otherwise.
 */
import * as path from 'node:path';
import type { MongoClient } from 'mongodb';
import type { AppDefinition } from '../app/definition';
import type { AppUser } from '../auth/user';
import type { RequestInfo } from '../http/request-info';

/** Who uses a data source: what the service needs to apply rules, or to skip them. */
export interface ServiceCaller {
  /** `%%user` for rules: the identity the function runs as (the run-as user when it has one). */
  user: AppUser;
  /** Rules and schema validation do not apply (App Services' system user). */
  runningAsSystem: boolean;
  /** `%%request`. */
  request: RequestInfo;
  /** `%function` in rule expressions: runs an app function within this call (same worker and limits). */
  executeFunction(name: string, args: unknown[]): Promise<unknown>;
}

/**
 * App Services' client for one data source (spec §5.3): `db(name).collection(name)` with
 * App Services' method shapes, plus whatever else the service offers (`admin()`,
 * `startSession()`). Only `db` is required by the runtime itself.
 */
export interface DataSourceService {
  db(name: string): unknown;
}

export type CreateServiceForWorker = (
  client: MongoClient,
  definition: AppDefinition,
  dataSourceName: string,
  caller: ServiceCaller,
) => DataSourceService;

/**
 * The factory module used when the runtime is not given one: the rules-aware service of
 * emulator/services/mongodb.ts. SYSTEM_ONLY_SERVICE_MODULE is a driver-backed service without the
 * rules engine, which refuses user callers with an explicit error.
 */
export const DEFAULT_SERVICE_MODULE = path.join(__dirname, 'rules-data-source');
export const SYSTEM_ONLY_SERVICE_MODULE = path.join(__dirname, 'system-data-source');

export function loadServiceFactory(module: string): CreateServiceForWorker {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(module) as { createServiceForWorker?: unknown };
  if (typeof loaded.createServiceForWorker !== 'function') {
    throw new Error(`${module} does not export a createServiceForWorker function`);
  }
  return loaded.createServiceForWorker as CreateServiceForWorker;
}
