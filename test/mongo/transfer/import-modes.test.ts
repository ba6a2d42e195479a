/**
 * Import never loses data silently: by default a document whose _id is already there is counted
 * as a duplicate and left alone; --drop replaces each collection; --mode upsert replaces documents
 * by _id. Documents the database refuses for another reason are counted with its message.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportData, hasProblems, ImportedCollection, importData, ImportOptions } from '../../../emulator/mongo/transfer';
import { describeEmbedded, openTestDatabase, TestDatabase } from '../../helpers/database';
import { Scratch } from './helpers';

let database: TestDatabase;
let scratch: Scratch;
beforeAll(async () => {
  database = await openTestDatabase('modes');
  scratch = new Scratch();
});
afterAll(async () => {
  await database.close();
  scratch.remove();
});

type Item = { _id: number; name: string; version?: number; email?: string };

/** An export of `items` holding documents 1..n, version 1; the collection is then emptied. */
async function exportItems(n: number): Promise<string> {
  const items = database.db.collection<Item>('items');
  await items.deleteMany({});
  await items.insertMany(Array.from({ length: n }, (_, i) => ({ _id: i + 1, name: `item ${i + 1}`, version: 1 })));
  const directory = scratch.path('export');
  await exportData(database.client, { directory, databases: [database.db.databaseName] });
  await items.deleteMany({});
  return directory;
}

async function importItems(directory: string, options: Partial<ImportOptions> = {}): Promise<ImportedCollection> {
  const result = await importData(database.client, { directory, databases: [database.db.databaseName], ...options });
  return result.collections.find((entry) => entry.collection === 'items') as ImportedCollection;
}

describe('import modes', () => {
  it('by default, counts documents whose _id is already there as duplicates and leaves them as they are', async () => {
    const directory = await exportItems(5);
    const items = database.db.collection<Item>('items');
    await items.insertMany([{ _id: 2, name: 'changed since', version: 2 }, { _id: 4, name: 'changed since', version: 2 }]);

    const imported = await importItems(directory);

    expect(imported).toMatchObject({ inserted: 3, duplicates: 2, replaced: 0, refused: 0, firstDuplicate: '{"$numberInt":"2"}' });
    expect(hasProblems(imported)).toBe(true);
    expect(await items.find({ version: 2 }).sort({ _id: 1 }).toArray()).toEqual([
      { _id: 2, name: 'changed since', version: 2 },
      { _id: 4, name: 'changed since', version: 2 },
    ]);
    expect(await items.countDocuments()).toBe(5);
  });

  it('reports a clean import as having no problems', async () => {
    const directory = await exportItems(3);
    const imported = await importItems(directory);
    expect(imported).toMatchObject({ inserted: 3, duplicates: 0, problems: [] });
    expect(hasProblems(imported)).toBe(false);
  });

  it('--drop replaces the collection with the export, documents not in it included', async () => {
    const directory = await exportItems(3);
    const items = database.db.collection<Item>('items');
    await items.insertMany([{ _id: 1, name: 'changed since', version: 2 }, { _id: 99, name: 'added since' }]);

    const imported = await importItems(directory, { drop: true });

    expect(imported).toMatchObject({ inserted: 3, duplicates: 0 });
    expect(await items.find().sort({ _id: 1 }).toArray()).toEqual([1, 2, 3].map((i) => ({ _id: i, name: `item ${i}`, version: 1 })));
  });

  it('--mode upsert replaces documents with the same _id, inserts the others, and keeps documents not in the export', async () => {
    const directory = await exportItems(3);
    const items = database.db.collection<Item>('items');
    await items.insertMany([{ _id: 1, name: 'changed since', version: 2 }, { _id: 99, name: 'added since' }]);

    const imported = await importItems(directory, { mode: 'upsert' });

    expect(imported).toMatchObject({ inserted: 2, replaced: 1, duplicates: 0 });
    expect(hasProblems(imported)).toBe(false);
    expect(await items.find().sort({ _id: 1 }).toArray()).toEqual([
      ...[1, 2, 3].map((i) => ({ _id: i, name: `item ${i}`, version: 1 })),
      { _id: 99, name: 'added since' },
    ]);
  });

  it('counts documents a unique index refuses, with the database\'s message, apart from duplicates', async () => {
    const items = database.db.collection<Item>('items');
    await items.deleteMany({});
    await items.insertMany([{ _id: 1, name: 'a', email: 'a@example.com' }, { _id: 2, name: 'b', email: 'b@example.com' }]);
    const directory = scratch.path('export');
    await exportData(database.client, { directory, databases: [database.db.databaseName] });
    await items.deleteMany({});
    await items.createIndex({ email: 1 }, { unique: true });
    await items.insertOne({ _id: 10, name: 'someone else', email: 'b@example.com' });

    const imported = await importItems(directory);

    expect(imported).toMatchObject({ inserted: 1, duplicates: 0, refused: 1 });
    expect(imported.problems).toEqual([expect.stringContaining('E11000')]);
    expect(imported.problems[0]).toContain('email');
    expect(hasProblems(imported)).toBe(true);
  });

  it('counts an export holding one _id twice as a duplicate, even with --drop', async () => {
    const directory = scratch.path('handmade');
    mkdirSync(join(directory, database.db.databaseName), { recursive: true });
    writeFileSync(join(directory, database.db.databaseName, 'items.json'), '{"_id":1,"name":"first"}\n{"_id":1,"name":"second"}\n');
    const imported = await importItems(directory, { drop: true });
    expect(imported).toMatchObject({ inserted: 1, duplicates: 1 });
    expect(await database.db.collection('items').find().toArray()).toEqual([{ _id: 1, name: 'first' }]);
  });
});

describeEmbedded('import into the embedded engine', () => {
  it('loads the documents of a collection whose options the engine refuses, and reports the options', async () => {
    const directory = scratch.path('handmade');
    const folder = join(directory, database.db.databaseName);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'capped.json'), '{"_id":1}\n{"_id":2}\n');
    writeFileSync(join(folder, 'capped.metadata.json'), JSON.stringify({ options: { capped: true, size: 4096 }, indexes: [] }));

    const result = await importData(database.client, { directory, databases: [database.db.databaseName] });

    const capped = result.collections.find((entry) => entry.collection === 'capped') as ImportedCollection;
    expect(capped.inserted).toBe(2);
    expect(capped.problems).toEqual([expect.stringMatching(/^collection options \{"capped":true,"size":4096\} not applied \(.+\); the documents were loaded without them$/)]);
    expect(await database.db.collection('capped').countDocuments()).toBe(2);
  });
});
