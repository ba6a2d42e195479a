/**
 * The emulator as a library: `startEmulator` loads an exported app, starts (or connects to) its
 * database, seeds it, and serves the app over HTTP. The CLI's `serve` is a thin layer over it;
 * tests use it directly (its `app` is the express app, for supertest).
 */
import type { Express } from 'express';
import pino, { Logger } from 'pino';
import { AppDefinition, formatProblem, loadApp, Problem } from './app';
import { type AdminKey, AuthService, type FunctionCaller } from './auth';
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
  /** Runs app functions for auth (confirmation and reset functions), until the runtime is built in. */
  callFunction?: FunctionCaller;
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

  const mongo = await connectMongo({ mongodb: options.mongodb, port: options.mongodbPort, logger });
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
      callFunction: options.callFunction,
    });
    const { app } = createHttpApp({ appId, definition, mongo, auth, logger, startedAt: new Date() });
    const listening = await listen(app, options.port ?? 0, options.host ?? '127.0.0.1');
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
      async stop() {
        await listening.close();
        await mongo.stop();
      },
    };
  } catch (error) {
    await mongo.stop();
    throw error;
  }
}

export type { AppDefinition, Problem } from './app';
export type { AdminKey, AppUser, FunctionCaller, MailMessage } from './auth';
export { AuthService, generateAdminKey, parseAdminKey } from './auth';
export type { SeedProgress, SeedResult } from './mongo/seed';
