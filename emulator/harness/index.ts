/**
 * The test harness: users, tokens, logins, data resets, rule explanations and logs for a running
 * emulator, written once as a client of its public surface — HTTP (the client API, the Admin API,
 * the Data API, the `/_emulator` routes) and the driver on its MongoDB URI. So the same harness
 * serves a test in the emulator's process (`startEmulator()` returns one) and a jest worker talking
 * to an emulator its globalSetup started (`connectEmulator()` from the environment).
 *
 *   const harness = connectEmulator();            // APP_SERVICES_URL, APP_SERVICES_APP_ID, …
 *   beforeEach(() => harness.reset());
 *   const alice = await harness.loginAs(await harness.createUser({ email, password }));
 *   await harness.assertDenied(alice.dataApi('insertOne', { dataSource, database, collection, document }));
 */
import type { MongoClient } from 'mongodb';
import { parseAdminKey } from '../auth/admin-key';
import { adminAccess } from './admin-access';
import { openAppClient } from './app-client';
import { assertAllowed, assertDenied, HarnessRequestError } from './errors';
import { logins } from './logins';
import { send } from './transport';
import type { AppClient, ExplainResult, Harness, HarnessConnection, LogEntry, LoginSpec, ResetResult } from './types';

export { HarnessAssertionError, HarnessRequestError } from './errors';
export { decodeEjson } from './transport';
export type * from './types';

/** The variables `connectEmulator` reads, and what each holds. */
const ENVIRONMENT = {
  APP_SERVICES_URL: 'the emulator\'s base URL, e.g. http://127.0.0.1:8080',
  APP_SERVICES_APP_ID: 'the client app id it serves',
  MONGODB_URI: 'its MongoDB URI',
  APP_SERVICES_ADMIN_KEY: 'its admin key pair as "<public>:<private>"',
} as const;

/**
 * A harness from the environment, as jest's globalSetup leaves it for the workers (it starts the
 * emulator and sets these variables): APP_SERVICES_URL, APP_SERVICES_APP_ID, MONGODB_URI and
 * APP_SERVICES_ADMIN_KEY.
 */
export function connectEmulator(env: NodeJS.ProcessEnv = process.env): Harness {
  const missing = (Object.keys(ENVIRONMENT) as Array<keyof typeof ENVIRONMENT>).filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new Error(
      `connectEmulator: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set. It needs ` +
        `${missing.map((name) => `${name} (${ENVIRONMENT[name]})`).join(', ')}: set by the process that started the emulator (jest's globalSetup)`,
    );
  }
  let adminKey;
  try {
    adminKey = parseAdminKey(env.APP_SERVICES_ADMIN_KEY as string);
  } catch {
    throw new Error('connectEmulator: APP_SERVICES_ADMIN_KEY must be "<public key>:<private key>"');
  }
  return connectHarness({ url: env.APP_SERVICES_URL as string, appId: env.APP_SERVICES_APP_ID as string, mongoUri: env.MONGODB_URI as string, adminKey });
}

export function connectHarness(connection: HarnessConnection): Harness {
  const url = connection.url.replace(/\/+$/, '');
  const { appId, mongoUri } = connection;
  const location = { url, appId, dataApiUrl: `${url}/app/${appId}/endpoint/data/v1` };
  const admin = adminAccess(url, connection);
  const users = logins(url, appId, admin);

  let system: MongoClient | undefined;

  const harness: Harness = {
    url,
    appId,
    dataApiUrl: location.dataApiUrl,
    mongoUri,

    createUser: users.createUser,

    async createApiKey(name: string) {
      const answer = await admin.adminApi('/api_keys', { method: 'POST', body: JSON.stringify({ name }) });
      const key = answer.body as { _id: string; key: string; name: string };
      return { id: key._id, key: key.key, name: key.name };
    },

    async signJwt(claims, options) {
      return (await users.signJwt(claims, options)).token;
    },

    async loginAs(who: LoginSpec): Promise<AppClient> {
      return openAppClient(location, await users.session(who));
    },

    asSystem() {
      // The driver takes ~0.4 s to load, and jest loads modules again for every test file: only
      // the files that ask for it pay.
      system ??= new (require('mongodb') as typeof import('mongodb')).MongoClient(mongoUri);
      const client = system;
      return { db: (name: string) => client.db(name) };
    },

    async reset(options = {}): Promise<ResetResult> {
      const query = new URLSearchParams();
      if (options.users) query.set('users', 'true');
      if (options.reseed) query.set('reseed', 'true');
      const answer = await admin.emulatorRoute(`/data${query.size > 0 ? `?${query}` : ''}`, { method: 'DELETE' });
      return answer.body as ResetResult;
    },

    async explain(who, action, request): Promise<ExplainResult> {
      const user = who === 'system' ? 'system' : 'user' in who && typeof who.user === 'object' ? (who as AppClient).user.id : (who as { id: string }).id;
      const answer = await admin.emulatorRoute('/explain', {
        method: 'POST',
        headers: { 'Content-Type': 'application/ejson' },
        body: { user, action, request },
      });
      return answer.body as ExplainResult;
    },

    assertDenied,
    assertAllowed,

    async logs(options = {}): Promise<LogEntry[]> {
      if (options.requestId !== undefined) {
        const answer = await send(`${url}/_emulator/requests/${encodeURIComponent(options.requestId)}`, { keepErrors: true });
        if (answer.status === 404) return [];
        if (answer.status !== 200) throw HarnessRequestError.fromAnswer(answer.status, answer.body, 'GET /_emulator/requests/<id>');
        return [answer.body as LogEntry];
      }
      let since = '';
      if (options.since !== undefined) {
        const time = new Date(options.since);
        if (Number.isNaN(time.getTime())) throw new Error(`logs: "since" must be a Date or a date string, not ${JSON.stringify(options.since)}`);
        since = `?since=${encodeURIComponent(time.toISOString())}`;
      }
      const entries = (await admin.emulatorRoute(`/requests${since}`)).body as LogEntry[];
      return options.includeEmulatorRoutes ? entries : entries.filter((entry) => !entry.url.startsWith('/_emulator/'));
    },

    async close() {
      const client = system;
      system = undefined;
      await client?.close();
    },
  };
  return harness;
}
