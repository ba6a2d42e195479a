import { Long, MongoClient, MongoServerError } from 'mongodb';
import { EmbeddedMongoServer } from '../../../emulator/mongo/embedded/server';
import { describeEmbedded, openTestDatabase, TestDatabase } from '../../helpers/database';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase('cursors');
  await t.db.collection<{ _id: number }>('many').insertMany(Array.from({ length: 250 }, (_, i) => ({ _id: i })));
});
afterAll(async () => t.close());

describe('cursors', () => {
  it('serves 101 documents in the first batch and the rest through getMore', async () => {
    const first = await t.db.command({ find: 'many' });
    expect(first.cursor.firstBatch).toHaveLength(101);
    expect(first.cursor.id).not.toEqual(Long.ZERO);
    const next = await t.db.command({ getMore: first.cursor.id, collection: 'many', batchSize: 100 });
    expect(next.cursor.nextBatch.map((d: { _id: number }) => d._id)).toEqual(Array.from({ length: 100 }, (_, i) => i + 101));
    const last = await t.db.command({ getMore: first.cursor.id, collection: 'many' });
    expect(last.cursor.nextBatch).toHaveLength(49);
    expect(Number(last.cursor.id)).toBe(0);
  });

  it('reads everything through the driver with a small batch size', async () => {
    const all = await t.db.collection('many').find().batchSize(7).toArray();
    expect(all.map((d) => d._id)).toEqual(Array.from({ length: 250 }, (_, i) => i));
  });

  it('closes the cursor after one batch with singleBatch', async () => {
    const reply = await t.db.command({ find: 'many', batchSize: 5, singleBatch: true });
    expect(reply.cursor.firstBatch).toHaveLength(5);
    expect(Number(reply.cursor.id)).toBe(0);
  });

  it('opens a cursor with an empty first batch for batchSize 0', async () => {
    const reply = await t.db.command({ find: 'many', batchSize: 0 });
    expect(reply.cursor.firstBatch).toHaveLength(0);
    const next = await t.db.command({ getMore: reply.cursor.id, collection: 'many', batchSize: 3 });
    expect(next.cursor.nextBatch.map((d: { _id: number }) => d._id)).toEqual([0, 1, 2]);
    await t.db.command({ killCursors: 'many', cursors: [reply.cursor.id] });
  });

  it('kills cursors, after which getMore answers CursorNotFound (43)', async () => {
    const reply = await t.db.command({ find: 'many', batchSize: 2 });
    const killed = await t.db.command({ killCursors: 'many', cursors: [reply.cursor.id, Long.fromNumber(12345)] });
    expect(killed.cursorsKilled.map(String)).toEqual([String(reply.cursor.id)]);
    expect(killed.cursorsNotFound.map(String)).toEqual(['12345']);
    const error = (await t.db
      .command({ getMore: reply.cursor.id, collection: 'many' })
      .catch((e: unknown) => e)) as MongoServerError;
    expect(error.code).toBe(43);
  });

  it('closes cursors through the driver', async () => {
    const cursor = t.db.collection('many').find().batchSize(3);
    await cursor.next();
    await cursor.close();
    expect(cursor.killed).toBe(true);
  });

  it('refuses getMore on another namespace than the cursor read', async () => {
    const reply = await t.db.command({ find: 'many', batchSize: 1 });
    const error = (await t.db
      .command({ getMore: reply.cursor.id, collection: 'other' })
      .catch((e: unknown) => e)) as MongoServerError;
    expect(error.code).toBe(13);
  });
});

describeEmbedded('idle cursors', () => {
  it('are closed after ten minutes without use, as mongod closes them', async () => {
    let now = Date.now();
    const server = new EmbeddedMongoServer({ clock: () => now });
    const { uri } = await server.start();
    const client = await new MongoClient(uri).connect();
    try {
      const db = client.db('idle');
      await db.collection('c').insertMany(Array.from({ length: 10 }, (_, i) => ({ i })));
      const keep = await db.command({ find: 'c', batchSize: 1, noCursorTimeout: true });
      const idle = await db.command({ find: 'c', batchSize: 1 });
      now += 9 * 60 * 1000;
      expect(server.cursors.closeIdle()).toBe(0);
      now += 2 * 60 * 1000;
      expect(server.cursors.closeIdle()).toBe(1);
      const error = (await db.command({ getMore: idle.cursor.id, collection: 'c' }).catch((e: unknown) => e)) as MongoServerError;
      expect(error.code).toBe(43);
      expect((await db.command({ getMore: keep.cursor.id, collection: 'c', batchSize: 1 })).cursor.nextBatch).toHaveLength(1);
    } finally {
      await client.close();
      await server.stop();
    }
  });
});
