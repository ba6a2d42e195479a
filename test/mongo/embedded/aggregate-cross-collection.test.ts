/** Stages that read or write other collections: $lookup, $graphLookup, $unionWith, $out, $merge. */
import { Db, Document, Int32, Long, MongoServerError } from 'mongodb';
import { openTestDatabase, TestDatabase } from '../../helpers/database';

let t: TestDatabase;
let db: Db;

/** Documents with ids of any type (the driver's default schema expects ObjectIds). */
type Loose = { _id?: number | string; [field: string]: unknown };
const collection = (name: string) => db.collection<Loose>(name);

beforeAll(async () => {
  t = await openTestDatabase('aggregate_cross');
  db = t.db;
  await collection('orders').insertMany([
    { _id: 1, item: 'almonds', qty: 2, tags: ['nuts', 'snack'] },
    { _id: 2, item: 'pecans', qty: 20, tags: ['nuts'] },
    { _id: 3, qty: 1 },
    { _id: 4, item: Long.fromNumber(7), qty: 1 },
  ]);
  await collection('inventory').insertMany([
    { _id: 10, sku: 'almonds', instock: 120 },
    { _id: 11, sku: 'pecans', instock: 10 },
    { _id: 12, sku: 'cashews', instock: 60 },
    { _id: 13, description: 'no sku' },
    { _id: 14, sku: new Int32(7), instock: 5 },
  ]);
  await collection('categories').insertMany([
    { _id: 'c1', name: 'nuts' },
    { _id: 'c2', name: 'snack' },
    { _id: 'c3', name: 'fruit' },
  ]);
});
afterAll(async () => t.close());

async function failure(promise: Promise<unknown>): Promise<MongoServerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MongoServerError);
  return error as MongoServerError;
}

const ids = (documents: Document[]) => documents.map((d) => d._id);

describe('$lookup', () => {
  it('joins on localField/foreignField; a missing local field matches foreign documents without the field', async () => {
    const result = await db
      .collection('orders')
      .aggregate([{ $lookup: { from: 'inventory', localField: 'item', foreignField: 'sku', as: 'stock' } }, { $sort: { _id: 1 } }])
      .toArray();
    expect(result.map((d) => [d._id, ids(d.stock)])).toEqual([
      [1, [10]],
      [2, [11]],
      [3, [13]],
      [4, [14]], // Long(7) joins Int32(7): numbers compare by value
    ]);
  });

  it('matches each element of an array local field', async () => {
    const [first] = await db
      .collection('orders')
      .aggregate([{ $match: { _id: 1 } }, { $lookup: { from: 'categories', localField: 'tags', foreignField: 'name', as: 'categories' } }])
      .toArray();
    expect(ids(first.categories)).toEqual(['c1', 'c2']);
  });

  it('runs a pipeline with let variables', async () => {
    const result = await db
      .collection('orders')
      .aggregate([
        { $match: { _id: { $in: [1, 2] } } },
        {
          $lookup: {
            from: 'inventory',
            let: { wanted: '$item', qty: '$qty' },
            pipeline: [{ $match: { $expr: { $and: [{ $eq: ['$sku', '$$wanted'] }, { $gte: ['$instock', '$$qty'] }] } } }, { $project: { _id: 1 } }],
            as: 'available',
          },
        },
      ])
      .toArray();
    expect(result.map((d) => [d._id, d.available])).toEqual([
      [1, [{ _id: 10 }]],
      [2, []],
    ]);
  });

  it('runs the pipeline over the matched documents only when combined with localField/foreignField', async () => {
    const result = await db
      .collection('orders')
      .aggregate([
        { $match: { _id: 1 } },
        { $lookup: { from: 'inventory', localField: 'item', foreignField: 'sku', pipeline: [{ $count: 'n' }], as: 'counted' } },
      ])
      .toArray();
    expect(result[0].counted).toEqual([{ n: 1 }]);
  });

  it('joins against a missing collection as an empty one', async () => {
    const [first] = await db
      .collection('orders')
      .aggregate([{ $match: { _id: 1 } }, { $lookup: { from: 'no_such_collection', localField: 'item', foreignField: 'x', as: 'none' } }])
      .toArray();
    expect(first.none).toEqual([]);
  });
});

describe('$graphLookup', () => {
  beforeAll(async () => {
    await collection('employees').insertMany([
      { _id: 1, name: 'Dev' },
      { _id: 2, name: 'Eliot', reportsTo: 'Dev' },
      { _id: 3, name: 'Ron', reportsTo: 'Eliot' },
      { _id: 4, name: 'Andrew', reportsTo: 'Eliot' },
      { _id: 5, name: 'Asya', reportsTo: 'Ron' },
      { _id: 6, name: 'Dan', reportsTo: 'Andrew', retired: true },
    ]);
  });

  it('follows a chain of references, with depth as a long and a maximum depth', async () => {
    const [asya] = await db
      .collection('employees')
      .aggregate(
        [
          { $match: { name: 'Asya' } },
          { $graphLookup: { from: 'employees', startWith: '$reportsTo', connectFromField: 'reportsTo', connectToField: 'name', as: 'chain', depthField: 'depth' } },
        ],
        { promoteLongs: false },
      )
      .toArray();
    const chain = [...asya.chain].sort((a, b) => Number(a.depth) - Number(b.depth));
    expect(chain.map((d) => d.name)).toEqual(['Ron', 'Eliot', 'Dev']);
    expect(chain.every((d) => d.depth instanceof Long)).toBe(true);

    const [limited] = await db
      .collection('employees')
      .aggregate([
        { $match: { name: 'Asya' } },
        { $graphLookup: { from: 'employees', startWith: '$reportsTo', connectFromField: 'reportsTo', connectToField: 'name', as: 'chain', maxDepth: 1 } },
      ])
      .toArray();
    expect(limited.chain.map((d: Document) => d.name).sort()).toEqual(['Eliot', 'Ron']);
  });

  it('finds every report below someone, restricted by a filter', async () => {
    const [eliot] = await db
      .collection('employees')
      .aggregate([
        { $match: { name: 'Eliot' } },
        {
          $graphLookup: {
            from: 'employees',
            startWith: '$name',
            connectFromField: 'name',
            connectToField: 'reportsTo',
            as: 'reports',
            restrictSearchWithMatch: { retired: { $ne: true } },
          },
        },
      ])
      .toArray();
    expect(eliot.reports.map((d: Document) => d.name).sort()).toEqual(['Andrew', 'Asya', 'Ron']);
  });
});

describe('$unionWith', () => {
  it('appends another collection, optionally through a pipeline', async () => {
    const plain = await collection('categories').aggregate([{ $unionWith: 'orders' }]).toArray();
    expect(plain).toHaveLength(7);
    const piped = await db
      .collection('categories')
      .aggregate([{ $project: { _id: 1 } }, { $unionWith: { coll: 'inventory', pipeline: [{ $match: { instock: { $gt: 50 } } }, { $project: { _id: 1 } }] } }])
      .toArray();
    expect(ids(piped)).toEqual(['c1', 'c2', 'c3', 10, 12]);
  });
});

describe('$out', () => {
  it('replaces the target collection with the results and returns an empty cursor', async () => {
    await collection('report').insertOne({ _id: 'stale' });
    const cursor = await collection('orders').aggregate([{ $match: { qty: { $gt: 1 } } }, { $project: { qty: 1 } }, { $out: 'report' }]).toArray();
    expect(cursor).toEqual([]);
    expect(await collection('report').find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, qty: 2 },
      { _id: 2, qty: 20 },
    ]);
  });

  it('keeps the target indexes, and a unique violation fails the aggregate and leaves the target as it was', async () => {
    const target = collection('unique_target');
    await target.insertOne({ _id: 'keep', code: 'k' });
    await target.createIndex({ code: 1 }, { unique: true, name: 'code_unique' });
    const error = await failure(
      collection('orders').aggregate([{ $project: { code: 'same' } }, { $out: 'unique_target' }]).toArray(),
    );
    expect(error.code).toBe(11000);
    expect(await target.find().toArray()).toEqual([{ _id: 'keep', code: 'k' }]);

    await collection('orders').aggregate([{ $project: { code: { $toString: '$_id' } } }, { $out: 'unique_target' }]).toArray();
    expect(await target.countDocuments()).toBe(4);
    const indexes = await target.indexes();
    expect(indexes.find((index) => index.name === 'code_unique')?.unique).toBe(true);
  });

  it('writes to another database with {db, coll}, and from a $documents pipeline', async () => {
    const other = t.client.db(`${db.databaseName}_out`);
    try {
      await db.aggregate([{ $documents: [{ _id: 1, v: 'a' }] }, { $out: { db: other.databaseName, coll: 'copied' } }]).toArray();
      expect(await other.collection('copied').find().toArray()).toEqual([{ _id: 1, v: 'a' }]);
    } finally {
      await other.dropDatabase();
    }
  });

  it('is not allowed inside $facet or a $lookup pipeline', async () => {
    expect((await failure(collection('orders').aggregate([{ $facet: { a: [{ $out: 'x' }] } }]).toArray())).code).toBe(40600);
    const inLookup = await failure(
      collection('orders').aggregate([{ $lookup: { from: 'inventory', pipeline: [{ $out: 'x' }], as: 'x' } }]).toArray(),
    );
    expect(inLookup.code).toBe(51047);
  });
});

describe('$merge', () => {
  async function freshTarget(name: string, documents: Document[]) {
    const target = collection(name);
    await target.drop().catch(() => undefined);
    if (documents.length > 0) await target.insertMany(documents);
    return target;
  }

  it('by default merges matched documents and inserts the others', async () => {
    const target = await freshTarget('merge_default', [{ _id: 1, item: 'old', note: 'kept' }]);
    const cursor = await collection('orders').aggregate([{ $match: { _id: { $in: [1, 2] } } }, { $project: { item: 1 } }, { $merge: 'merge_default' }]).toArray();
    expect(cursor).toEqual([]);
    expect(await target.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, item: 'almonds', note: 'kept' },
      { _id: 2, item: 'pecans' },
    ]);
  });

  it('whenMatched replace and keepExisting, whenNotMatched discard', async () => {
    const replaced = await freshTarget('merge_replace', [{ _id: 1, item: 'old', note: 'dropped' }]);
    await db
      .collection('orders')
      .aggregate([{ $match: { _id: { $in: [1, 2] } } }, { $project: { item: 1 } }, { $merge: { into: 'merge_replace', whenMatched: 'replace', whenNotMatched: 'discard' } }])
      .toArray();
    expect(await replaced.find().toArray()).toEqual([{ _id: 1, item: 'almonds' }]);

    const kept = await freshTarget('merge_keep', [{ _id: 1, item: 'old' }]);
    await collection('orders').aggregate([{ $project: { item: 1 } }, { $merge: { into: 'merge_keep', whenMatched: 'keepExisting' } }]).toArray();
    expect(await kept.findOne({ _id: 1 })).toEqual({ _id: 1, item: 'old' });
    expect(await kept.countDocuments()).toBe(4);
  });

  it('whenMatched pipeline sees the new document as $$new', async () => {
    const target = await freshTarget('merge_pipeline', [{ _id: 1, total: 100 }]);
    await db
      .collection('orders')
      .aggregate([
        { $match: { _id: 1 } },
        { $merge: { into: 'merge_pipeline', whenMatched: [{ $set: { total: { $add: ['$total', '$$new.qty'] }, seen: '$$new.item' } }] } },
      ])
      .toArray();
    expect(await target.findOne({ _id: 1 })).toEqual({ _id: 1, total: 102, seen: 'almonds' });
  });

  it('merges on other fields when a unique index covers them, and refuses them otherwise (51183)', async () => {
    const target = await freshTarget('merge_on', [{ _id: 'x', sku: 'almonds', price: 3 }]);
    const error = await failure(
      collection('inventory').aggregate([{ $project: { _id: 0, sku: 1, instock: 1 } }, { $merge: { into: 'merge_on', on: 'sku' } }]).toArray(),
    );
    expect(error.code).toBe(51183);
    await target.createIndex({ sku: 1 }, { unique: true });
    await db
      .collection('inventory')
      .aggregate([{ $match: { sku: { $in: ['almonds', 'cashews'] } } }, { $project: { _id: 0, sku: 1, instock: 1 } }, { $merge: { into: 'merge_on', on: 'sku' } }])
      .toArray();
    const merged = await target.find({}, { projection: { _id: 0 } }).sort({ sku: 1 }).toArray();
    expect(merged).toEqual([
      { sku: 'almonds', price: 3, instock: 120 },
      { sku: 'cashews', instock: 60 },
    ]);
  });

  it('whenMatched fail reports the duplicate key (11000) and whenNotMatched fail reports 13113', async () => {
    await freshTarget('merge_fail', [{ _id: 2, x: 0 }]);
    const duplicate = await failure(db.aggregate([{ $documents: [{ _id: 2, x: 1 }] }, { $merge: { into: 'merge_fail', whenMatched: 'fail' } }]).toArray());
    expect(duplicate.code).toBe(11000);
    expect(duplicate.errorResponse.keyPattern).toEqual({ _id: 1 });
    expect(duplicate.errorResponse.keyValue).toEqual({ _id: 2 });
    const missing = await failure(
      db.aggregate([{ $documents: [{ _id: 3 }] }, { $merge: { into: 'merge_fail', whenNotMatched: 'fail' } }]).toArray(),
    );
    expect(missing.code).toBe(13113);
  });

  it('writes into another database with into: {db, coll}', async () => {
    const other = t.client.db(`${db.databaseName}_merge`);
    try {
      await collection('categories').aggregate([{ $merge: { into: { db: other.databaseName, coll: 'cats' } } }]).toArray();
      expect(await other.collection('cats').countDocuments()).toBe(3);
    } finally {
      await other.dropDatabase();
    }
  });
});
