/**
 * Between tests: the app's data dropped, and optionally its users, in one place for the
 * `DELETE /_emulator/data` route and the harness's `reset()` (which calls that route).
 *
 * Every database except MongoDB's own (admin, local, config) and the emulators' internal ones
 * (mongo/internal.ts) is dropped: the app's rules name databases, but functions and system callers
 * may write anywhere, and a test should start from nothing whichever wrote what. Against a shared
 * cluster that means every other database on it too: reset is for test databases.
 *
 * With `users`, the internal database loses who used the app — users (and the identities they
 * hold), email/password accounts and their tokens, sessions, user and server API keys, the
 * mailbox (auth/store.ts) — and keeps what the app is: the token signing key (so the admin's and
 * other processes' tokens stay valid), the IP access list.
 */
import type { MongoClient } from 'mongodb';
import { internalDatabaseName, isInternalDatabase } from './internal';

const SERVER_DATABASES = new Set(['admin', 'local', 'config']);

/** auth/store.ts's collections that hold users and what they logged in with; `signing_keys` is kept. */
const USER_COLLECTIONS = ['users', 'email_accounts', 'email_tokens', 'sessions', 'api_keys', 'mailbox'];

export interface ResetOptions {
  /** Also delete users, identities, sessions, API keys and the mailbox. */
  users?: boolean;
}

export interface ResetResult {
  /** The databases dropped, by name. */
  databases: string[];
  /** Users deleted (0 without `users`). */
  users: number;
}

export async function resetAppData(client: MongoClient, appId: string, options: ResetOptions = {}): Promise<ResetResult> {
  const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
  const dropped = databases.map((entry) => entry.name).filter((name) => !SERVER_DATABASES.has(name) && !isInternalDatabase(name));
  const internal = client.db(internalDatabaseName(appId));
  const [, deletions] = await Promise.all([
    Promise.all(dropped.map((name) => client.db(name).dropDatabase())),
    options.users ? Promise.all(USER_COLLECTIONS.map((name) => internal.collection(name).deleteMany({}))) : Promise.resolve([]),
  ]);
  return { databases: dropped.sort(), users: options.users ? deletions[0].deletedCount : 0 };
}
