import { MongoClient } from 'mongodb';
import { EmbeddedMongoServer } from '../../../emulator/mongo/embedded/server';
import { describeEmbedded, failure, openTestDatabase, TestDatabase } from '../../helpers/database';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase('indexes');
});
afterAll(async () => t.close());

async function fresh(name: string) {
  const collection = t.db.collection(name);
  await collection.drop().catch(() => undefined);
  return collection;
}

describe('index management', () => {
  it('creates, lists and drops indexes', async () => {
    const collection = await fresh('manage');
    expect(await collection.createIndex({ a: 1 })).toBe('a_1');
    expect(await collection.createIndex({ b: -1, c: 1 }, { name: 'b_c' })).toBe('b_c');
    const listed = await collection.listIndexes().toArray();
    expect(listed.map((index) => [index.name, index.key])).toEqual([
      ['_id_', { _id: 1 }],
      ['a_1', { a: 1 }],
      ['b_c', { b: -1, c: 1 }],
    ]);
    await collection.dropIndex('a_1');
    await collection.dropIndex({ b: -1, c: 1 } as never);
    expect((await collection.listIndexes().toArray()).map((index) => index.name)).toEqual(['_id_']);
  });

  it('creates the collection when an index is created on a missing one', async () => {
    await fresh('auto');
    const reply = await t.db.command({ createIndexes: 'auto', indexes: [{ key: { x: 1 }, name: 'x_1' }] });
    expect(reply.createdCollectionAutomatically).toBe(true);
    expect(reply.numIndexesBefore).toBe(1);
    expect(reply.numIndexesAfter).toBe(2);
  });

  it('treats re-creating an identical index as a no-op', async () => {
    const collection = await fresh('same');
    await collection.createIndex({ a: 1 }, { unique: true });
    await collection.createIndex({ a: 1 }, { unique: true });
    expect(await collection.listIndexes().toArray()).toHaveLength(2);
  });

  it('refuses an index whose name exists with another key (86) or whose key exists under another name (85)', async () => {
    const collection = await fresh('conflicts');
    await collection.createIndex({ a: 1 }, { name: 'mine' });
    expect((await failure(collection.createIndex({ b: 1 }, { name: 'mine' })))?.code).toBe(86);
    expect((await failure(collection.createIndex({ a: 1 }, { name: 'other' })))?.code).toBe(85);
  });

  it('refuses to drop the _id index (72) or an index that does not exist (27)', async () => {
    const collection = await fresh('drops');
    await collection.insertOne({ a: 1 });
    expect((await failure(collection.dropIndex('_id_')))?.code).toBe(72);
    expect((await failure(collection.dropIndex('nope')))?.code).toBe(27);
  });

  it('drops every index but _id with "*"', async () => {
    const collection = await fresh('drop_all');
    await collection.createIndexes([{ key: { a: 1 } }, { key: { b: 1 } }]);
    await collection.dropIndexes();
    expect((await collection.listIndexes().toArray()).map((index) => index.name)).toEqual(['_id_']);
  });

  it('answers listIndexes on a missing collection with NamespaceNotFound (26)', async () => {
    expect((await failure(t.db.collection('never_created').listIndexes().toArray()))?.code).toBe(26);
  });
});

describe('unique indexes', () => {
  it('refuse duplicates on insert with the index key in the error', async () => {
    const collection = await fresh('unique_insert');
    await collection.createIndex({ email: 1 }, { unique: true });
    await collection.insertOne({ email: 'a@x.org' });
    const error = await failure(collection.insertOne({ email: 'a@x.org' }));
    expect(error?.code).toBe(11000);
    expect(error?.keyPattern).toEqual({ email: 1 });
    expect(error?.keyValue).toEqual({ email: 'a@x.org' });
    expect(error?.message).toContain('index: email_1 dup key: { email: "a@x.org" }');
  });

  it('treat numbers of different types as the same key', async () => {
    const collection = await fresh('unique_numbers');
    await collection.createIndex({ n: 1 }, { unique: true });
    await collection.insertOne({ n: 1 });
    expect((await failure(collection.insertOne({ n: 1.0 })))?.code).toBe(11000);
  });

  it('apply to compound keys as a whole', async () => {
    const collection = await fresh('unique_compound');
    await collection.createIndex({ a: 1, b: 1 }, { unique: true });
    await collection.insertMany([{ a: 1, b: 1 }, { a: 1, b: 2 }]);
    const error = await failure(collection.insertOne({ a: 1, b: 2 }));
    expect(error?.code).toBe(11000);
    expect(error?.keyValue).toEqual({ a: 1, b: 2 });
  });

  it('index each element of an array, so two documents cannot share an element', async () => {
    const collection = await fresh('unique_multikey');
    await collection.createIndex({ tags: 1 }, { unique: true });
    await collection.insertOne({ tags: ['x', 'y'] });
    await collection.insertOne({ tags: ['z', 'z'] });
    expect((await failure(collection.insertOne({ tags: ['q', 'y'] })))?.code).toBe(11000);
  });

  it('count missing fields as null unless the index is sparse', async () => {
    const dense = await fresh('unique_dense');
    await dense.createIndex({ k: 1 }, { unique: true });
    await dense.insertOne({ other: 1 });
    expect((await failure(dense.insertOne({ other: 2 })))?.keyValue).toEqual({ k: null });
    const sparse = await fresh('unique_sparse');
    await sparse.createIndex({ k: 1 }, { unique: true, sparse: true });
    await sparse.insertMany([{ other: 1 }, { other: 2 }, { k: 1 }]);
    expect((await failure(sparse.insertOne({ k: 1 })))?.code).toBe(11000);
  });

  it('only cover the documents a partial filter selects', async () => {
    const collection = await fresh('unique_partial');
    await collection.createIndex({ user: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await collection.insertMany([{ user: 'u', active: false }, { user: 'u', active: false }, { user: 'u', active: true }]);
    expect((await failure(collection.insertOne({ user: 'u', active: true })))?.code).toBe(11000);
  });

  it('cannot be built over duplicate data, and nothing is built', async () => {
    const collection = await fresh('unique_build');
    await collection.insertMany([{ a: 1 }, { a: 1 }]);
    expect((await failure(collection.createIndex({ a: 1 }, { unique: true })))?.code).toBe(11000);
    expect((await collection.listIndexes().toArray()).map((index) => index.name)).toEqual(['_id_']);
  });

  it('refuse parallel arrays in a compound index (171)', async () => {
    const collection = await fresh('parallel');
    await collection.createIndex({ a: 1, b: 1 });
    expect((await failure(collection.insertOne({ a: [1, 2], b: [3, 4] })))?.code).toBe(171);
  });
});

describe('queries answer the same with and without an index', () => {
  const documents = [
    { _id: 1, k: 5, tags: ['a', 'b'], nested: { v: 'x' } },
    { _id: 2, k: 5.0, tags: ['b'], nested: { v: 'y' } },
    { _id: 3, k: '5', tags: [], nested: [{ v: 'x' }, { v: 'z' }] },
    { _id: 4, tags: 'a' },
    { _id: 5, k: null },
    { _id: 6, k: [5, 6] },
  ];
  const filters: Record<string, unknown>[] = [
    { k: 5 },
    { k: { $eq: 5 } },
    { k: { $in: [6, '5'] } },
    { k: null },
    { tags: 'a' },
    { tags: ['b'] },
    { 'nested.v': 'x' },
    { k: 5, tags: 'b' },
    { $and: [{ k: 5 }, { _id: { $gt: 1 } }] },
    { _id: { $in: [3, 1, 99] } },
    { _id: 2 },
  ];

  it('for every filter', async () => {
    const plain = await fresh('plain_scan');
    const indexed = await fresh('indexed');
    await plain.insertMany(documents as never[]);
    await indexed.insertMany(documents as never[]);
    await indexed.createIndexes([{ key: { k: 1 } }, { key: { tags: 1 } }, { key: { 'nested.v': 1 } }]);
    for (const filter of filters) {
      const expected = (await plain.find(filter).toArray()).map((d) => d._id).sort();
      const actual = (await indexed.find(filter).toArray()).map((d) => d._id).sort();
      expect([filter, actual]).toEqual([filter, expected]);
    }
  });
});

describeEmbedded('index types the embedded engine refuses', () => {
  it('refuses text and geospatial indexes by name (67)', async () => {
    const collection = await fresh('refused');
    const text = await failure(collection.createIndex({ body: 'text' }));
    expect(text?.code).toBe(67);
    expect(text?.message).toMatch(/text indexes are not supported/);
    expect((await failure(collection.createIndex({ loc: '2dsphere' })))?.code).toBe(67);
  });
});

describeEmbedded('TTL indexes', () => {
  it('delete documents whose date field is older than expireAfterSeconds, on the monitor schedule', async () => {
    const server = new EmbeddedMongoServer({ ttlMonitorIntervalMs: 50 });
    const { uri } = await server.start();
    const client = await new MongoClient(uri).connect();
    try {
      const sessions = client.db('ttl').collection('sessions');
      await sessions.createIndex({ lastSeen: 1 }, { expireAfterSeconds: 60 });
      const now = Date.now();
      await sessions.insertMany([
        { _id: 'stale', lastSeen: new Date(now - 120_000) },
        { _id: 'fresh', lastSeen: new Date(now) },
        { _id: 'staleArray', lastSeen: [new Date(now), new Date(now - 120_000)] },
        { _id: 'notADate', lastSeen: 'yesterday' },
        { _id: 'missing' },
      ] as never[]);
      let remaining: unknown[] = [];
      for (let attempt = 0; attempt < 100; attempt++) {
        remaining = (await sessions.find().sort({ _id: 1 }).toArray()).map((d) => d._id);
        if (remaining.length === 3) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(remaining).toEqual(['fresh', 'missing', 'notADate']);
      expect((await sessions.listIndexes().toArray())[1].expireAfterSeconds).toBe(60);
    } finally {
      await client.close();
      await server.stop();
    }
  });
});
