import { Long, MongoClient, MongoServerError } from 'mongodb';
import { describeEmbedded, failure, openTestDatabase, realMongoUri, TestDatabase } from '../../helpers/database';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase('sessions');
});
afterAll(async () => t.close());

describe('sessions on a standalone server', () => {
  it('runs ordinary operations in an explicit session', async () => {
    const session = t.client.startSession();
    try {
      await t.db.collection('s').insertOne({ a: 1 }, { session });
      expect(await t.db.collection('s').findOne({ a: 1 }, { session })).toMatchObject({ a: 1 });
    } finally {
      await session.endSession();
    }
  });

  // A standalone mongod refuses transactions the same way; a replica set would accept them.
  (realMongoUri ? it.skip : it)('refuses transaction numbers with IllegalOperation (20)', async () => {
    const error = await failure(
      t.db.command({ insert: 's', documents: [{ b: 1 }], txnNumber: Long.fromNumber(1), startTransaction: true, autocommit: false }),
    );
    expect(error?.code).toBe(20);
    expect(error?.message).toBe('Transaction numbers are only allowed on a replica set member or mongos');
  });

  (realMongoUri ? it.skip : it)('fails a write inside a driver transaction, and stores nothing', async () => {
    const session = t.client.startSession();
    try {
      session.startTransaction();
      const error = await failure(t.db.collection('s').insertOne({ inTransaction: true }, { session }));
      // The driver words code 20 on a write as "This MongoDB deployment does not support retryable writes".
      expect(error).toBeInstanceOf(MongoServerError);
      await session.abortTransaction().catch(() => undefined);
    } finally {
      await session.endSession();
    }
    expect(await t.db.collection('s').findOne({ inTransaction: true })).toBeNull();
  });
});

describeEmbedded('what the embedded engine refuses, with an error that says so', () => {
  beforeAll(async () => {
    await t.db.collection('places').insertOne({ name: 'x', loc: { type: 'Point', coordinates: [0, 0] } });
  });

  it.each([
    ['$near', { loc: { $near: { $geometry: { type: 'Point', coordinates: [0, 0] } } } }],
    ['$geoWithin', { loc: { $geoWithin: { $centerSphere: [[0, 0], 1] } } }],
    ['$geoIntersects', { loc: { $geoIntersects: { $geometry: { type: 'Point', coordinates: [0, 0] } } } }],
  ])('names the geospatial operator %s', async (operator, filter) => {
    const error = await failure(t.db.collection('places').find(filter).toArray());
    expect(error?.code).toBe(2);
    expect(error?.message).toContain(operator);
    expect(error?.message).toMatch(/not support/);
  });

  it('names $text', async () => {
    const error = await failure(t.db.collection('places').find({ $text: { $search: 'x' } }).toArray());
    expect(error?.message).toMatch(/\$text queries are not supported/);
  });

  it('refuses $where (no server-side JavaScript)', async () => {
    const error = await failure(t.db.collection('places').find({ $where: 'true' }).toArray());
    expect(error?.message).toMatch(/\$where is not allowed/);
  });

  it('refuses explain with CommandNotSupported (115)', async () => {
    const error = await failure(t.db.collection('places').find({}).explain());
    expect(error?.code).toBe(115);
  });

  it('refuses non-simple collations but accepts the simple one', async () => {
    const error = await failure(t.db.collection('places').find({}, { collation: { locale: 'fr' } }).toArray());
    expect(error?.message).toMatch(/collations are not supported/);
    await expect(t.db.collection('places').find({}, { collation: { locale: 'simple' } }).toArray()).resolves.toHaveLength(1);
  });
});

describe('many clients at once', () => {
  it('keeps each write atomic: of many racing inserts of one unique key, exactly one wins', async () => {
    await t.db.collection('race').createIndex({ key: 1 }, { unique: true });
    const clients = await Promise.all(Array.from({ length: 8 }, () => new MongoClient(t.uri).connect()));
    try {
      const attempts = clients.flatMap((client, c) =>
        Array.from({ length: 25 }, (_, i) =>
          client
            .db(t.db.databaseName)
            .collection('race')
            .insertOne({ key: i % 5, by: `${c}-${i}` })
            .then(() => 'ok', (e: MongoServerError) => e.code),
        ),
      );
      const outcomes = await Promise.all(attempts);
      expect(outcomes.filter((o) => o === 'ok')).toHaveLength(5);
      expect(outcomes.filter((o) => o === 11000)).toHaveLength(195);
      expect(await t.db.collection('race').estimatedDocumentCount()).toBe(5);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  });

  it('serves concurrent readers and writers without losing a write', async () => {
    const clients = await Promise.all(Array.from({ length: 6 }, () => new MongoClient(t.uri).connect()));
    try {
      await Promise.all(
        clients.map(async (client, c) => {
          const collection = client.db(t.db.databaseName).collection('busy');
          for (let i = 0; i < 50; i++) {
            await collection.insertOne({ c, i });
            await collection.find({ c }).toArray();
          }
        }),
      );
      expect(await t.db.collection('busy').estimatedDocumentCount()).toBe(300);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  });
});
