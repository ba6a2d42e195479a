/**
 * What one version of the app directory makes: the auth service (its providers), the function
 * runtime (its functions), the hooks rules and request authentication call, and the express app
 * that routes to them. The database, the IP access list, the request log and the listening socket
 * outlive it: they belong to the emulator, so a hot reload builds a new stack over them and keeps
 * every user, session, key and document.
 */
import type http from 'node:http';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { AppDefinition } from './app';
import { type AdminKey, AuthService } from './auth';
import { DEFAULT_TIMEOUT_MS, type FunctionRuntime } from './functions';
import { createAppFunctions } from './functions/app-runtime';
import type { IpAccessList } from './http/ip-access';
import type { CallerDependencies } from './http/request-auth';
import type { RequestLog } from './http/request-log';
import type { SeedResult } from './mongo/seed';
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
  /** Seeds again with the emulator's seed specs (`DELETE /_emulator/data?reseed=true`). */
  reseed?: () => Promise<SeedResult[]>;
}

export interface AppStack {
  definition: AppDefinition;
  auth: AuthService;
  functions: FunctionRuntime;
  callers: CallerDependencies;
  app: Express;
  /** Hands a request to `app`, counting it until its response closes (what `retire` waits for). */
  serve: http.RequestListener;
  /**
   * Ends a version that is no longer served without failing what it began: the requests it was
   * serving finish, then the function calls still running (each bounded by the time limit), then
   * its workers stop. Past the time limit plus a grace period, whatever still runs fails.
   */
  retire(): Promise<void>;
  /** Stops the function workers now (calls in flight fail); the database and the socket are the emulator's to close. */
  stop(): Promise<void>;
}

/** Beyond the function time limit, how long a retiring version waits for requests that are not running a function. */
const RETIRE_GRACE_MS = 5_000;

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
    reseed: foundation.reseed,
  });
  const runtime = appFunctions.runtime;
  let inFlight = 0;
  const idleWaiters: Array<() => void> = [];
  const serve: http.RequestListener = (request, response) => {
    inFlight++;
    // 'close' comes once the response is sent or its connection is gone, whichever happens.
    response.once('close', () => {
      if (--inFlight === 0) for (const waiter of idleWaiters.splice(0)) waiter();
    });
    app(request, response);
  };
  const requestsEnded = () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve)));
  let stopped: Promise<void> | undefined;
  let stopAsked = () => {};
  const stopSignal = new Promise<void>((resolve) => (stopAsked = resolve));
  const stop = () => {
    stopAsked();
    return (stopped ??= runtime.stop());
  };
  const retire = async () => {
    let deadline: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => {
      deadline = setTimeout(resolve, (foundation.functionTimeoutMs ?? DEFAULT_TIMEOUT_MS) + RETIRE_GRACE_MS);
      deadline.unref();
    });
    const drained = (async () => {
      await requestsEnded();
      await runtime.drain();
    })();
    await Promise.race([drained, limit, stopSignal]);
    clearTimeout(deadline);
    await stop();
  };
  return { definition, auth, functions: runtime, callers, app, serve, retire, stop };
}
