/**
 * The emulator as a library: `startEmulator` loads an exported app, starts (or connects to) its
 * database, seeds it, and serves the app over HTTP. The CLI's `serve` is a thin layer over it;
 * tests use it directly (its `app` is the express app, for supertest).
 */
import type http from 'node:http';
import { performance } from 'node:perf_hooks';
import pino, { Logger } from 'pino';
import { AppDefinition, formatProblem, loadApp, Problem } from './app';
import { type AppStack, buildAppStack, type StackFoundation } from './app-stack';
import type { AdminKey, AuthService } from './auth';
import type { FunctionRuntime } from './functions';
import { IpAccessList } from './http/ip-access';
import { RequestLog } from './http/request-log';
import { listen } from './http/server';
import { connectHarness, type Harness } from './harness';
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

/**
 * A running emulator, with the test harness's helpers (harness/): createUser, loginAs, reset,
 * explain, logs … over its own HTTP routes, exactly as `connectEmulator()` gives them to another process.
 */
export interface Emulator extends Harness {
  /** The base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  appId: string;
  /** The Data API v1 base URL: `${url}/app/<app id>/endpoint/data/v1`. */
  dataApiUrl: string;
  mongoUri: string;
  /**
   * The request handler, for supertest: it hands each request to the express app of the version
   * being served, so it stays valid across reloads.
   */
  app: http.RequestListener;
  /** The version of the app being served (a reload replaces it). */
  readonly definition: AppDefinition;
  /** Warnings and information found while loading the version being served (errors stop start-up). */
  readonly problems: Problem[];
  mongo: ConnectedMongo;
  seeded: SeedResult[];
  /** Users, sessions, API keys, the mailbox: who is calling. */
  readonly auth: AuthService;
  /** The Admin API's key pair (given, or generated: then `adminKeyGenerated`). */
  adminKey: AdminKey;
  adminKeyGenerated: boolean;
  /** The app's IP access list (also managed through the Admin API's security/access_list). */
  accessList: IpAccessList;
  /** The app's functions: `functions.call({ name, args, user })` runs one as the harness wants. */
  readonly functions: FunctionRuntime;
  /** Recent requests: what they asked, how they ended, the functions they ran and their output. */
  requestLog: RequestLog;
  /**
   * Reads the app directory again and serves the new version: functions, rules, providers,
   * endpoints, values. Data, users and sessions are kept, and requests already running finish on
   * the version they began on (its function workers stop once they are done). A directory with
   * errors changes nothing: the last good version keeps serving and `ok: false` carries the problems.
   */
  reload(): Promise<ReloadResult>;
  stop(): Promise<void>;
}

export interface ReloadResult {
  ok: boolean;
  problems: Problem[];
  durationMs: number;
}

/** The app directory has errors; `problems` lists every one. */
export class AppLoadError extends Error {
  constructor(readonly problems: Problem[]) {
    const errors = problems.filter((problem) => problem.severity === 'error');
    super(`the app cannot be served: ${errors.length} error${errors.length === 1 ? '' : 's'}\n${errors.map(formatProblem).join('\n')}`);
    this.name = 'AppLoadError';
  }
}

async function loadServable(options: EmulatorOptions): Promise<{ definition?: AppDefinition; problems: Problem[] }> {
  const loaded = await loadApp(options.app, { secrets: options.secrets, appId: options.appId });
  const failed = !loaded.app || loaded.problems.some((problem) => problem.severity === 'error');
  return { definition: failed ? undefined : loaded.app, problems: loaded.problems };
}

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const first = await loadServable(options);
  if (!first.definition) throw new AppLoadError(first.problems);
  const appId = first.definition.meta.appId;

  const mongo = await connectMongo({ mongodb: options.mongodb, port: options.mongodbPort, dataDirectory: options.dataDirectory, logger });
  let accessList: IpAccessList | undefined;
  let stack: AppStack | undefined;
  try {
    // Reseeding between tests (`reset({ reseed: true })`) shows no progress: it is quick and repeated.
    const seedAll = async (onProgress?: (progress: SeedProgress) => void) => {
      const results: SeedResult[] = [];
      for (const spec of options.seed ?? []) results.push(await seed(mongo.client, spec, { onProgress }));
      return results;
    };
    const seeded = await seedAll(options.onSeedProgress);
    accessList = await IpAccessList.open(mongo.client, appId, logger, options.ipAccessList);
    const foundation: StackFoundation = {
      appId,
      mongo,
      logger,
      requestLog: new RequestLog(),
      accessList,
      startedAt: new Date(),
      adminKey: options.adminKey,
      accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds,
      refreshTokenLifetimeSeconds: options.refreshTokenLifetimeSeconds,
      functionTimeoutMs: options.functionTimeoutMs,
      functionWorkers: options.functionWorkers,
      trustProxy: options.trustProxy,
      reseed: () => seedAll(),
    };
    stack = await buildAppStack(first.definition, foundation);
    const adminKeyGenerated = stack.auth.adminKeyGenerated;
    // A reload keeps the key pair, generated or not: tokens and scripts made with it stay valid.
    foundation.adminKey = stack.auth.adminKey;
    let serving: AppStack = stack;
    let problems = first.problems;
    const warm = (runtime: FunctionRuntime, definition: AppDefinition) => {
      // Workers take a few hundred milliseconds each to start: in the background, after serving began.
      if (options.warmFunctions && definition.functions.size > 0) {
        runtime.warm().catch((error: Error) => logger.warn({ err: error }, 'the function workers could not be started ahead of the first call'));
      }
    };
    const handler: http.RequestListener = (request, response) => serving.serve(request, response);
    /** Versions replaced by a reload, finishing what they began (AppStack.retire). */
    const retiring = new Set<AppStack>();
    const listening = await listen(handler, options.port ?? 0, options.host ?? '127.0.0.1');
    warm(serving.functions, serving.definition);

    let reloading: Promise<ReloadResult> = Promise.resolve({ ok: true, problems, durationMs: 0 });
    const reloadOnce = async (): Promise<ReloadResult> => {
      const started = performance.now();
      const durationMs = () => Math.round(performance.now() - started);
      let next: Awaited<ReturnType<typeof loadServable>>;
      try {
        next = await loadServable(options);
      } catch (error) {
        const problem: Problem = { severity: 'error', message: `the app directory could not be read: ${(error as Error).message}` };
        return { ok: false, problems: [problem], durationMs: durationMs() };
      }
      if (!next.definition) return { ok: false, problems: next.problems, durationMs: durationMs() };
      if (next.definition.meta.appId !== appId) {
        const problem: Problem = {
          severity: 'error',
          file: next.definition.meta.rootFile,
          message: `the app id changed from ${appId} to ${next.definition.meta.appId}: restart to serve another app`,
        };
        return { ok: false, problems: [problem], durationMs: durationMs() };
      }
      let built: AppStack;
      try {
        built = await buildAppStack(next.definition, foundation);
      } catch (error) {
        // The database failing (say) while the new version is built: the last good version keeps serving.
        const problem: Problem = { severity: 'error', message: `the new version could not be started: ${(error as Error).message}` };
        return { ok: false, problems: [...next.problems, problem], durationMs: durationMs() };
      }
      const previous = serving;
      serving = built;
      problems = next.problems;
      warm(built.functions, built.definition);
      // New requests go to the new version; the old one finishes the requests and calls it began.
      retiring.add(previous);
      previous
        .retire()
        .catch((error: Error) => logger.warn({ err: error }, "the previous version's function workers did not stop cleanly"))
        .finally(() => retiring.delete(previous));
      return { ok: true, problems: next.problems, durationMs: durationMs() };
    };

    const openedList = accessList;
    const harness = connectHarness({ url: listening.url, appId, mongoUri: mongo.uri, adminKey: foundation.adminKey as AdminKey });
    return {
      // The harness's methods are closures over its connection: copied, they work on their own.
      ...harness,
      url: listening.url,
      appId,
      dataApiUrl: `${listening.url}/app/${appId}/endpoint/data/v1`,
      mongoUri: mongo.uri,
      app: handler,
      get definition() {
        return serving.definition;
      },
      get problems() {
        return problems;
      },
      mongo,
      seeded,
      get auth() {
        return serving.auth;
      },
      adminKey: foundation.adminKey,
      adminKeyGenerated,
      accessList: openedList,
      get functions() {
        return serving.functions;
      },
      requestLog: foundation.requestLog,
      reload() {
        // One reload at a time, in the order asked: a burst of file changes ends on the last version.
        reloading = reloading.then(reloadOnce, reloadOnce);
        return reloading;
      },
      async stop() {
        await reloading.catch(() => undefined);
        await harness.close();
        openedList.close();
        await listening.close();
        await Promise.all([serving, ...retiring].map((version) => version.stop()));
        await mongo.stop();
      },
    };
  } catch (error) {
    accessList?.close();
    await stack?.stop();
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
export { connectEmulator, connectHarness, decodeEjson, HarnessAssertionError, HarnessRequestError } from './harness';
export type {
  AppClient,
  DataApiActionName,
  EndpointAnswer,
  EndpointInit,
  ExplainResult,
  Harness,
  HarnessConnection,
  LogEntry,
  LoginSpec,
  LogsOptions,
  ResetOptions,
  ResetResult,
  TestUser,
  UserSpec,
} from './harness';
