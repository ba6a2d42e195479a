import { MongoBulkWriteError, MongoServerError, ObjectId } from 'mongodb';
import { openTestDatabase, TestDatabase } from '../../helpers/database';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase('crud');
});
afterAll(async () => t.close());

async function freshCollection(name: string, documents: object[] = []) {
  const collection = t.db.collection(name);
  await collection.drop().catch(() => undefined);
  if (documents.length > 0) await collection.insertMany(documents as never[]);
  return collection;
}

describe('insert', () => {
  it('generates an ObjectId _id and stores it as the first field', async () => {
    const collection = await freshCollection('insert_id');
    await t.db.command({ insert: 'insert_id', documents: [{ a: 1, b: 2 }] });
    const [stored] = await collection.find().toArray();
    expect(stored._id).toBeInstanceOf(ObjectId);
    expect(Object.keys(stored)).toEqual(['_id', 'a', 'b']);
  });

  it('moves a given _id to the front', async () => {
    const collection = await freshCollection('insert_id_order');
    await collection.insertOne({ a: 1, _id: 'x' } as never);
    const [stored] = await collection.find().toArray();
    expect(Object.keys(stored)).toEqual(['_id', 'a']);
  });

  it('refuses a duplicate _id with E11000, keyPattern and keyValue', async () => {
    const collection = await freshCollection('insert_dup', [{ _id: 1 }]);
    const error = (await collection.insertOne({ _id: 1 } as never).catch((e: unknown) => e)) as MongoServerError;
    expect(error.code).toBe(11000);
    expect(error.message).toContain('E11000 duplicate key error');
    expect(error.keyPattern).toEqual({ _id: 1 });
    expect(error.keyValue).toEqual({ _id: 1 });
  });

  it('stops an ordered batch at the first error and reports its index', async () => {
    const collection = await freshCollection('insert_ordered', [{ _id: 2 }]);
    const error = (await collection
      .insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }] as never[], { ordered: true })
      .catch((e: unknown) => e)) as MongoBulkWriteError;
    expect(error).toBeInstanceOf(MongoBulkWriteError);
    expect(error.result.insertedCount).toBe(1);
    expect(error.writeErrors).toHaveLength(1);
    expect([error.writeErrors].flat()[0].index).toBe(1);
    expect(await collection.countDocuments()).toBe(2);
  });

  it('carries on through an unordered batch and reports every failing index', async () => {
    const collection = await freshCollection('insert_unordered', [{ _id: 2 }, { _id: 4 }]);
    const error = (await collection
      .insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }, { _id: 4 }, { _id: 5 }] as never[], { ordered: false })
      .catch((e: unknown) => e)) as MongoBulkWriteError;
    expect(error.result.insertedCount).toBe(3);
    expect([error.writeErrors].flat().map((w) => [w.index, w.code])).toEqual([
      [1, 11000],
      [3, 11000],
    ]);
    expect(await collection.estimatedDocumentCount()).toBe(5);
  });

  it('refuses an array _id (InvalidIdField, 53)', async () => {
    const collection = await freshCollection('insert_bad_id');
    const error = (await collection.insertOne({ _id: [1, 2] } as never).catch((e: unknown) => e)) as MongoServerError;
    expect(error.code).toBe(53);
  });

  it('keeps dotted and dollar-prefixed field names, as MongoDB 5.0+ does', async () => {
    const collection = await freshCollection('insert_names');
    await collection.insertOne({ _id: 1, 'a.b': 1, c: { $d: 2 } } as never);
    expect(await collection.findOne({ _id: 1 } as never)).toEqual({ _id: 1, 'a.b': 1, c: { $d: 2 } });
  });

  it('accepts unacknowledged (w: 0) writes, which get no reply', async () => {
    const collection = await freshCollection('insert_w0');
    await collection.insertOne({ _id: 'quiet' } as never, { writeConcern: { w: 0 } });
    // No reply means no ordering guarantee with the next command, which may use another connection.
    let found = null;
    for (let attempt = 0; attempt < 50 && !found; attempt++) {
      found = await collection.findOne({ _id: 'quiet' } as never);
      if (!found) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(found).toEqual({ _id: 'quiet' });
  });
});

describe('find', () => {
  const people = [
    { _id: 1, name: 'ada', age: 36, tags: ['math', 'code'], address: { city: 'London' } },
    { _id: 2, name: 'grace', age: 85, tags: ['navy', 'code'], address: { city: 'New York' } },
    { _id: 3, name: 'alan', age: 41, tags: ['math'], address: { city: 'Wilmslow' } },
    { _id: 4, name: 'edsger', tags: [], address: null },
  ];
  let collection: Awaited<ReturnType<typeof freshCollection>>;
  beforeAll(async () => {
    collection = await freshCollection('people', people);
  });

  it('filters with comparison, logical, element, array and regex operators', async () => {
    const ids = async (filter: object) => (await collection.find(filter).toArray()).map((d) => d._id);
    expect(await ids({ age: { $gt: 40 } })).toEqual([2, 3]);
    expect(await ids({ $or: [{ age: { $lt: 40 } }, { name: 'alan' }] })).toEqual([1, 3]);
    expect(await ids({ age: { $exists: false } })).toEqual([4]);
    expect(await ids({ tags: 'code' })).toEqual([1, 2]);
    expect(await ids({ tags: { $all: ['math', 'code'] } })).toEqual([1]);
    expect(await ids({ tags: { $size: 0 } })).toEqual([4]);
    expect(await ids({ name: /^a/ })).toEqual([1, 3]);
    expect(await ids({ name: { $regex: '^A', $options: 'i' } })).toEqual([1, 3]);
    expect(await ids({ 'address.city': { $in: ['London', 'Wilmslow'] } })).toEqual([1, 3]);
    expect(await ids({ address: null })).toEqual([4]);
    expect(await ids({ age: { $not: { $gt: 40 } } })).toEqual([1, 4]);
    expect(await ids({ $expr: { $gt: ['$age', 50] } })).toEqual([2]);
    expect(await ids({ age: { $type: 'int' } })).toEqual([1, 2, 3]);
    expect(await ids({ age: { $mod: [2, 1] } })).toEqual([2, 3]);
  });

  it('sorts, skips and limits', async () => {
    const names = (await collection.find({}, { sort: { age: -1 }, skip: 1, limit: 2 }).toArray()).map((d) => d.name);
    expect(names).toEqual(['alan', 'ada']);
    const natural = (await collection.find({}, { sort: { $natural: -1 } }).toArray()).map((d) => d._id);
    expect(natural).toEqual([4, 3, 2, 1]);
  });

  it('sorts arrays by their smallest element ascending and largest descending', async () => {
    const arrays = await freshCollection('sort_arrays', [
      { _id: 'a', v: [5, 1] },
      { _id: 'b', v: [3] },
      { _id: 'c', v: [2, 9] },
    ]);
    expect((await arrays.find().sort({ v: 1 }).toArray()).map((d) => d._id)).toEqual(['a', 'c', 'b']);
    expect((await arrays.find().sort({ v: -1 }).toArray()).map((d) => d._id)).toEqual(['c', 'a', 'b']);
  });

  it('projects inclusions, exclusions, $slice, $elemMatch and the positional operator', async () => {
    expect(await collection.findOne({ _id: 1 } as never, { projection: { name: 1 } })).toEqual({ _id: 1, name: 'ada' });
    expect(Object.keys((await collection.findOne({ _id: 1 } as never, { projection: { age: 1, name: 1 } }))!)).toEqual([
      '_id',
      'name',
      'age',
    ]);
    expect(await collection.findOne({ _id: 1 } as never, { projection: { _id: 0, tags: 0, address: 0 } })).toEqual({
      name: 'ada',
      age: 36,
    });
    expect(await collection.findOne({ _id: 1 } as never, { projection: { tags: { $slice: 1 }, _id: 0, name: 0, age: 0, address: 0 } })).toEqual({
      tags: ['math'],
    });
    expect(await collection.findOne({ _id: 2 } as never, { projection: { tags: { $elemMatch: { $eq: 'code' } } } })).toEqual({
      _id: 2,
      tags: ['code'],
    });
    expect(await collection.findOne({ tags: 'code', _id: 2 } as never, { projection: { 'tags.$': 1 } })).toEqual({
      _id: 2,
      tags: ['code'],
    });
    expect(await collection.findOne({ _id: 3 } as never, { projection: { older: { $add: ['$age', 1] } } })).toEqual({
      _id: 3,
      older: 42,
    });
  });

  it('refuses mixing inclusion and exclusion', async () => {
    const error = (await collection.findOne({}, { projection: { name: 1, age: 0 } }).catch((e: unknown) => e)) as MongoServerError;
    expect(error).toBeInstanceOf(MongoServerError);
  });

  it('answers an unknown query operator with BadValue (2)', async () => {
    const error = (await collection.findOne({ age: { $bogus: 1 } }).catch((e: unknown) => e)) as MongoServerError;
    expect(error.code).toBe(2);
  });

  it('finds nothing in a collection that does not exist', async () => {
    expect(await t.db.collection('no_such_collection').find({ a: 1 }).toArray()).toEqual([]);
  });

  it('refuses a negative limit in the find command (51024)', async () => {
    const error = (await t.db.command({ find: 'people', limit: -1 }).catch((e: unknown) => e)) as MongoServerError;
    expect(error.code).toBe(51024);
  });

  it('refuses a sort direction other than 1 or -1', async () => {
    const error = (await t.db.command({ find: 'people', sort: { age: 2 } }).catch((e: unknown) => e)) as MongoServerError;
    expect(error.code).toBe(15975);
  });

  it('uses let variables in $expr', async () => {
    const reply = await t.db.command({ find: 'people', filter: { $expr: { $eq: ['$name', '$$who'] } }, let: { who: 'grace' } });
    expect(reply.cursor.firstBatch.map((d: { _id: number }) => d._id)).toEqual([2]);
  });

  it('evaluates let values as expressions, once', async () => {
    const reply = await t.db.command({
      find: 'people',
      filter: { $expr: { $eq: ['$name', '$$who'] } },
      let: { who: { $concat: ['gr', { $literal: 'ace' }] } },
    });
    expect(reply.cursor.firstBatch.map((d: { _id: number }) => d._id)).toEqual([2]);
  });
});

describe('delete', () => {
  it('deletes one or many matches', async () => {
    const collection = await freshCollection('delete', [{ _id: 1, k: 'x' }, { _id: 2, k: 'x' }, { _id: 3, k: 'y' }]);
    expect((await collection.deleteOne({ k: 'x' })).deletedCount).toBe(1);
    expect((await collection.find().toArray()).map((d) => d._id)).toEqual([2, 3]);
    expect((await collection.deleteMany({})).deletedCount).toBe(2);
    expect(await collection.countDocuments()).toBe(0);
  });

  it('deletes nothing from a missing collection', async () => {
    expect((await t.db.collection('missing_for_delete').deleteMany({})).deletedCount).toBe(0);
  });

  it('refuses a delete limit other than 0 or 1', async () => {
    const error = (await t.db
      .command({ delete: 'delete', deletes: [{ q: {}, limit: 5 }] })
      .catch((e: unknown) => e)) as MongoServerError;
    expect(error).toBeInstanceOf(MongoServerError);
  });
});

describe('count and distinct', () => {
  it('counts with query, skip and limit', async () => {
    await freshCollection('counted', [{ a: 1 }, { a: 2 }, { a: 3 }, { a: 4 }]);
    expect((await t.db.command({ count: 'counted' })).n).toBe(4);
    expect((await t.db.command({ count: 'counted', query: { a: { $gt: 1 } } })).n).toBe(3);
    expect((await t.db.command({ count: 'counted', query: { a: { $gt: 1 } }, skip: 1, limit: 1 })).n).toBe(1);
    expect((await t.db.command({ count: 'missing_counted' })).n).toBe(0);
  });

  it('gives distinct values, unwinding arrays, in BSON order', async () => {
    const collection = await freshCollection('distinct', [
      { k: 'b', n: [3, 1] },
      { k: 'a', n: 2 },
      { k: 'b', n: 1.0 },
      { k: 'c' },
    ]);
    expect(await collection.distinct('k')).toEqual(['a', 'b', 'c']);
    expect(await collection.distinct('n')).toEqual([1, 2, 3]);
    expect(await collection.distinct('k', { n: { $gte: 2 } })).toEqual(['a', 'b']);
  });
});

describe('_id validation', () => {
  it("refuses '$'-prefixed fields inside _id (DollarPrefixedFieldName, 52)", async () => {
    const error = (await t.db
      .command({ insert: 'dollar_id', documents: [{ _id: { $a: 1 } }] })
      .then((reply) => reply.writeErrors?.[0])) as { code: number } | undefined;
    expect(error?.code).toBe(52);
  });
});
