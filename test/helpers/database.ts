/**
 * The database the driver-level tests run against: the embedded engine (started in-process on a
 * free port), or a real MongoDB when TEST_MONGODB_URI is set, so the same suite checks the engine
 * against mongod wherever one exists.
 */
import { randomBytes } from 'node:crypto';
import { Db, MongoClient, MongoServerError } from 'mongodb';
import { EmbeddedMongoServer } from '../../emulator/mongo/embedded/server';

export const realMongoUri = process.env.TEST_MONGODB_URI;

/**
 * For behaviour only the embedded engine has (its "not supported" errors, its internals): skipped,
 * and counted as skipped by jest, when the suite runs against a real MongoDB.
 */
export const describeEmbedded: jest.Describe = realMongoUri ? describe.skip : describe;

export interface TestDatabase {
  client: MongoClient;
  db: Db;
  uri: string;
  /** The in-process server, when the tests run against the embedded engine. */
  server?: EmbeddedMongoServer;
  close(): Promise<void>;
}

export async function openTestDatabase(prefix = 'test'): Promise<TestDatabase> {
  let server: EmbeddedMongoServer | undefined;
  let uri = realMongoUri;
  if (!uri) {
    server = new EmbeddedMongoServer();
    uri = (await server.start()).uri;
  }
  const client = new MongoClient(uri);
  await client.connect();
  const db = client.db(`${prefix}_${randomBytes(4).toString('hex')}`);
  return {
    client,
    db,
    uri,
    server,
    async close() {
      await db.dropDatabase().catch(() => undefined);
      await client.close();
      await server?.stop();
    },
  };
}

/** The server error a promise rejects with, or undefined when it resolves. */
export function failure(promise: Promise<unknown>): Promise<MongoServerError | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) => error as MongoServerError,
  );
}
