/**
 * The `context` global (docs: functions/context): one fresh object per function invocation, so
 * a nested `context.functions.execute` call can run as someone else (a system function called by
 * a user function) and nothing one call changes on it is seen by another.
 */
import { createHash } from 'node:crypto';
import type { AppDefinition, AppMeta } from '../../app/definition';
import type { RequestInfo } from '../../http/request-info';
import type { Identity } from '../run-as';
import { fromWire, toWire } from '../transport';
import { createHttpClient } from './http';

export interface ContextOptions {
  definition: AppDefinition;
  identity: Identity;
  request: RequestInfo;
  /** When the runtime started: `context.app.lastDeployed`. */
  startedAt: Date;
  /** `context.services.get(name)`; undefined for a name that is not a data source. */
  getService(name: string): unknown;
  /** `context.functions.execute(name, ...args)`. */
  execute(name: string, args: unknown[]): unknown;
}

export function createContext(options: ContextOptions): Record<string, unknown> {
  const { definition, identity } = options;
  return {
    app: appInfo(definition.meta, options.startedAt),
    environment: { tag: definition.environment.tag, values: structuredClone(definition.environment.values) },
    values: {
      // Secret-linked values are already resolved to the secret's text by the app loader.
      get: (name: unknown) => structuredClone(definition.values.get(String(name))?.value),
    },
    // A copy through EJSON: custom data may hold BSON values, which structuredClone would strip.
    user: fromWire(toWire(identity.user)),
    request: structuredClone(options.request),
    services: { get: (name: unknown) => options.getService(String(name)) },
    functions: { execute: (name: unknown, ...args: unknown[]) => options.execute(String(name), args) },
    http: createHttpClient(),
    runningAsSystem: () => identity.runningAsSystem,
  };
}

/**
 * `context.app`. An exported app carries no internal app id, so `id` is derived from the client
 * app id (stable across restarts, ObjectId-shaped like App Services' own).
 */
function appInfo(meta: AppMeta, startedAt: Date): Record<string, unknown> {
  return {
    id: createHash('sha1').update(meta.appId).digest('hex').slice(0, 24),
    clientAppId: meta.appId,
    name: meta.name,
    projectId: meta.projectId ?? '',
    deployment: { model: meta.deploymentModel ?? 'GLOBAL', providerRegion: meta.providerRegion ?? '' },
    lastDeployed: startedAt.toISOString(),
    hostingUri: '',
  };
}
