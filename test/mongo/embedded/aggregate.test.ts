import { Collection, Document, MongoServerError } from 'mongodb';
import { describeEmbedded, openTestDatabase, TestDatabase } from '../../helpers/database';

let t: TestDatabase;
/** Documents with ids of any type (the driver's default schema expects ObjectIds). */
type Loose = { _id?: number | string; [field: string]: unknown };

let orders: Collection<Loose>;

const ORDERS = [
  { _id: 1, item: 'apple', qty: 5, price: 2, tags: ['fruit', 'red'], customer: { name: 'ann', city: 'oslo' } },
  { _id: 2, item: 'pear', qty: 10, price: 3, tags: ['fruit'], customer: { name: 'bob', city: 'rome' } },
  { _id: 3, item: 'kale', qty: 2, price: 4, tags: [], customer: { name: 'ann', city: 'oslo' } },
  { _id: 4, item: 'plum', qty: 7, price: 1, customer: { name: 'cid', city: 'rome' } },
  { _id: 5, item: 'fig', qty: 1, price: 9, tags: ['fruit', 'dried'], customer: { name: 'bob', city: 'rome' } },
];

beforeAll(async () => {
  t = await openTestDatabase('aggregate');
  orders = t.db.collection<Loose>('orders');
  await orders.insertMany(ORDERS);
});
afterAll(async () => t.close());

async function codeOf(promise: Promise<unknown>): Promise<number | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MongoServerError);
  return Number((error as MongoServerError).code);
}

describe('aggregate command', () => {
  it('serves results in batches through getMore', async () => {
    const cursor = orders.aggregate([{ $sort: { _id: 1 } }], { batchSize: 2 });
    const ids: number[] = [];
    for await (const document of cursor) ids.push(document._id);
    expect(ids).toEqual([1, 2, 3, 4, 5]);
  });

  it('answers the raw command with firstBatch and a cursor id, then the rest through getMore', async () => {
    const reply = await t.db.command({ aggregate: 'orders', pipeline: [{ $sort: { _id: 1 } }], cursor: { batchSize: 0 } });
    expect(reply.cursor.firstBatch).toEqual([]);
    expect(reply.cursor.ns).toBe(`${t.db.databaseName}.orders`);
    const more = await t.db.command({ getMore: reply.cursor.id, collection: 'orders' });
    expect(more.cursor.nextBatch.map((d: Document) => d._id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('requires the cursor option (FailedToParse, 9)', async () => {
    expect(await codeOf(t.db.command({ aggregate: 'orders', pipeline: [] }))).toBe(9);
  });

  it('treats a missing collection as empty input', async () => {
    expect(await t.db.collection('nothing_here').aggregate([{ $match: {} }]).toArray()).toEqual([]);
  });

  it('counts with countDocuments and estimatedDocumentCount', async () => {
    expect(await orders.countDocuments({ qty: { $gte: 5 } })).toBe(3);
    expect(await orders.countDocuments({}, { skip: 1, limit: 2 })).toBe(2);
    expect(await orders.estimatedDocumentCount()).toBe(5);
    expect(await t.db.collection('nothing_here').countDocuments()).toBe(0);
  });

  it('evaluates let variables once and exposes them to $expr and expressions', async () => {
    const result = await orders
      .aggregate(
        [
          { $match: { $expr: { $eq: ['$_id', '$$id'] } } },
          { $project: { _id: 0, x: '$$x', y: '$$y', rand: { $type: '$$rand' } } },
        ],
        { let: { id: 1, x: 'foo', y: { $literal: '$bar' }, rand: { $rand: {} } } },
      )
      .toArray();
    expect(result).toEqual([{ x: 'foo', y: '$bar', rand: 'double' }]);
  });

  it('runs database-level pipelines that start with $documents', async () => {
    const result = await t.db.aggregate([{ $documents: [{ a: 1 }, { a: 2 }, { a: 3 }] }, { $match: { a: { $gte: 2 } } }]).toArray();
    expect(result).toEqual([{ a: 2 }, { a: 3 }]);
    expect(await codeOf(orders.aggregate([{ $documents: [{ a: 1 }] }]).toArray())).toBe(73);
  });

  it('refuses an unknown stage with 40324 and an unknown expression with 168', async () => {
    expect(await codeOf(orders.aggregate([{ $frobnicate: {} }]).toArray())).toBe(40324);
    expect(await codeOf(orders.aggregate([{ $project: { x: { $frobnicate: 1 } } }]).toArray())).toBe(168);
  });

  it('requires $out and $merge to be last (40601) and one field per stage (40323)', async () => {
    expect(await codeOf(orders.aggregate([{ $out: 'elsewhere' }, { $match: {} }]).toArray())).toBe(40601);
    expect(await codeOf(orders.aggregate([{ $match: {}, $sort: { _id: 1 } }]).toArray())).toBe(40323);
  });

  it('validates $group: an _id is required (15955), fields are accumulators (40234, 15952)', async () => {
    expect(await codeOf(orders.aggregate([{ $group: { n: { $sum: 1 } } }]).toArray())).toBe(15955);
    expect(await codeOf(orders.aggregate([{ $group: { _id: null, n: '$qty' } }]).toArray())).toBe(40234);
    expect(await codeOf(orders.aggregate([{ $group: { _id: null, n: { $frobnicate: 1 } } }]).toArray())).toBe(15952);
  });
});

describe('document stages', () => {
  it('$match, $sort, $skip and $limit', async () => {
    const result = await orders
      .aggregate([{ $match: { 'customer.city': 'rome' } }, { $sort: { qty: -1 } }, { $skip: 1 }, { $limit: 1 }])
      .toArray();
    expect(result.map((d) => d._id)).toEqual([4]);
  });

  it('$project keeps _id first and included fields in document order', async () => {
    const [first] = await orders
      .aggregate([{ $match: { _id: 1 } }, { $project: { qty: 1, item: 1, total: { $multiply: ['$qty', '$price'] } } }])
      .toArray();
    expect(Object.keys(first)).toEqual(['_id', 'item', 'qty', 'total']);
    expect(first.total).toBe(10);
  });

  it('$project with exclusions, and $unset', async () => {
    const projected = await orders.aggregate([{ $match: { _id: 2 } }, { $project: { customer: 0, tags: 0 } }]).toArray();
    expect(projected).toEqual([{ _id: 2, item: 'pear', qty: 10, price: 3 }]);
    const unset = await orders.aggregate([{ $match: { _id: 2 } }, { $unset: ['customer', 'tags', 'price'] }]).toArray();
    expect(unset).toEqual([{ _id: 2, item: 'pear', qty: 10 }]);
  });

  it('$addFields and $set add to embedded documents rather than replacing them', async () => {
    const result = await orders
      .aggregate([{ $match: { _id: 1 } }, { $set: { customer: { vip: true } } }, { $addFields: { total: { $multiply: ['$qty', '$price'] } } }])
      .toArray();
    expect(result[0].customer).toEqual({ name: 'ann', city: 'oslo', vip: true });
    expect(result[0].total).toBe(10);
    // The stages wrote into embedded documents of their input: the stored ones must not change.
    expect(await orders.findOne({ _id: 1 })).toEqual(ORDERS[0]);
  });

  it('leaves stored documents as they were after stages that write nested paths', async () => {
    await orders
      .aggregate([
        { $match: { _id: { $lte: 2 } } },
        { $group: { _id: null, all: { $push: '$$ROOT' } } },
        { $unwind: '$all' },
        { $set: { 'all.customer.city': 'changed', 'all.tags': 'changed' } },
      ])
      .toArray();
    expect(await orders.find({ _id: { $lte: 2 } }).sort({ _id: 1 }).toArray()).toEqual(ORDERS.slice(0, 2));
  });

  it('$replaceRoot and $replaceWith', async () => {
    expect(await orders.aggregate([{ $match: { _id: 3 } }, { $replaceRoot: { newRoot: '$customer' } }]).toArray()).toEqual([
      { name: 'ann', city: 'oslo' },
    ]);
    expect(
      await orders.aggregate([{ $match: { _id: 3 } }, { $replaceWith: { item: '$item', who: '$customer.name' } }]).toArray(),
    ).toEqual([{ item: 'kale', who: 'ann' }]);
  });

  it('$group with accumulators, and $sort on the result', async () => {
    const result = await orders
      .aggregate([
        { $group: { _id: '$customer.name', qty: { $sum: '$qty' }, orders: { $sum: 1 }, items: { $push: '$item' }, top: { $max: '$price' } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(result).toEqual([
      { _id: 'ann', qty: 7, orders: 2, items: ['apple', 'kale'], top: 4 },
      { _id: 'bob', qty: 11, orders: 2, items: ['pear', 'fig'], top: 9 },
      { _id: 'cid', qty: 7, orders: 1, items: ['plum'], top: 1 },
    ]);
  });

  it('$group accumulators: $first, $last, $addToSet, $avg, $min, $top, $bottomN, $firstN', async () => {
    const [result] = await orders
      .aggregate([
        { $sort: { _id: 1 } },
        {
          $group: {
            _id: null,
            first: { $first: '$item' },
            last: { $last: '$item' },
            cities: { $addToSet: '$customer.city' },
            avg: { $avg: '$qty' },
            min: { $min: '$qty' },
            cheapest: { $top: { sortBy: { price: 1 }, output: '$item' } },
            priciest: { $bottomN: { n: 2, sortBy: { price: 1 }, output: '$item' } },
            firstTwo: { $firstN: { n: 2, input: '$item' } },
          },
        },
      ])
      .toArray();
    expect(result.first).toBe('apple');
    expect(result.last).toBe('fig');
    expect([...result.cities].sort()).toEqual(['oslo', 'rome']);
    expect(result.avg).toBe(5);
    expect(result.min).toBe(1);
    expect(result.cheapest).toBe('plum');
    expect(result.priciest).toEqual(['kale', 'fig']);
    expect(result.firstTwo).toEqual(['apple', 'pear']);
  });

  it('$count, and no document at all for an empty input', async () => {
    expect(await orders.aggregate([{ $match: { qty: { $gt: 4 } } }, { $count: 'n' }]).toArray()).toEqual([{ n: 3 }]);
    expect(await orders.aggregate([{ $match: { qty: { $gt: 100 } } }, { $count: 'n' }]).toArray()).toEqual([]);
  });

  it('$sortByCount', async () => {
    const result = await orders.aggregate([{ $unwind: '$tags' }, { $sortByCount: '$tags' }]).toArray();
    expect(result[0]).toEqual({ _id: 'fruit', count: 3 });
    expect(result.slice(1).map((d) => d.count)).toEqual([1, 1]);
  });

  it('$unwind with includeArrayIndex and preserveNullAndEmptyArrays', async () => {
    const plain = await orders.aggregate([{ $match: { _id: { $in: [1, 3, 4] } } }, { $unwind: '$tags' }]).toArray();
    expect(plain.map((d) => [d._id, d.tags])).toEqual([
      [1, 'fruit'],
      [1, 'red'],
    ]);
    const kept = await orders
      .aggregate([
        { $match: { _id: { $in: [1, 3, 4] } } },
        { $unwind: { path: '$tags', includeArrayIndex: 'i', preserveNullAndEmptyArrays: true } },
        { $project: { tags: 1, i: 1 } },
      ])
      .toArray();
    expect(kept).toEqual([
      { _id: 1, tags: 'fruit', i: 0 },
      { _id: 1, tags: 'red', i: 1 },
      { _id: 3, i: null },
      { _id: 4, i: null },
    ]);
  });

  it('$unwind does not change the stored documents', async () => {
    await orders.aggregate([{ $unwind: { path: '$tags', preserveNullAndEmptyArrays: true, includeArrayIndex: 'i' } }]).toArray();
    expect(await orders.findOne({ _id: 3 })).toEqual(ORDERS[2]);
  });

  it('$facet runs sub-pipelines over the same input', async () => {
    const [result] = await orders
      .aggregate([
        {
          $facet: {
            cheap: [{ $match: { price: { $lt: 3 } } }, { $project: { _id: 1 } }],
            count: [{ $count: 'n' }],
          },
        },
      ])
      .toArray();
    expect(result).toEqual({ cheap: [{ _id: 1 }, { _id: 4 }], count: [{ n: 5 }] });
  });

  it('$bucket puts documents between boundaries, with a default bucket', async () => {
    const result = await orders
      .aggregate([{ $bucket: { groupBy: '$price', boundaries: [0, 3, 5], default: 'other', output: { n: { $sum: 1 }, items: { $push: '$item' } } } }])
      .toArray();
    expect(result).toEqual([
      { _id: 0, n: 2, items: ['apple', 'plum'] },
      { _id: 3, n: 2, items: ['pear', 'kale'] },
      { _id: 'other', n: 1, items: ['fig'] },
    ]);
  });

  it('$bucketAuto spreads documents evenly: round(n / buckets) a bucket, the last one taking the rest', async () => {
    const result = await orders.aggregate([{ $bucketAuto: { groupBy: '$qty', buckets: 2 } }]).toArray();
    expect(result).toEqual([
      { _id: { min: 1, max: 7 }, count: 3 },
      { _id: { min: 7, max: 10 }, count: 2 },
    ]);
  });

  it('$redact prunes documents and sub-documents', async () => {
    const result = await orders
      .aggregate([{ $redact: { $cond: [{ $gt: ['$qty', 4] }, '$$KEEP', '$$PRUNE'] } }, { $project: { _id: 1 } }])
      .toArray();
    expect(result).toEqual([{ _id: 1 }, { _id: 2 }, { _id: 4 }]);
  });

  it('$redact descends into embedded documents and prunes them', async () => {
    const result = await orders
      .aggregate([
        { $match: { _id: { $in: [1, 2] } } },
        { $redact: { $cond: [{ $eq: ['$city', 'rome'] }, '$$PRUNE', '$$DESCEND'] } },
        { $project: { customer: 1 } },
      ])
      .toArray();
    expect(result).toEqual([{ _id: 1, customer: { name: 'ann', city: 'oslo' } }, { _id: 2 }]);
  });

  it('$sample returns distinct documents', async () => {
    const result = await orders.aggregate([{ $sample: { size: 4 } }]).toArray();
    expect(result).toHaveLength(4);
    expect(new Set(result.map((d) => d._id)).size).toBe(4);
    expect(await orders.aggregate([{ $sample: { size: 50 } }]).toArray()).toHaveLength(5);
  });

  it('$setWindowFields: running totals and ranks within partitions', async () => {
    const result = await orders
      .aggregate([
        {
          $setWindowFields: {
            partitionBy: '$customer.city',
            sortBy: { _id: 1 },
            output: {
              running: { $sum: '$qty', window: { documents: ['unbounded', 'current'] } },
              rank: { $rank: {} },
            },
          },
        },
        { $project: { running: 1, rank: 1 } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(result).toEqual([
      { _id: 1, running: 5, rank: 1 },
      { _id: 2, running: 10, rank: 1 },
      { _id: 3, running: 7, rank: 2 },
      { _id: 4, running: 17, rank: 2 },
      { _id: 5, running: 18, rank: 3 },
    ]);
  });

  it('$densify fills gaps in a numeric sequence and $fill fills missing values', async () => {
    const readings = t.db.collection<Loose>('readings');
    await readings.insertMany([
      { _id: 1, t: 1, v: 10 },
      { _id: 2, t: 4, v: null },
      { _id: 3, t: 5, v: 30 },
    ]);
    const dense = await readings.aggregate([{ $densify: { field: 't', range: { step: 1, bounds: 'full' } } }, { $project: { _id: 0, t: 1 } }]).toArray();
    expect(dense.map((d) => d.t)).toEqual([1, 2, 3, 4, 5]);
    const filled = await readings
      .aggregate([{ $fill: { sortBy: { t: 1 }, output: { v: { method: 'locf' } } } }, { $project: { _id: 0, t: 1, v: 1 } }])
      .toArray();
    expect(filled).toEqual([
      { t: 1, v: 10 },
      { t: 4, v: 10 },
      { t: 5, v: 30 },
    ]);
  });
});

describe('stages that read server state', () => {
  it('$collStats counts documents and reports storage sizes', async () => {
    const [stats] = await orders.aggregate([{ $collStats: { count: {}, storageStats: {} } }]).toArray();
    expect(stats.ns).toBe(`${t.db.databaseName}.orders`);
    expect(Number(stats.count)).toBe(5);
    expect(Number(stats.storageStats.count)).toBe(5);
    expect(Number(stats.storageStats.size)).toBeGreaterThan(0);
  });

  it('$listLocalSessions lists the calling session', async () => {
    const result = await t.db
      .aggregate([{ $listLocalSessions: {} }, { $limit: 1 }, { $addFields: { dummy: 'dummy field' } }, { $project: { _id: 0, dummy: 1 } }])
      .toArray();
    expect(result).toEqual([{ dummy: 'dummy field' }]);
  });
});

describeEmbedded('aggregate: what the embedded engine refuses', () => {
  it.each([
    ['$geoNear', { near: { type: 'Point', coordinates: [0, 0] }, distanceField: 'd' }],
    ['$search', { text: { query: 'x', path: 'item' } }],
    ['$vectorSearch', { index: 'v', path: 'e', queryVector: [1], numCandidates: 1, limit: 1 }],
    ['$indexStats', {}],
  ])('refuses %s, naming it', async (stage, spec) => {
    const error = await orders.aggregate([{ [stage]: spec }]).toArray().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).message).toContain(stage);
  });

  it('refuses $meta, which needs text or search scores', async () => {
    const error = await orders.aggregate([{ $project: { score: { $meta: 'textScore' } } }]).toArray().catch((e: unknown) => e);
    expect((error as Error).message).toContain('$meta');
  });

  it('answers $changeStream as a standalone mongod does (40573)', async () => {
    expect(await codeOf(orders.aggregate([{ $changeStream: {} }]).toArray())).toBe(40573);
  });

  it('refuses server-side JavaScript and explain', async () => {
    const error = await orders
      .aggregate([{ $project: { x: { $function: { body: 'function() { return 1 }', args: [], lang: 'js' } } } }])
      .toArray()
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain('$function');
    const explained = await orders.aggregate([{ $match: {} }]).explain().catch((e: unknown) => e);
    expect((explained as MongoServerError).code).toBe(115);
  });

  it('refuses locale collations', async () => {
    const error = await orders.aggregate([{ $match: {} }], { collation: { locale: 'en', strength: 2 } }).toArray().catch((e: unknown) => e);
    expect((error as Error).message).toContain('collation');
  });
});
