/** The harness's public shapes: what tests, jest's globalSetup and workers exchange. */
import type { Db } from 'mongodb';
import type { RequestLogEntry } from '../http/request-log';
import type { SeededCollection } from '../mongo/seed';
import type { RulesExplanation } from '../rules/explanation';
import type { HarnessRequestError } from './errors';

/** Everything a harness needs to reach a running emulator, from any process. */
export interface HarnessConnection {
  /** The emulator's base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  appId: string;
  mongoUri: string;
  /** The Admin API's key pair (`serve --admin-key`, `Emulator.adminKey`). */
  adminKey: { publicKey: string; privateKey: string };
}

export type DataApiActionName =
  | 'findOne'
  | 'find'
  | 'insertOne'
  | 'insertMany'
  | 'updateOne'
  | 'updateMany'
  | 'replaceOne'
  | 'deleteOne'
  | 'deleteMany'
  | 'aggregate';

/** A user made by `createUser`, holding what `loginAs` needs to log in as it again. */
export interface TestUser {
  id: string;
  /** The provider type: `local-userpass`, `custom-token` or `anon-user`. */
  provider: 'local-userpass' | 'custom-token' | 'anon-user';
  /** The provider's name in auth/providers.json. */
  providerName: string;
  email?: string;
  password?: string;
  jwtClaims?: Record<string, unknown>;
  /** An anonymous user has no credentials: its session is how it logs in again. */
  refreshToken?: string;
}

export type UserSpec = { email: string; password: string } | { jwtClaims: Record<string, unknown> } | 'anon';

export type LoginSpec =
  | TestUser
  | { email: string; password: string }
  | { apiKey: string }
  /** A JWT signed elsewhere; `provider` names the custom-token provider (default `custom-token`). */
  | { jwt: string; provider?: string }
  | { jwtClaims: Record<string, unknown> }
  | 'anon';

export interface EndpointInit {
  method?: string;
  /** A string is sent as is; anything else as JSON (Extended JSON for BSON values). */
  body?: unknown;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** Resolve with 4xx/5xx answers instead of rejecting with HarnessRequestError. */
  throwOnError?: boolean;
}

export interface EndpointAnswer {
  status: number;
  headers: Record<string, string>;
  /** JSON decoded (Extended JSON wrappers as BSON classes), else the text; undefined when empty. */
  body: any;
}

/** A logged-in user's view of the app: the Data API, functions and endpoints with its access token. */
export interface AppClient {
  user: { id: string; type: string; data: Record<string, unknown>; identities: Array<Record<string, unknown>> };
  accessToken: string;
  refreshToken: string;
  /** A Data API v1 action with this user's token; the answer EJSON decoded. */
  dataApi(action: DataApiActionName, body: Record<string, unknown>): Promise<any>;
  /** `functions/call`, arguments and result as EJSON. */
  callFunction(name: string, ...args: unknown[]): Promise<any>;
  /** A custom HTTPS endpoint (`/app/<id>/endpoint/<route>`), with this user's token as Bearer. */
  endpoint(route: string, init?: EndpointInit): Promise<EndpointAnswer>;
  /** Ends the session (the refresh token stops working). */
  logout(): Promise<void>;
}

export interface ResetOptions {
  /** Also delete users, identities, sessions, API keys and the mailbox (their tokens then answer 401). */
  users?: boolean;
  /** Seed the data again with the emulator's seed specs (`seed` / `--seed`). */
  reseed?: boolean;
}

export interface ResetResult {
  databases: string[];
  users: number;
  /** With `reseed`: what was seeded. */
  seeded?: Array<{ source: string; collections: SeededCollection[]; milliseconds: number }>;
}

/** `explain()`'s answer: the rules' explanation (rules/explanation.ts) with the action's outcome. */
export interface ExplainResult extends Partial<RulesExplanation> {
  action: DataApiActionName;
  /** A write, run on a scratch copy of the documents it could reach: nothing changed. */
  dryRun: boolean;
  /** The Data API's answer, when the action succeeded. */
  result?: any;
  /** The failure, with the status the Data API would have answered. */
  error?: { message: string; code?: string; status?: number };
  operations?: RulesExplanation[];
}

export type LogEntry = RequestLogEntry;

export interface LogsOptions {
  /** Entries of requests that began at or after this time. */
  since?: Date | string;
  /** One request's entry (the `link` of an error names it). */
  requestId?: string;
  /** Keep the harness's own calls to /_emulator routes (left out by default). */
  includeEmulatorRoutes?: boolean;
}

export interface Harness {
  url: string;
  appId: string;
  /** `${url}/app/<app id>/endpoint/data/v1` */
  dataApiUrl: string;
  mongoUri: string;
  /** email/password (Admin API, confirmed at once), custom JWT claims (signed with the app's key), or an anonymous user. */
  createUser(spec: UserSpec): Promise<TestUser>;
  /** A server API key (Admin API); `key` is shown only here. */
  createApiKey(name: string): Promise<{ id: string; key: string; name: string }>;
  /** A JWT the app's custom-token provider accepts (HS256/384/512 only), `exp` 1 hour unless given. */
  signJwt(claims: Record<string, unknown>, options?: { expiresIn?: string | number; provider?: string }): Promise<string>;
  loginAs(who: LoginSpec): Promise<AppClient>;
  /** The driver on the database, no rules: seed and inspect. One client, opened at first use, closed by close(). */
  asSystem(): { db(name: string): Db };
  /** Drops every app database (and with `users`, users and sessions): call it in beforeEach. */
  reset(options?: ResetOptions): Promise<ResetResult>;
  /** A Data API action run as `who` with the rules explained; writes are dry runs, nothing changes. */
  explain(who: TestUser | AppClient | 'system' | { id: string }, action: DataApiActionName, request: Record<string, unknown>): Promise<ExplainResult>;
  assertDenied(promise: Promise<unknown>): Promise<HarnessRequestError>;
  assertAllowed<T>(promise: Promise<T>): Promise<T>;
  /** The request log: one entry per request, with the console output of the function it ran. */
  logs(options?: LogsOptions): Promise<LogEntry[]>;
  /** Closes the driver client asSystem() opened; the emulator keeps running. */
  close(): Promise<void>;
}
