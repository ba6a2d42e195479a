/**
 * The emulator as a library: `startEmulator` loads an exported app, starts (or connects to) its
 * database, seeds it, and serves the app over HTTP. The CLI's `serve` is a thin layer over it;
 * tests use it directly (its `app` is the express app, for supertest).
 */
import type { Express } from 'express';
import pino, { Logger } from 'pino';
import { AppDefinition, formatProblem, loadApp, Problem } from './app';
import { type AdminKey, AuthService } from './auth';
import type { FunctionRuntime } from './functions';
import { createAppFunctions } from './functions/app-runtime';
import { IpAccessList } from './http/ip-access';
import type { CallerDependencies } from './http/request-auth';
import { createHttpApp, listen } from './http/server';
import { connectMongo, ConnectedMongo } from './mongo/connect';
import { seed, SeedProgress, SeedResult } from './mongo/seed';

export interface EmulatorOptions {
  /** The exported app directory. */
  app: string;
  /** HTTP port; 0 (the default here) picks a free one. */
  port?: number;
  host?: string;
  /** Serve under this client app id instead of the exported one. */
  appId?: string;
  /** "embedded" (default), "memory-server" or a MongoDB URI. */
  mongodb?: string;
  /** Port of the embedded engine or memory-server mongod; a free one by default. */
  mongodbPort?: number;
  /** Keeps the embedded engine's data (the app's and the internal database) here across restarts. */
  dataDirectory?: string;
  /** Seed specs, in order: "sample_training", "sample_training:small", a dump directory or archive. */
  seed?: string[];
  /** Secret values by name; exported apps never contain them. */
  secrets?: Record<string, string>;
  logger?: Logger;
  onSeedProgress?: (progress: SeedProgress) => void;
  /** The Admin API's key pair; one is generated when absent (`Emulator.adminKey`). */
  adminKey?: AdminKey;
  /** Access token lifetime in seconds (App Services: 1800). Short ones let tests see SDKs refresh. */
  accessTokenLifetimeSeconds?: number;
  /** Refresh token (session) lifetime in seconds (App Services' default: 60 days). */
  refreshTokenLifetimeSeconds?: number;
  /** Per-call time limit of app functions, in milliseconds (App Services: 300 000; `--function-timeout`). */
  functionTimeoutMs?: number;
  /** Function worker threads, i.e. function calls running at once; default min(4, cores). */
  functionWorkers?: number;
  /**
   * Start the function workers in the background once serving, so the first calls do not wait for
   * one to start (`serve` does). Off by default: workers then start at the first call.
   */
  warmFunctions?: boolean;
  /**
   * The IP access list (addresses and CIDR blocks), replacing the stored one. Absent, the stored
   * list is kept; a list never set starts open (`0.0.0.0/0`, `::/0`), as a new App Services app.
   */
  ipAccessList?: string[];
  /** express's `trust proxy`: proxies whose X-Forwarded-For names the client ("loopback", "10.0.0.0/8, 10.1.2.3"). */
  trustProxy?: string;
}

export interface Emulator {
  /** The base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  appId: string;
  /** The Data API v1 base URL: `${url}/app/<app id>/endpoint/data/v1`. */
  dataApiUrl: string;
  mongoUri: string;
  /** The express app, for supertest. */
  app: Express;
  definition: AppDefinition;
  /** Warnings and information found while loading the app (errors stop start-up). */
  problems: Problem[];
  mongo: ConnectedMongo;
  seeded: SeedResult[];
  /** Users, sessions, API keys, the mailbox: who is calling. */
  auth: AuthService;
  /** The Admin API's key pair (given, or generated: then `adminKeyGenerated`). */
  adminKey: AdminKey;
  adminKeyGenerated: boolean;
  /** The app's IP access list (also managed through the Admin API's security/access_list). */
  accessList: IpAccessList;
  /** The app's functions: `functions.call({ name, args, user })` runs one as the harness wants. */
  functions: FunctionRuntime;
  stop(): Promise<void>;
}

/** The app directory has errors; `problems` lists every one. */
export class AppLoadError extends Error {
  constructor(readonly problems: Problem[]) {
    const errors = problems.filter((problem) => problem.severity === 'error');
    super(`the app cannot be served: ${errors.length} error${errors.length === 1 ? '' : 's'}\n${errors.map(formatProblem).join('\n')}`);
    this.name = 'AppLoadError';
  }
}

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const loaded = await loadApp(options.app, { secrets: options.secrets, appId: options.appId });
  if (!loaded.app || loaded.problems.some((problem) => problem.severity === 'error')) throw new AppLoadError(loaded.problems);
  const definition = loaded.app;
  const appId = definition.meta.appId;

  const mongo = await connectMongo({ mongodb: options.mongodb, port: options.mongodbPort, dataDirectory: options.dataDirectory, logger });
  let accessList: IpAccessList | undefined;
  let functions: FunctionRuntime | undefined;
  try {
    const seeded: SeedResult[] = [];
    for (const spec of options.seed ?? []) {
      seeded.push(await seed(mongo.client, spec, { onProgress: options.onSeedProgress }));
    }
    const auth = await AuthService.create({
      definition,
      client: mongo.client,
      logger,
      adminKey: options.adminKey,
      accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds,
      refreshTokenLifetimeSeconds: options.refreshTokenLifetimeSeconds,
    });
    const appFunctions = createAppFunctions({ definition, mongoUri: mongo.uri, timeoutMs: options.functionTimeoutMs, workers: options.functionWorkers, logger, auth });
    const runtime = appFunctions.runtime;
    functions = runtime;
    auth.setFunctionCaller(appFunctions.callFunction);
    const openedList = await IpAccessList.open(mongo.client, appId, logger, options.ipAccessList);
    accessList = openedList;
    const callers: CallerDependencies = { definition, auth, runUserIdScript: appFunctions.runUserIdScript, ruleFunctions: appFunctions.ruleFunctions };
    const { app } = createHttpApp({ appId, definition, mongo, auth, logger, startedAt: new Date(), callers, functions: runtime, accessList, trustProxy: options.trustProxy });
    const listening = await listen(app, options.port ?? 0, options.host ?? '127.0.0.1');
    // Workers take a few hundred milliseconds each to start: in the background, after serving began.
    if (options.warmFunctions && definition.functions.size > 0) {
      runtime.warm().catch((error: Error) => logger.warn({ err: error }, 'the function workers could not be started ahead of the first call'));
    }
    return {
      url: listening.url,
      appId,
      dataApiUrl: `${listening.url}/app/${appId}/endpoint/data/v1`,
      mongoUri: mongo.uri,
      app,
      definition,
      problems: loaded.problems,
      mongo,
      seeded,
      auth,
      adminKey: auth.adminKey,
      adminKeyGenerated: auth.adminKeyGenerated,
      accessList: openedList,
      functions: runtime,
      async stop() {
        openedList.close();
        await listening.close();
        await runtime.stop();
        await mongo.stop();
      },
    };
  } catch (error) {
    accessList?.close();
    await functions?.stop();
    await mongo.stop();
    throw error;
  }
}

export type { AppDefinition, Problem } from './app';
export type { AdminKey, AppUser, FunctionCaller, MailMessage } from './auth';
export { AuthService, generateAdminKey, parseAdminKey } from './auth';
export type { SeedProgress, SeedResult } from './mongo/seed';
export type { FunctionCall, FunctionCallResult, FunctionRuntime } from './functions';
export { FunctionError } from './functions';
export { SYSTEM_USER } from './auth/user';
