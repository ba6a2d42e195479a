import { Document, Double, Int32, Long, ObjectId } from 'bson';
import type { ConnectedMongo } from '../../../emulator/mongo/connect';
import { Crc64 } from '../../../emulator/mongo/seed/crc64';
import { ArchiveCollection, buildArchive, goCrc64, Scratch, seedFailure, seedRecording, startServer } from './helpers';

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

function movies(count: number): Document[] {
  return Array.from({ length: count }, (_, i) => ({
    _id: new ObjectId(i.toString(16).padStart(24, '0')),
    title: `Movie ${i}`,
    year: new Int32(1950 + (i % 70)),
    rating: new Double(i % 10),
    votes: Long.fromNumber(1_000_000 + i),
    released: new Date(Date.UTC(1950 + (i % 70), 0, 1)),
  }));
}

const idIndex = { v: new Int32(2), key: { _id: new Int32(1) }, name: '_id_' };

function sampleArchive(): ArchiveCollection[] {
  return [
    { db: 'sample_mflix', collection: 'movies', metadata: { indexes: [idIndex, { v: new Int32(2), key: { year: new Int32(1) }, name: 'year_1' }], options: {}, collectionName: 'movies', type: 'collection' }, documents: movies(2_500) },
    { db: 'sample_mflix', collection: 'users', metadata: { indexes: [idIndex, { v: new Int32(2), key: { email: new Int32(1) }, name: 'email_1', unique: true }], options: {} }, documents: [{ _id: 1, email: 'a@example.com' }, { _id: 2, email: 'b@example.com' }] },
    { db: 'sample_mflix', collection: 'empty', metadata: { indexes: [idIndex], options: {} }, documents: [] },
    { db: 'admin', collection: 'system.users', metadata: { indexes: [idIndex], options: {} }, documents: [{ _id: 'admin.root', user: 'root' }] },
    { db: 'sample_geospatial', collection: 'shipwrecks', metadata: { indexes: [idIndex, { v: new Int32(2), key: { coordinates: '2dsphere' }, name: 'coordinates_2dsphere', '2dsphereIndexVersion': new Int32(3) }], options: {} }, documents: [{ _id: 1, coordinates: [new Double(-79.9), new Double(9.3)] }] },
  ];
}

async function expectSampleRestored(result: Awaited<ReturnType<typeof seedRecording>>['result']): Promise<void> {
  // In prelude order; admin.system.users is the server's and is read past.
  expect(result.collections).toEqual([
    { database: 'sample_mflix', collection: 'movies', documents: 2_500, indexes: 1 },
    { database: 'sample_mflix', collection: 'users', documents: 2, indexes: 1 },
    { database: 'sample_mflix', collection: 'empty', documents: 0, indexes: 0 },
    { database: 'sample_geospatial', collection: 'shipwrecks', documents: 1, indexes: 0, skippedIndexes: [{ name: 'coordinates_2dsphere', reason: expect.stringMatching(/2dsphere indexes are not supported/) }] },
  ]);
  const stored = await mongo.client.db('sample_mflix').collection('movies').find({}, { promoteValues: false, sort: { _id: 1 } }).toArray();
  expect(stored).toHaveLength(2_500);
  expect(stored[7]).toEqual({ ...movies(8)[7] });
  expect(stored[7].rating).toBeInstanceOf(Double);
  expect(stored[7].votes).toBeInstanceOf(Long);
  const indexes = await mongo.client.db('sample_mflix').collection('users').listIndexes().toArray();
  expect(indexes.map((index) => [index.name, index.unique ?? false])).toEqual([['_id_', false], ['email_1', true]]);
  expect((await mongo.client.db('admin').listCollections().toArray()).map((collection) => collection.name)).not.toContain('system.users');
}

describe('mongodump --archive', () => {
  beforeEach(async () => {
    await mongo.client.db('sample_mflix').dropDatabase();
    await mongo.client.db('sample_geospatial').dropDatabase();
  });

  it('restores a plain archive whose collections are interleaved block by block', async () => {
    const path = scratch.write('plain.archive', buildArchive(sampleArchive(), { blockSize: 300 }));
    const { result } = await seedRecording(mongo, path);
    await expectSampleRestored(result);
  });

  it('restores a gzipped archive (mongodump --archive --gzip), recognised by its bytes, not its name', async () => {
    const path = scratch.write('sampledata.archive', buildArchive(sampleArchive(), { gzip: true, blockSize: 1000 }));
    const { result, progress } = await seedRecording(mongo, path);
    await expectSampleRestored(result);
    const movieProgress = progress.filter((event) => event.collection === 'movies');
    expect(movieProgress[0]).toEqual({ source: path, database: 'sample_mflix', collection: 'movies', inserted: 0, total: undefined });
    expect(movieProgress.at(-1)).toEqual({ source: path, database: 'sample_mflix', collection: 'movies', inserted: 2_500, total: 2_500 });
  });

  it('creates collections with the options of their metadata', async () => {
    const path = scratch.write('options.archive', buildArchive([
      { db: 'opts', collection: 'sessions', metadata: { indexes: [idIndex, { v: new Int32(2), key: { at: new Int32(1) }, name: 'at_1', expireAfterSeconds: new Int32(3600) }], options: { validationLevel: 'off' } }, documents: [{ _id: 1, at: new Date() }] },
    ]));
    await seedRecording(mongo, path);
    const [collection] = await mongo.client.db('opts').listCollections().toArray();
    expect(collection).toMatchObject({ name: 'sessions', options: { validationLevel: 'off' } });
    const ttl = (await mongo.client.db('opts').collection('sessions').listIndexes().toArray()).find((index) => index.name === 'at_1');
    expect(ttl?.expireAfterSeconds).toBe(3600);
  });
});

describe('the archive checksum', () => {
  it('computes Go\'s CRC-64 (ECMA): the standard check value and the test writer agree', () => {
    expect(BigInt.asUintN(64, new Crc64().update(Buffer.from('123456789')).signed())).toBe(0x995dc9bbdf1939fan);
    expect(goCrc64(Buffer.from('123456789'))).toBe(0x995dc9bbdf1939fan);
    const split = new Crc64().update(Buffer.from('12345')).update(Buffer.from('6789'));
    expect(BigInt.asUintN(64, split.signed())).toBe(0x995dc9bbdf1939fan);
  });

  it('refuses an archive whose checksum does not match its documents', async () => {
    const path = scratch.write('badcrc.archive', buildArchive([{ db: 'crc', collection: 'c', documents: movies(5) }], { wrongCrc: ['crc.c'] }));
    const error = await seedFailure(mongo, path);
    expect(error?.name).toBe('SeedError');
    expect(error?.message).toMatch(/badcrc\.archive: checksum mismatch for crc\.c .*the archive is corrupt/);
  });
});
