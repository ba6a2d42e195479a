/**
 * A data directory through the driver: every mutating command survives a restart (from the final
 * snapshot of a clean stop, and from the journal alone, as a kill leaves it) with exact BSON types,
 * collection options, UUIDs and indexes.
 */
import fs from 'node:fs';
import {
  Binary,
  BSONRegExp,
  Decimal128,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  MongoClient,
  ObjectId,
  Timestamp,
  UpdateFilter,
  UUID,
} from 'mongodb';
import { copyAsIfKilled, dumpState, startOn, temporaryDirectory } from './durability-helpers';

const sample = {
  _id: new ObjectId('65f000000000000000000001'),
  int: new Int32(42),
  long: Long.fromString('9223372036854775807'),
  longAbove2p53: Long.fromString('9007199254740993'),
  integralDouble: new Double(5),
  negativeZero: new Double(-0),
  nan: new Double(NaN),
  decimal: Decimal128.fromString('9.990'),
  string: 'héllo ✓ 😀',
  bool: true,
  nothing: null,
  date: new Date('2024-02-29T12:34:56.789Z'),
  binary: new Binary(Buffer.from([0, 1, 2, 255]), 0),
  uuid: new UUID('0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0'),
  regex: new BSONRegExp('^a.*z$', 'imx'),
  timestamp: new Timestamp({ t: 1700000000, i: 7 }),
  minKey: new MinKey(),
  maxKey: new MaxKey(),
  nested: { z: 1, a: [new Int32(1), new Double(1), Long.fromInt(1), { deep: [[Decimal128.fromString('1')]] }] },
  emptyDocument: {},
  emptyArray: [],
};

// Loose on purpose: these tests write every shape and type of value.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = { _id?: number | string | ObjectId; [field: string]: any };

/** One of every mutating command, each leaving something a restart must reproduce. */
async function runEveryMutation(client: MongoClient): Promise<void> {
  const db = client.db('app');
  const items = db.collection<Loose>('items');
  await items.insertOne(sample);
  await items.insertMany([
    { _id: 1, n: new Int32(1), tags: ['a'], email: 'one@example.org' },
    { _id: 2, n: new Int32(2147483647), tags: [], email: 'two@example.org' },
    { _id: 3, n: Long.fromInt(3), tags: ['c'], email: 'three@example.org' },
  ]);
  await items.updateOne({ _id: 2 }, { $inc: { n: 1 } }); // Int32 overflow becomes a Long
  const pushAndSet = { $push: { tags: 'pushed' }, $set: { price: Decimal128.fromString('0.10') } } as unknown as UpdateFilter<Loose>;
  await items.updateMany({ _id: { $in: [1, 3] } }, pushAndSet);
  await items.replaceOne({ _id: 3 }, { replaced: true, email: 'three@example.org' });
  await items.updateOne({ _id: 4 }, { $setOnInsert: { upserted: new Double(4) } }, { upsert: true });
  await items.findOneAndUpdate({ _id: 1 }, { $unset: { tags: '' } });
  await items.insertOne({ _id: 5, doomed: true });
  await items.findOneAndDelete({ _id: 5 });
  await items.insertMany([{ _id: 6 }, { _id: 7 }]);
  await items.deleteMany({ _id: { $in: [6, 7] } });
  await items.createIndex({ email: 1 }, { unique: true, sparse: true, name: 'email_unique' });
  await items.createIndex({ n: -1, _id: 1 });
  await items.createIndex({ missing: 1 }, { sparse: true });
  await items.createIndex({ upserted: 1 }, { partialFilterExpression: { upserted: { $exists: true } } });
  await items.createIndex({ date: 1 }, { expireAfterSeconds: 3600 * 24 * 365 * 100 });
  await items.createIndex({ temporary: 1 });
  await items.dropIndex('temporary_1');
  // An unordered batch with a duplicate: the other documents are kept.
  await items.insertMany([{ _id: 10 }, { _id: 1 }, { _id: 11 }], { ordered: false }).catch(() => undefined);
  // Unacknowledged: journaled in order all the same (the next acknowledged write comes after it).
  await items.insertOne({ _id: 12, unacknowledged: true }, { writeConcern: { w: 0 } });

  await db.createCollection('options', { validationLevel: 'moderate' });
  await db.createCollection('dropped');
  await db.collection('dropped').insertOne({ x: 1 });
  await db.collection('dropped').drop();
  await db.collection<Loose>('source').insertMany([{ _id: 'a', v: new Int32(1) }, { _id: 'b', v: new Double(2.5) }]);
  await db.collection<Loose>('source').createIndex({ v: 1 });
  await client.db('admin').command({ renameCollection: 'app.source', to: 'app.renamed' });
  await db.collection<Loose>('target').insertOne({ _id: 'old' });
  await db.collection<Loose>('other').insertOne({ _id: 'o' });
  await client.db('admin').command({ renameCollection: 'app.other', to: 'app.target', dropTarget: true });
  await db.collection('renamed').aggregate([{ $project: { v: 1, doubled: { $multiply: ['$v', 2] } } }, { $out: 'out' }]).toArray();
  await db.collection('out').createIndex({ doubled: 1 });
  await db.collection('renamed').aggregate([{ $set: { v: Long.fromInt(7) } }, { $out: 'out' }]).toArray(); // replaces, keeps the index
  await db.collection('renamed').aggregate([{ $set: { merged: true } }, { $merge: { into: 'merged' } }]).toArray();

  await client.db('gone').collection('c').insertOne({ x: 1 });
  await client.db('gone').dropDatabase();
  await client.db('second').collection<Loose>('c').insertOne({ _id: new ObjectId('65f000000000000000000002'), long: Long.fromString('-9007199254740993') });
}

describe('a data directory', () => {
  it('keeps every mutation, with exact types, options, UUIDs and indexes, across a clean restart', async () => {
    const directory = temporaryDirectory();
    const first = await startOn(directory);
    await runEveryMutation(first.client);
    const before = await dumpState(first.client);
    await first.stop();
    expect(fs.readdirSync(directory).sort()).toEqual(['journal-2.log', 'snapshot-2.bson']);

    const second = await startOn(directory);
    expect(await dumpState(second.client)).toBe(before);
    expect(second.server.dataDirectory?.loaded.documents).toBeGreaterThan(10);
    await second.stop();
  });

  it('keeps every acknowledged mutation from the journal alone, as a kill leaves the directory', async () => {
    const directory = temporaryDirectory();
    const running = await startOn(directory);
    await runEveryMutation(running.client);
    const before = await dumpState(running.client);
    const killed = copyAsIfKilled(directory);
    await running.stop();
    expect(fs.readdirSync(killed).sort()).toEqual(['journal-1.log', 'mongod.lock']);

    const restarted = await startOn(killed);
    expect(await dumpState(restarted.client)).toBe(before);
    await restarted.stop();
  });

  it('replays the journal written after a snapshot, and keeps writing where it left off', async () => {
    const directory = temporaryDirectory();
    const first = await startOn(directory);
    await first.client.db('d').collection<Loose>('c').insertOne({ _id: 1, step: 'before the snapshot' });
    await first.stop();
    const second = await startOn(directory);
    await second.client.db('d').collection<Loose>('c').insertOne({ _id: 2, step: 'journaled after it' });
    const killed = copyAsIfKilled(directory);
    await second.stop();
    expect(fs.readdirSync(killed).sort()).toEqual(['journal-2.log', 'mongod.lock', 'snapshot-2.bson']);

    const third = await startOn(killed);
    await third.client.db('d').collection<Loose>('c').insertOne({ _id: 3, step: 'after the restart' });
    const again = copyAsIfKilled(killed);
    await third.stop();
    const fourth = await startOn(again);
    expect(await fourth.client.db('d').collection('c').find().toArray()).toEqual([
      { _id: 1, step: 'before the snapshot' },
      { _id: 2, step: 'journaled after it' },
      { _id: 3, step: 'after the restart' },
    ]);
    await fourth.stop();
  });

  it('takes snapshots in the background once the journal passes the threshold, without losing concurrent writes', async () => {
    const directory = temporaryDirectory();
    const running = await startOn(directory, { snapshotThresholdBytes: 20_000 });
    const collection = running.client.db('d').collection<Loose>('c');
    const writers = Array.from({ length: 4 }, (_, writer) =>
      (async () => {
        for (let i = 0; i < 100; i++) await collection.insertOne({ _id: `${writer}-${i}`, padding: 'x'.repeat(200) });
      })(),
    );
    await Promise.all(writers);
    await collection.updateMany({}, { $set: { updated: true } });
    const killed = copyAsIfKilled(directory);
    const files = fs.readdirSync(killed);
    expect(files.filter((name) => name.startsWith('snapshot-')).length).toBeGreaterThanOrEqual(1);
    await running.stop();

    const restarted = await startOn(killed);
    const restored = restarted.client.db('d').collection('c');
    expect(await restored.countDocuments()).toBe(400);
    expect(await restored.countDocuments({ updated: true })).toBe(400);
    await restarted.stop();
  });

  it('creates the directory when it does not exist', async () => {
    const directory = `${temporaryDirectory()}/nested/data`;
    const running = await startOn(directory);
    await running.client.db('d').collection('c').insertOne({ x: 1 });
    await running.stop();
    expect(fs.readdirSync(directory)).toContain('snapshot-2.bson');
  });
});
