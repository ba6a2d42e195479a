/**
 * What one version of the app directory makes: the auth service (its providers), the function
 * runtime (its functions), the hooks rules and request authentication call, and the express app
 * that routes to them. The database, the IP access list, the request log and the listening socket
 * outlive it: they belong to the emulator, so a hot reload builds a new stack over them and keeps
 * every user, session, key and document.
 */
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { AppDefinition } from './app';
import { type AdminKey, AuthService } from './auth';
import type { FunctionRuntime } from './functions';
import { createAppFunctions } from './functions/app-runtime';
import type { IpAccessList } from './http/ip-access';
import type { CallerDependencies } from './http/request-auth';
import type { RequestLog } from './http/request-log';
import { createHttpApp } from './http/server';
import type { ConnectedMongo } from './mongo/connect';

/** What every stack of one emulator shares, whichever version of the app it serves. */
export interface StackFoundation {
  appId: string;
  mongo: ConnectedMongo;
  logger: Logger;
  requestLog: RequestLog;
  accessList: IpAccessList;
  startedAt: Date;
  adminKey?: AdminKey;
  accessTokenLifetimeSeconds?: number;
  refreshTokenLifetimeSeconds?: number;
  functionTimeoutMs?: number;
  functionWorkers?: number;
  trustProxy?: string;
}

export interface AppStack {
  definition: AppDefinition;
  auth: AuthService;
  functions: FunctionRuntime;
  callers: CallerDependencies;
  app: Express;
  /** Stops the function workers; the database and the socket are the emulator's to close. */
  stop(): Promise<void>;
}

export async function buildAppStack(definition: AppDefinition, foundation: StackFoundation): Promise<AppStack> {
  const { mongo, logger } = foundation;
  const auth = await AuthService.create({
    definition,
    client: mongo.client,
    logger,
    adminKey: foundation.adminKey,
    accessTokenLifetimeSeconds: foundation.accessTokenLifetimeSeconds,
    refreshTokenLifetimeSeconds: foundation.refreshTokenLifetimeSeconds,
  });
  const appFunctions = createAppFunctions({
    definition,
    mongoUri: mongo.uri,
    timeoutMs: foundation.functionTimeoutMs,
    workers: foundation.functionWorkers,
    logger,
    auth,
  });
  auth.setFunctionCaller(appFunctions.callFunction);
  const callers: CallerDependencies = {
    definition,
    auth,
    runUserIdScript: appFunctions.runUserIdScript,
    ruleFunctions: appFunctions.ruleFunctions,
  };
  const { app } = createHttpApp({
    appId: foundation.appId,
    definition,
    mongo,
    auth,
    logger,
    startedAt: foundation.startedAt,
    callers,
    functions: appFunctions.runtime,
    accessList: foundation.accessList,
    trustProxy: foundation.trustProxy,
    requestLog: foundation.requestLog,
  });
  return { definition, auth, functions: appFunctions.runtime, callers, app, stop: () => appFunctions.runtime.stop() };
}
