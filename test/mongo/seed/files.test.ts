import { gzipSync } from 'node:zlib';
import { Decimal128, Document, Double, EJSON, Int32, Long, ObjectId } from 'bson';
import type { ConnectedMongo } from '../../../emulator/mongo/connect';
import { bsonFile, ejsonLines, Scratch, seedRecording, startServer } from './helpers';

let mongo: ConnectedMongo;
let scratch: Scratch;
beforeAll(async () => {
  mongo = await startServer();
  scratch = new Scratch();
});
afterAll(async () => {
  await mongo.stop();
  scratch.remove();
});

/** Documents with one value of each type whose identity a careless import would lose. */
function typed(n: number): Document {
  return {
    _id: new ObjectId(n.toString(16).padStart(24, '0')),
    int: new Int32(n),
    double: new Double(n),
    long: Long.fromString('9007199254740993'),
    decimal: Decimal128.fromString('9.99'),
    date: new Date(Date.UTC(2020, 0, n)),
    nested: { list: [new Int32(1), 'two', { three: new Double(3.5) }] },
  };
}

async function read(database: string, collection: string): Promise<Document[]> {
  return mongo.client.db(database).collection(collection).find({}, { promoteValues: false, sort: { _id: 1 } }).toArray();
}

function expectExactTypes(documents: Document[], count: number): void {
  expect(documents).toHaveLength(count);
  documents.forEach((document, index) => {
    expect(document.int).toEqual(new Int32(index + 1));
    expect(document.double).toBeInstanceOf(Double);
    expect(document.double.value).toBe(index + 1);
    expect(document.long).toEqual(Long.fromString('9007199254740993'));
    expect(document.decimal.toString()).toBe('9.99');
    expect(document.date).toEqual(new Date(Date.UTC(2020, 0, index + 1)));
    expect(document.nested.list[2].three).toBeInstanceOf(Double);
  });
}

describe('mongoexport JSON', () => {
  it('loads one canonical Extended JSON document per line with every type exact', async () => {
    scratch.write('canonical/shop/items.json', ejsonLines([typed(1), typed(2), typed(3)], false));
    const { result } = await seedRecording(mongo, scratch.path('canonical'));
    expect(result.collections).toEqual([{ database: 'shop', collection: 'items', documents: 3, indexes: 0 }]);
    expectExactTypes(await read('shop', 'items'), 3);
  });

  it('loads relaxed Extended JSON lines as mongoexport writes them, a double written 1.0 staying a double', async () => {
    // mongoexport's default (relaxed) output: plain numbers, {"$date": ISO string}, $numberLong only past 2^53.
    scratch.write('relaxed/relaxed_db/items.json', [
      '{"_id":{"$oid":"000000000000000000000001"},"int":1,"double":1.0,"long":{"$numberLong":"9007199254740993"},"decimal":{"$numberDecimal":"9.99"},"date":{"$date":"2020-01-01T00:00:00Z"},"nested":{"list":[1,"two",{"three":3.5}]}}',
      '',
      '{"_id":{"$oid":"000000000000000000000002"},"int":2,"double":2.0E0,"long":{"$numberLong":"9007199254740993"},"decimal":{"$numberDecimal":"9.99"},"date":{"$date":"2020-01-02T00:00:00.000Z"},"nested":{"list":[1,"two",{"three":-35e-1}]}}',
    ].join('\r\n'));
    const { result } = await seedRecording(mongo, scratch.path('relaxed'));
    expect(result.collections[0].documents).toBe(2);
    expectExactTypes(await read('relaxed_db', 'items'), 2);
  });

  it('loads a JSON array (mongoexport --jsonArray), pretty-printed across lines', async () => {
    const documents = [typed(1), typed(2), { _id: new ObjectId('0000000000000000000000aa'), text: 'brackets ] and } and "quotes" inside, a comma, too' }];
    scratch.write('array/arr_db/things.json', `\uFEFF\n[\n${documents.map((document) => EJSON.stringify(document, undefined, 2, { relaxed: false })).join(',\n')}\n]\n`);
    const { result } = await seedRecording(mongo, scratch.path('array'));
    expect(result.collections[0]).toMatchObject({ collection: 'things', documents: 3 });
    const stored = await read('arr_db', 'things');
    expectExactTypes(stored.slice(0, 2), 2);
    expect(stored[2].text).toBe('brackets ] and } and "quotes" inside, a comma, too');
  });

  it('loads an empty array as an empty collection', async () => {
    scratch.write('empty/empty_db/none.json', '[ ]');
    const { result } = await seedRecording(mongo, scratch.path('empty'));
    expect(result.collections).toEqual([{ database: 'empty_db', collection: 'none', documents: 0, indexes: 0 }]);
    expect((await mongo.client.db('empty_db').listCollections().toArray()).map((collection) => collection.name)).toEqual(['none']);
  });

  it('streams a file larger than one read chunk', async () => {
    const many = Array.from({ length: 12_000 }, (_, i) => ({ _id: new Int32(i), padding: 'x'.repeat(100) }));
    scratch.write('large/large_db/rows.json', ejsonLines(many, true));
    const { result, progress } = await seedRecording(mongo, scratch.path('large'));
    expect(result.collections[0].documents).toBe(12_000);
    expect(await mongo.client.db('large_db').collection('rows').countDocuments()).toBe(12_000);
    expect(progress.length).toBeGreaterThan(10);
  });
});

describe('mongodump directories', () => {
  const metadata = (name: string, indexes: Document[], options: Document = {}) =>
    EJSON.stringify({ indexes: [{ v: new Int32(2), key: { _id: new Int32(1) }, name: '_id_' }, ...indexes], uuid: '5d1c1d8d0d4b4bd6a35e8c6a2b1f3e11', collectionName: name, options, type: 'collection' }, { relaxed: false });

  it('restores <db>/<coll>.bson with the indexes of its metadata, skipping _id_', async () => {
    scratch.write('dump/store/products.bson', bsonFile([typed(1), typed(2)]));
    scratch.write('dump/store/products.metadata.json', metadata('products', [
      { v: new Int32(2), key: { int: new Int32(1) }, name: 'int_1', unique: true },
      { v: new Int32(2), key: { category: new Int32(1), price: new Int32(-1) }, name: 'category_price' },
    ]));
    scratch.write('dump/store/orders.bson', bsonFile([{ _id: new Int32(1), total: new Double(10) }]));
    scratch.write('dump/admin/system.version.bson', bsonFile([{ _id: 'featureCompatibilityVersion', version: '7.0' }]));
    scratch.write('dump/oplog.bson', bsonFile([{ ts: 1, op: 'n' }]));
    scratch.write('dump/prelude.json', '{"ServerVersion": "7.0.12"}');
    const { result } = await seedRecording(mongo, scratch.path('dump'));
    expect(result.collections).toEqual([
      { database: 'store', collection: 'orders', documents: 1, indexes: 0 },
      { database: 'store', collection: 'products', documents: 2, indexes: 2 },
    ]);
    expectExactTypes(await read('store', 'products'), 2);
    const indexes = await mongo.client.db('store').collection('products').listIndexes().toArray();
    expect(indexes.map((index) => [index.name, index.key, index.unique ?? false])).toEqual([
      ['_id_', { _id: 1 }, false],
      ['int_1', { int: 1 }, true],
      ['category_price', { category: 1, price: -1 }, false],
    ]);
    expect((await mongo.client.db('admin').listCollections().toArray()).map((collection) => collection.name)).not.toContain('system.version');
  });

  it('treats a folder of .bson files as one database named after the folder, gzipped files included', async () => {
    scratch.write('single/inventory/parts.bson.gz', gzipSync(bsonFile([typed(1), typed(2), typed(3)])));
    scratch.write('single/inventory/parts.metadata.json.gz', gzipSync(metadata('parts', [{ v: new Int32(2), key: { int: new Int32(1) }, name: 'int_1' }])));
    scratch.write('single/inventory/bins.json', ejsonLines([{ _id: 'A1' }], false));
    const { result } = await seedRecording(mongo, scratch.path('single/inventory'));
    expect(result.collections).toEqual([
      { database: 'inventory', collection: 'bins', documents: 1, indexes: 0 },
      { database: 'inventory', collection: 'parts', documents: 3, indexes: 1 },
    ]);
    expectExactTypes(await read('inventory', 'parts'), 3);
  });

  it('resolves a relative path against baseDirectory', async () => {
    scratch.write('based/based_db/x.json', '{"_id": 1}\n');
    const { result } = await seedRecording(mongo, 'based', scratch.root);
    expect(result).toMatchObject({ source: 'based', collections: [{ database: 'based_db', collection: 'x', documents: 1 }] });
  });

  it('creates an empty collection from metadata alone', async () => {
    scratch.write('metaonly/meta_db/later.metadata.json', metadata('later', [{ v: new Int32(2), key: { when: new Int32(1) }, name: 'when_1' }]));
    const { result } = await seedRecording(mongo, scratch.path('metaonly'));
    expect(result.collections).toEqual([{ database: 'meta_db', collection: 'later', documents: 0, indexes: 1 }]);
    expect((await mongo.client.db('meta_db').collection('later').listIndexes().toArray()).map((index) => index.name)).toEqual(['_id_', 'when_1']);
  });

  it('reports an index the database cannot build (text, geo on the embedded engine) instead of failing', async () => {
    scratch.write('textidx/text_db/articles.bson', bsonFile([{ _id: 1, body: 'hello' }]));
    scratch.write('textidx/text_db/articles.metadata.json', metadata('articles', [
      { v: new Int32(2), key: { _fts: 'text', _ftsx: new Int32(1) }, name: 'body_text', weights: { body: new Int32(1) } },
      { v: new Int32(2), key: { body: new Int32(1) }, name: 'body_1' },
    ]));
    const { result } = await seedRecording(mongo, scratch.path('textidx'));
    expect(result.collections[0]).toMatchObject({ documents: 1, indexes: 1, skippedIndexes: [{ name: 'body_text', reason: expect.stringMatching(/text indexes are not supported/) }] });
  });

  it('keeps documents already present with the same _id and adds the rest', async () => {
    scratch.write('again/again_db/c.json', '{"_id": 1, "v": "new"}\n{"_id": 2, "v": "new"}\n');
    await mongo.client.db('again_db').collection('c').insertOne({ _id: 1 as never, v: 'old' });
    const { result } = await seedRecording(mongo, scratch.path('again'));
    expect(result.collections[0].documents).toBe(2);
    expect(await mongo.client.db('again_db').collection('c').find({}, { sort: { _id: 1 } }).toArray()).toEqual([{ _id: 1, v: 'old' }, { _id: 2, v: 'new' }]);
  });
});
