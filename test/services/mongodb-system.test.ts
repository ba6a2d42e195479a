/**
 * The service as the system user: every collection method, straight to the database, in App
 * Services' result shapes (spec 5.3); what even the system user cannot reach.
 */
import { ObjectId } from 'mongodb';
import { internalDatabaseName } from '../../emulator/mongo/internal';
import { createMongoService } from '../../emulator/services/mongodb';
import { SYSTEM_USER } from '../../emulator/auth/user';
import { openTestDatabase, type TestDatabase } from '../helpers/database';
import { definitionWith, requestWith } from '../rules/helpers/definitions';
import { refusal, seed, stored, systemService } from './helpers/service';

let t: TestDatabase;
// No rules at all: the system user does not need any.
const definition = definitionWith({});
beforeAll(async () => {
  t = await openTestDatabase('service_system');
});
afterAll(async () => t.close());

const items = () => systemService(t, definition).db(t.db.databaseName).collection('items');
const THREE = [
  { _id: 1, name: 'a', n: 1, tags: ['x', 'y'] },
  { _id: 2, name: 'b', n: 2, tags: ['y'] },
  { _id: 3, name: 'c', n: 3 },
];

beforeEach(async () => seed(t, 'items', THREE));

describe('reads', () => {
  it('find gives a cursor with sort, skip, limit, next and toArray, and a positional projection', async () => {
    expect(await items().find({}, { name: 1, _id: 0 }).sort({ n: -1 }).skip(1).limit(1).toArray()).toEqual([{ name: 'b' }]);
    const cursor = items().find({ n: { $gte: 2 } }).sort({ n: 1 });
    expect(await cursor.next()).toEqual(THREE[1]);
    expect(await cursor.next()).toEqual(THREE[2]);
    expect(await cursor.next()).toBeUndefined();
    expect(() => cursor.limit(1)).toThrow(/before the cursor is read/);
  });

  it('find accepts sort, skip and limit as options too, and is async-iterable', async () => {
    const names: string[] = [];
    for await (const item of items().find({}, undefined, { sort: { n: -1 }, limit: 2 })) names.push(item.name);
    expect(names).toEqual(['c', 'b']);
  });

  it('findOne gives the document or null', async () => {
    expect(await items().findOne({ _id: 2 })).toEqual(THREE[1]);
    expect(await items().findOne({ _id: 2 }, { n: 1 })).toEqual({ _id: 2, n: 2 });
    expect(await items().findOne({ _id: 9 })).toBeNull();
  });

  it('count and distinct', async () => {
    expect(await items().count()).toBe(3);
    expect(await items().count({ n: { $gt: 1 } })).toBe(2);
    expect((await items().distinct('tags')).sort()).toEqual(['x', 'y']);
    expect(await items().distinct('name', { n: { $lt: 3 } })).toEqual(['a', 'b']);
  });

  it('aggregate gives a cursor, and allows what users may not ($facet, $regex, $expr)', async () => {
    const result = await items()
      .aggregate([{ $match: { name: { $regex: '^[ab]' }, $expr: { $gt: ['$n', 0] } } }, { $facet: { total: [{ $count: 'n' }] } }])
      .toArray();
    expect(result).toEqual([{ total: [{ n: 2 }] }]);
  });
});

describe('writes', () => {
  it('insertOne and insertMany give insertedId and an array of insertedIds', async () => {
    expect(await items().insertOne({ _id: 4, name: 'd' })).toEqual({ insertedId: 4 });
    const { insertedIds } = await items().insertMany([{ name: 'e' }, { _id: 6, name: 'f' }]);
    expect(insertedIds).toEqual([expect.any(ObjectId), 6]);
    expect(await items().count()).toBe(6);
  });

  it('updateOne, updateMany and replaceOne give matchedCount, modifiedCount and upsertedId', async () => {
    expect(await items().updateOne({ _id: 1 }, { $set: { n: 10 } })).toEqual({ matchedCount: 1, modifiedCount: 1 });
    expect(await items().updateMany({}, { $inc: { n: 1 } })).toEqual({ matchedCount: 3, modifiedCount: 3 });
    expect(await items().replaceOne({ _id: 2 }, { name: 'B' })).toEqual({ matchedCount: 1, modifiedCount: 1 });
    expect(await items().updateOne({ _id: 7 }, { $set: { n: 7 } }, { upsert: true })).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedId: 7 });
    expect(await stored(t, 'items')).toEqual([
      { _id: 1, name: 'a', n: 11, tags: ['x', 'y'] },
      { _id: 2, name: 'B' },
      { _id: 3, name: 'c', n: 4 },
      { _id: 7, n: 7 },
    ]);
  });

  it('deleteOne and deleteMany give deletedCount', async () => {
    expect(await items().deleteOne({ n: { $gt: 1 } })).toEqual({ deletedCount: 1 });
    expect(await items().deleteMany({})).toEqual({ deletedCount: 2 });
  });

  it('findOneAndUpdate, findOneAndReplace and findOneAndDelete give the document (returnNewDocument, sort, projection)', async () => {
    expect(await items().findOneAndUpdate({ _id: 1 }, { $inc: { n: 1 } })).toEqual(THREE[0]);
    expect(await items().findOneAndUpdate({ _id: 1 }, { $inc: { n: 1 } }, { returnNewDocument: true, projection: { n: 1 } })).toEqual({ _id: 1, n: 3 });
    expect(await items().findOneAndReplace({}, { name: 'top' }, { sort: { _id: -1 }, returnNewDocument: true })).toEqual({ _id: 3, name: 'top' });
    expect(await items().findOneAndDelete({ _id: 2 })).toEqual(THREE[1]);
    expect(await items().findOneAndDelete({ _id: 2 })).toBeNull();
    expect(await items().findOneAndUpdate({ _id: 8 }, { $set: { n: 8 } }, { upsert: true, returnNewDocument: true })).toEqual({ _id: 8, n: 8 });
  });

  it('bulkWrite runs every operation and resolves null', async () => {
    const result = await items().bulkWrite([
      { insertOne: { document: { _id: 4, name: 'd' } } },
      { updateOne: { filter: { _id: 1 }, update: { $set: { n: 100 } } } },
      { deleteOne: { filter: { _id: 2 } } },
    ]);
    expect(result).toBeNull();
    expect((await stored(t, 'items')).map((item) => item._id)).toEqual([1, 3, 4]);
  });
});

describe('what the system user cannot do either', () => {
  it("refuses the emulator's own database", async () => {
    const service = systemService(t, definition);
    const error = await refusal(Promise.resolve().then(() => service.db(internalDatabaseName('x')).collection('users')));
    expect(error).toMatchObject({ status: 403, errorCode: 'InvalidParameter' });
    const viaOut = await refusal(items().aggregate([{ $out: { db: internalDatabaseName('x'), coll: 'users' } }]).toArray());
    expect(viaOut.message).toMatch(/holds the emulator's own data/);
  });

  it('refuses $indexStats, as App Services does in every context', async () => {
    expect((await refusal(items().aggregate([{ $indexStats: {} }]).toArray())).message).toBe('the pipeline stage $indexStats is not allowed');
  });

  it('refuses a data source the app does not define', () => {
    expect(() =>
      createMongoService({ client: t.client, definition, dataSourceName: 'Cluster1', caller: { user: SYSTEM_USER, runAsSystem: true, request: requestWith() } }),
    ).toThrow("service not found: 'Cluster1'");
  });

  it('lists databases without the internal ones, and collections of a database', async () => {
    const service = systemService(t, definition);
    await t.client.db(internalDatabaseName('listed')).collection('c').insertOne({});
    try {
      const names = await service.admin().getDBNames();
      expect(names).toContain(t.db.databaseName);
      expect(names.some((name) => name.startsWith('__app_services_'))).toBe(false);
      expect(await service.db(t.db.databaseName).getCollectionNames()).toContain('items');
    } finally {
      await t.client.db(internalDatabaseName('listed')).dropDatabase();
    }
  });
});
