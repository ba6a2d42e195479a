/**
 * Which databases a transfer covers: the app's data by default; the emulator's internal database
 * (users, keys, sessions, the access list, the token signing key) only with includeUsers, one
 * app's with appId, and on import under another app id when asked.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { exportData, importData, TransferError } from '../../../emulator/mongo/transfer';
import { internalDatabaseName } from '../../../emulator/mongo/internal';
import { openTestDatabase, TestDatabase } from '../../helpers/database';
import { AnyId, exactDocuments, Scratch } from './helpers';

let database: TestDatabase;
let scratch: Scratch;
const appId = `app-${randomBytes(3).toString('hex')}`;
const otherAppId = `other-${randomBytes(3).toString('hex')}`;
const internal = internalDatabaseName(appId);
const otherInternal = internalDatabaseName(otherAppId);
let dataName: string;

beforeAll(async () => {
  database = await openTestDatabase('selection');
  scratch = new Scratch();
  dataName = database.db.databaseName;
  await database.db.collection<AnyId>('notes').insertOne({ _id: 1, text: 'app data' });
  const users = database.client.db(internal).collection<AnyId>('users');
  await users.insertOne({ _id: 1, identity_keys: ['local-userpass:a@example.com'], disabled: false });
  await users.createIndex({ identity_keys: 1 }, { unique: true });
  await database.client.db(internal).collection<AnyId>('signing_keys').insertOne({ _id: 'access', secret: 'not really' });
});
afterAll(async () => {
  for (const name of [internal, otherInternal]) await database.client.db(name).dropDatabase();
  await database.close();
  scratch.remove();
});

function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: Error) => error,
  );
}

describe('export', () => {
  it('leaves the internal database out unless asked, and says it did', async () => {
    const directory = scratch.path('export');
    const result = await exportData(database.client, { directory });
    expect(result.internalSkipped).toContain(internal);
    expect(existsSync(join(directory, internal))).toBe(false);
    expect(existsSync(join(directory, dataName, 'notes.json'))).toBe(true);
    expect(result.collections.map((entry) => entry.database)).not.toContain('admin');
  });

  it('exports only the databases named', async () => {
    await database.client.db(`${dataName}_other`).collection<AnyId>('x').insertOne({ _id: 1 });
    try {
      const directory = scratch.path('export');
      const result = await exportData(database.client, { directory, databases: [dataName] });
      expect([...new Set(result.collections.map((entry) => entry.database))]).toEqual([dataName]);
    } finally {
      await database.client.db(`${dataName}_other`).dropDatabase();
    }
  });

  it('with includeUsers and appId, exports that app\'s internal database beside the data', async () => {
    const directory = scratch.path('export');
    const result = await exportData(database.client, { directory, databases: [dataName], includeUsers: true, appId });
    expect(result.collections.filter((entry) => entry.database === internal).map((entry) => entry.collection).sort()).toEqual(['signing_keys', 'users']);
    expect(result.internalSkipped).toEqual([]);
  });

  it('refuses a name that is not there, the internal database by --db, and --app-id without --include-users', async () => {
    const missing = await failure(exportData(database.client, { directory: scratch.path('export'), databases: ['no_such_db'] }));
    expect(missing).toBeInstanceOf(TransferError);
    expect(missing.message).toMatch(/^no database "no_such_db" in the database; it holds .*\b/);
    expect((await failure(exportData(database.client, { directory: scratch.path('export'), databases: [internal] }))).message).toContain('use --include-users');
    expect((await failure(exportData(database.client, { directory: scratch.path('export'), appId }))).message).toContain('goes with --include-users');
    expect((await failure(exportData(database.client, { directory: scratch.path('export'), includeUsers: true, appId: 'nobody' }))).message).toContain(
      'has no users of that app (database __app_services_nobody)',
    );
  });
});

describe('import', () => {
  let directory: string;
  beforeAll(async () => {
    directory = scratch.path('export');
    await exportData(database.client, { directory, databases: [dataName], includeUsers: true, appId });
  });

  it('skips the internal database of an export unless asked, and says it did', async () => {
    await database.client.db(internal).dropDatabase();
    const result = await importData(database.client, { directory, mode: 'upsert' });
    expect(result.internalSkipped).toEqual([internal]);
    expect(result.collections.map((entry) => entry.database)).toEqual([dataName]);
    expect(await database.client.db(internal).collection<AnyId>('users').countDocuments()).toBe(0);
  });

  it('says nothing of the internal database when the databases to import are named', async () => {
    const result = await importData(database.client, { directory, databases: [dataName], mode: 'upsert' });
    expect(result.internalSkipped).toEqual([]);
  });

  it('with includeUsers, restores users, keys and their unique index', async () => {
    await database.client.db(internal).dropDatabase();
    const result = await importData(database.client, { directory, databases: [dataName], includeUsers: true, mode: 'upsert' });
    expect(result.collections.filter((entry) => entry.database === internal)).toHaveLength(2);
    const users = database.client.db(internal).collection<AnyId>('users');
    expect(await exactDocuments(users)).toEqual([
      '{"_id":{"$numberInt":"1"},"identity_keys":["local-userpass:a@example.com"],"disabled":false}',
    ]);
    await expect(users.insertOne({ _id: 2, identity_keys: ['local-userpass:a@example.com'] })).rejects.toMatchObject({ code: 11000 });
  });

  it('with appId of another app, writes the export\'s users as that app\'s', async () => {
    const result = await importData(database.client, { directory, databases: [dataName], includeUsers: true, appId: otherAppId, mode: 'upsert' });
    expect(result.collections.filter((entry) => entry.database === otherInternal)).toHaveLength(2);
    expect(await database.client.db(otherInternal).collection<AnyId>('signing_keys').findOne()).toEqual({ _id: 'access', secret: 'not really' });
  });

  it('says what an export holds when a database asked for is not in it', async () => {
    const error = await failure(importData(database.client, { directory, databases: ['nope'] }));
    expect(error.message).toBe(`no database "nope" in ${directory}; it holds ${dataName}`);
  });
});
