/**
 * The ten actions over HTTP: their response shapes (APP_SERVICES.md §3.3) in canonical EJSON and
 * JSON, BSON types kept from request to storage to response, and find's limits.
 */
import { Decimal128, Double, Int32, Long, ObjectId } from 'mongodb';
import { APP_ID, bodyOf, on, startDataApiApp, type DataApiTestApp } from './helpers';

let t: DataApiTestApp;
beforeAll(async () => {
  t = await startDataApiApp();
});
afterAll(async () => t.stop());
beforeEach(async () => {
  await t.collection('items').deleteMany({});
});

const ejson = { 'Content-Type': 'application/ejson' };
const asJson = { Accept: 'application/json' };

describe('response shapes', () => {
  it('insertOne answers the new _id, an ObjectId when the document has none', async () => {
    const response = await t.post('insertOne', on('items', { document: { name: 'pen' } })).expect(200);
    expect(response.headers['content-type']).toBe('application/ejson; charset=utf-8');
    expect(bodyOf(response)).toEqual({ insertedId: { $oid: expect.stringMatching(/^[0-9a-f]{24}$/) } });
    const stored = await t.collection('items').findOne({ _id: new ObjectId(bodyOf(response).insertedId.$oid) });
    expect(stored).toMatchObject({ name: 'pen' });
  });

  it('insertMany answers the _ids in order, as strings in JSON mode', async () => {
    const response = await t.post('insertMany', on('items', { documents: [{ _id: { $oid: '64224f3cd79f54ad342dd9b1' } }, { name: 'b' }] }), asJson).expect(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.body).toEqual({ insertedIds: ['64224f3cd79f54ad342dd9b1', expect.stringMatching(/^[0-9a-f]{24}$/)] });
  });

  it('findOne answers {document} or {document: null}; find answers {documents}, [] when none', async () => {
    await t.collection('items').insertMany([{ _id: 1, name: 'a' }, { _id: 2, name: 'b' }]);
    expect((await t.post('findOne', on('items', { filter: { _id: 2 } }), asJson).expect(200)).body).toEqual({ document: { _id: 2, name: 'b' } });
    expect(bodyOf(await t.post('findOne', on('items', { filter: { _id: 3 } })).expect(200))).toEqual({ document: null });
    // The older docs make findOne's filter optional.
    expect((await t.post('findOne', on('items'), asJson).expect(200)).body.document).toMatchObject({ name: expect.any(String) });
    expect(bodyOf(await t.post('find', on('items', { filter: { _id: { $gt: 5 } } })).expect(200))).toEqual({ documents: [] });
  });

  it('update and replace answer matchedCount and modifiedCount, and upsertedId only when an upsert inserted', async () => {
    await t.collection('items').insertMany([{ _id: 1, n: 1 }, { _id: 2, n: 1 }]);
    const one = await t.post('updateOne', on('items', { filter: { _id: 1 }, update: { $inc: { n: 1 } } })).expect(200);
    expect(bodyOf(one)).toEqual({ matchedCount: { $numberInt: '1' }, modifiedCount: { $numberInt: '1' } });
    const many = await t.post('updateMany', on('items', { filter: {}, update: { $set: { n: 7 } } }), asJson).expect(200);
    expect(many.body).toEqual({ matchedCount: 2, modifiedCount: 2 });
    const upsert = await t.post('updateOne', on('items', { filter: { _id: 9 }, update: { $set: { n: 0 } }, upsert: true }), asJson).expect(200);
    expect(upsert.body).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedId: 9 });
    const replaced = await t.post('replaceOne', on('items', { filter: { _id: 2 }, replacement: { name: 'new' } }), asJson).expect(200);
    expect(replaced.body).toEqual({ matchedCount: 1, modifiedCount: 1 });
    expect(await t.collection('items').findOne({ _id: 2 })).toEqual({ _id: 2, name: 'new' });
    const pipeline = await t.post('updateOne', on('items', { filter: { _id: 1 }, update: [{ $set: { doubled: { $multiply: ['$n', 2] } } }] }), asJson).expect(200);
    expect(pipeline.body).toEqual({ matchedCount: 1, modifiedCount: 1 });
    expect(await t.collection('items').findOne({ _id: 1 })).toMatchObject({ doubled: 14 });
  });

  it('deleteOne and deleteMany answer deletedCount', async () => {
    await t.collection('items').insertMany([{ _id: 1, k: 'x' }, { _id: 2, k: 'x' }, { _id: 3, k: 'x' }]);
    expect(bodyOf(await t.post('deleteOne', on('items', { filter: { k: 'x' } })).expect(200))).toEqual({ deletedCount: { $numberInt: '1' } });
    expect((await t.post('deleteMany', on('items', { filter: { k: 'x' } }), asJson).expect(200)).body).toEqual({ deletedCount: 2 });
  });

  it('aggregate answers {documents} computed by the pipeline', async () => {
    await t.collection('items').insertMany([{ k: 'a', n: 1 }, { k: 'a', n: 2 }, { k: 'b', n: 5 }]);
    const response = await t.post('aggregate', on('items', { pipeline: [{ $group: { _id: '$k', total: { $sum: '$n' } } }, { $sort: { _id: 1 } }] }), asJson).expect(200);
    expect(response.body).toEqual({ documents: [{ _id: 'a', total: 3 }, { _id: 'b', total: 5 }] });
  });

  it('serves the beta version when the app enables it', async () => {
    const beta = await startDataApiApp({ versions: ['beta', 'v1'] });
    try {
      await beta.post('find', on('items'), {}, 'beta').expect(200);
      await beta.post('find', on('items'), {}, 'v1').expect(200);
    } finally {
      await beta.stop();
    }
  });
});

describe('BSON types', () => {
  const stored = { _id: 1, double: new Double(5), int: new Int32(5), long: Long.fromString('9007199254740993'), decimal: Decimal128.fromString('9.99'), date: new Date('2022-01-12T02:33:23.067Z') };

  it('keeps Int32, Double, Int64, Decimal128 and Date through an EJSON insert and a canonical EJSON read', async () => {
    const body =
      '{"dataSource":"mongodb-atlas","database":"shop","collection":"items","document":' +
      '{"_id":1,"double":5.0,"int":5,"long":{"$numberLong":"9007199254740993"},"decimal":{"$numberDecimal":"9.99"},"date":{"$date":"2022-01-12T02:33:23.067Z"}}}';
    await t.post('insertOne', body, ejson).expect(200);
    const raw = await t.collection('items').findOne({ _id: 1 }, { promoteValues: false });
    expect(raw!.double).toBeInstanceOf(Double);
    expect(raw!.int).toBeInstanceOf(Int32);
    expect(raw!.long).toEqual(Long.fromString('9007199254740993'));
    const response = await t.post('findOne', on('items', { filter: { _id: 1 } })).expect(200);
    expect(response.text).toBe(
      '{"document":{"_id":{"$numberInt":"1"},"double":{"$numberDouble":"5.0"},"int":{"$numberInt":"5"},"long":{"$numberLong":"9007199254740993"},' +
        '"decimal":{"$numberDecimal":"9.99"},"date":{"$date":{"$numberLong":"1641954803067"}}}}',
    );
  });

  it('writes the documented JSON mapping when Accept asks for JSON', async () => {
    await t.collection('items').insertOne({ ...stored });
    const response = await t.post('findOne', on('items', { filter: { _id: 1 } }), asJson).expect(200);
    expect(response.text).toBe('{"document":{"_id":1,"double":5,"int":5,"long":9007199254740993,"decimal":"9.99","date":"2022-01-12T02:33:23.067Z"}}');
  });

  it('follows return_type when Accept names neither format', async () => {
    const json = await startDataApiApp({ return_type: 'JSON' });
    try {
      await json.collection('items').deleteMany({});
      await json.collection('items').insertOne({ _id: new ObjectId('64224f3cd79f54ad342dd9b2') });
      const plain = await json.post('find', on('items')).expect(200);
      expect(plain.text).toBe('{"documents":[{"_id":"64224f3cd79f54ad342dd9b2"}]}');
      const overridden = await json.post('find', on('items'), { Accept: 'application/ejson' }).expect(200);
      expect(overridden.text).toBe('{"documents":[{"_id":{"$oid":"64224f3cd79f54ad342dd9b2"}}]}');
    } finally {
      await json.stop();
    }
  });

  it('reads EJSON wrappers in JSON bodies, and plain numbers by their value there', async () => {
    await t.post('insertOne', on('items', { document: { _id: { $oid: '64224f3cd79f54ad342dd9b3' }, one: 1.0, half: 0.5, big: { $numberLong: '5' } } })).expect(200);
    const raw = await t.collection('items').findOne({ _id: new ObjectId('64224f3cd79f54ad342dd9b3') }, { promoteValues: false });
    expect(raw!.one).toBeInstanceOf(Int32);
    expect(raw!.half).toBeInstanceOf(Double);
    expect(raw!.big).toBeInstanceOf(Long);
  });

  it('reads relaxed EJSON dates and canonical numbers in filters', async () => {
    await t.collection('items').insertMany([{ _id: 1, at: new Date('2024-01-01T00:00:00Z') }, { _id: 2, at: new Date('2025-01-01T00:00:00Z') }]);
    const response = await t
      .post('find', '{"dataSource":"mongodb-atlas","database":"shop","collection":"items","filter":{"at":{"$gt":{"$date":"2024-06-01T00:00:00Z"}},"_id":{"$numberLong":"2"}}}', { ...ejson, ...asJson })
      .expect(200);
    expect(response.body).toEqual({ documents: [{ _id: 2, at: '2025-01-01T00:00:00.000Z' }] });
  });
});

describe('find', () => {
  beforeEach(async () => {
    await t.collection('items').insertMany(Array.from({ length: 1205 }, (_, i) => ({ _id: i, n: i % 10, label: `item ${i}` })));
  });

  it('returns at most 1000 documents by default', async () => {
    const response = await t.post('find', on('items'), asJson).expect(200);
    expect(response.body.documents).toHaveLength(1000);
  });

  it('applies sort, skip, limit and projection', async () => {
    const response = await t.post('find', on('items', { filter: { n: 3 }, sort: { _id: -1 }, skip: 2, limit: 3, projection: { _id: 1, n: 1 } }), asJson).expect(200);
    expect(response.body).toEqual({ documents: [{ _id: 1183, n: 3 }, { _id: 1173, n: 3 }, { _id: 1163, n: 3 }] });
    const excluded = await t.post('find', on('items', { filter: { _id: 5 }, projection: { _id: 0, label: 0 } }), asJson).expect(200);
    expect(excluded.body).toEqual({ documents: [{ n: 5 }] });
  });

  it('takes limit and skip in any numeric type', async () => {
    const body = '{"dataSource":"mongodb-atlas","database":"shop","collection":"items","sort":{"_id":{"$numberInt":"1"}},"limit":{"$numberLong":"2"},"skip":3.0}';
    const response = await t.post('find', body, { ...ejson, ...asJson }).expect(200);
    expect(response.body.documents.map((document: { _id: number }) => document._id)).toEqual([3, 4]);
  });

  it('refuses a limit above 50,000 or below 1, naming the limit', async () => {
    const over = await t.post('find', on('items', { limit: 50_001 })).expect(400);
    expect(over.body).toMatchObject({ error: '"limit" must be at most 50000, the Data API\'s maximum per request', error_code: 'InvalidParameter' });
    await t.post('find', on('items', { limit: 50_000 })).expect(200);
    expect((await t.post('find', on('items', { limit: 0 })).expect(400)).body.error).toBe('"limit" must be at least 1');
    expect((await t.post('find', on('items', { limit: 2.5 })).expect(400)).body.error).toBe('"limit" must be a whole number');
  });
});

describe('the URL', () => {
  it('is /app/<app id>/endpoint/data/v1/action/<action>, as dataApiUrl says', () => {
    expect(t.emulator.dataApiUrl).toBe(`${t.emulator.url}/app/${APP_ID}/endpoint/data/v1`);
  });
});
