/**
 * Export then import through the driver gives back exactly what was there: every BSON type, field
 * order, indexes with their options; large collections go in batches; and the files are what the
 * seeder reads (serve --seed).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Document, EJSON, Int32 } from 'bson';
import { CommandStartedEvent, MongoClient } from 'mongodb';
import { exportData, importData } from '../../../emulator/mongo/transfer';
import { seed } from '../../../emulator/mongo/seed';
import { openTestDatabase, TestDatabase } from '../../helpers/database';
import { AnyId, everyType, exactDocuments, Scratch } from './helpers';

let database: TestDatabase;
let scratch: Scratch;
beforeAll(async () => {
  database = await openTestDatabase('transfer');
  scratch = new Scratch();
});
afterAll(async () => {
  await database.close();
  scratch.remove();
});

const only = () => ({ databases: [database.db.databaseName] });

async function exportThenDropThenImport(): Promise<{ directory: string }> {
  const directory = scratch.path('export');
  await exportData(database.client, { directory, ...only() });
  await database.db.dropDatabase();
  await importData(database.client, { directory, ...only() });
  return { directory };
}

/** Index specifications without the version field, by name. */
async function indexes(name: string): Promise<Record<string, Document>> {
  const specifications = await database.db.collection(name).listIndexes().toArray();
  return Object.fromEntries(specifications.map(({ v: _v, ns: _ns, ...specification }) => [specification.name, specification]));
}

describe('export then import', () => {
  it('gives back every BSON type exactly, field order included', async () => {
    const collection = database.db.collection('types');
    await collection.insertMany([everyType(1), everyType(2), everyType(3)]);
    const before = await exactDocuments(collection);
    expect(before[0]).toContain('"int32":{"$numberInt":"1"},"doubleWhole":{"$numberDouble":"5.0"}');

    await exportThenDropThenImport();

    expect(await exactDocuments(collection)).toEqual(before);
  });

  it('recreates indexes with their names, keys and options', async () => {
    const collection = database.db.collection<AnyId>('indexed');
    await collection.insertMany([
      { _id: 1, email: 'a@example.com', team: 'x', score: 3, expires: new Date(), nickname: 'a' },
      { _id: 2, email: 'b@example.com', team: 'x', score: 9 },
    ]);
    await collection.createIndex({ email: 1 }, { unique: true, name: 'email_unique' });
    await collection.createIndex({ team: 1, score: -1 });
    await collection.createIndex({ nickname: 1 }, { sparse: true });
    await collection.createIndex({ score: 1 }, { partialFilterExpression: { score: { $gt: 5 } }, name: 'high_scores' });
    await collection.createIndex({ expires: 1 }, { expireAfterSeconds: 3600 });
    const before = await indexes('indexed');
    expect(Object.keys(before)).toHaveLength(6);

    await exportThenDropThenImport();

    expect(await indexes('indexed')).toEqual(before);
    // The unique index is in force, not just listed.
    await expect(collection.insertOne({ _id: 3, email: 'a@example.com' })).rejects.toMatchObject({ code: 11000 });
  });

  it('streams a few thousand documents into the file line by line and back in batches of at most 1,000', async () => {
    const count = 3500;
    const collection = database.db.collection<AnyId>('many');
    const documents = Array.from({ length: count }, (_, i) => ({ _id: i, n: new Int32(i), text: `document ${i}` }));
    await collection.insertMany(documents);
    const before = await exactDocuments(collection);

    const directory = scratch.path('export');
    const exported = await exportData(database.client, { directory, ...only() });
    expect(exported.collections.find((entry) => entry.collection === 'many')).toMatchObject({ documents: count });
    const lines = readFileSync(join(directory, database.db.databaseName, 'many.json'), 'utf8').split('\n');
    expect(lines).toHaveLength(count + 1);
    expect(lines[count]).toBe('');
    expect(EJSON.parse(lines[0], { relaxed: false })).toEqual({ _id: new Int32(0), n: new Int32(0), text: 'document 0' });

    await database.db.dropDatabase();
    const inserts: number[] = [];
    const monitored = await new MongoClient(database.uri, { monitorCommands: true }).connect();
    monitored.on('commandStarted', (event: CommandStartedEvent) => {
      if (event.commandName === 'insert' && event.command.insert === 'many') inserts.push(event.command.documents.length);
    });
    try {
      const imported = await importData(monitored, { directory, ...only() });
      expect(imported.collections.find((entry) => entry.collection === 'many')).toMatchObject({ inserted: count, duplicates: 0 });
    } finally {
      await monitored.close();
    }
    expect(inserts).toEqual([1000, 1000, 1000, 500]);
    expect(await exactDocuments(collection)).toEqual(before);
  });

  it('writes files the seeder loads: serve --seed <export> gives the same documents and indexes', async () => {
    const collection = database.db.collection('seeded');
    await collection.insertMany([everyType(7), everyType(8)]);
    await collection.createIndex({ int32: 1 }, { unique: true });
    const before = await exactDocuments(collection);
    const indexesBefore = await indexes('seeded');

    const directory = scratch.path('export');
    await exportData(database.client, { directory, ...only() });
    expect(readdirSync(join(directory, database.db.databaseName))).toEqual(expect.arrayContaining(['seeded.json', 'seeded.metadata.json']));
    await database.db.dropDatabase();
    const result = await seed(database.client, directory);

    expect(result.collections.find((entry) => entry.collection === 'seeded')).toMatchObject({ documents: 2, indexes: 1 });
    expect(await exactDocuments(collection)).toEqual(before);
    expect(await indexes('seeded')).toEqual(indexesBefore);
  });

  it('keeps collection names that are not file names, and empty collections', async () => {
    await database.db.collection<AnyId>('a/b:c%d').insertOne({ _id: 1 });
    await database.db.createCollection('empty');
    await exportThenDropThenImport();
    const names = (await database.db.listCollections().toArray()).map((info) => info.name);
    expect(names).toEqual(expect.arrayContaining(['a/b:c%d', 'empty']));
    expect(await exactDocuments(database.db.collection<AnyId>('a/b:c%d'))).toEqual(['{"_id":{"$numberInt":"1"}}']);
    expect(await database.db.collection('empty').countDocuments()).toBe(0);
  });
});
