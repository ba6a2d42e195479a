import { gzipSync } from 'node:zlib';
import { BSON, Int32, Long } from 'bson';
import type { ConnectedMongo } from '../../../emulator/mongo/connect';
import { SeedError } from '../../../emulator/mongo/seed';
import { bsonFile, buildArchive, Scratch, seedFailure, startServer } from './helpers';

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

async function failure(spec: string, baseDirectory?: string): Promise<SeedError> {
  const error = await seedFailure(mongo, spec, baseDirectory);
  expect(error).toBeInstanceOf(SeedError);
  return error as SeedError;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('specs that name nothing', () => {
  it('refuses an unknown dataset name', async () => {
    expect((await failure('sample_mflix', scratch.root)).message).toBe(
      `unknown seed "sample_mflix": not a dataset this emulator generates (sample_training, sample_training:small) and no file or directory ${scratch.path('sample_mflix')}`,
    );
  });

  it('refuses an unknown size of sample_training', async () => {
    expect((await failure('sample_training:huge')).message).toMatch(/^unknown seed "sample_training:huge": sample_training comes as "sample_training" \(real sizes\) or "sample_training:small"$/);
  });

  it('refuses a path that does not exist, naming it in full', async () => {
    expect((await failure('./dumps/missing', scratch.root)).message).toBe(`seed path not found: ${scratch.path('dumps', 'missing')}`);
  });

  it('refuses a lone export file, which names no database', async () => {
    const path = scratch.write('lone/items.json', '{"_id": 1}\n');
    expect((await failure(path)).message).toBe(`${path} is a single .json file: seed the folder that holds it instead (<database>/<collection>.json, or one database's folder of <collection>.json files)`);
  });

  it('refuses a directory without data files', async () => {
    scratch.write('nothing/readme.txt', 'hello');
    expect((await failure(scratch.path('nothing'))).message).toMatch(/nothing holds no data to seed: expected <database>\/<collection>\.json or \.bson files/);
  });
});

describe('malformed JSON', () => {
  it('names the file and the line of a malformed mongoexport line', async () => {
    const path = scratch.write('badline/db/c.json', '{"_id": 1}\n\n{"_id": 2, "oops": }\n{"_id": 3}\n');
    const message = (await failure(scratch.path('badline'))).message;
    expect(message).toMatch(new RegExp(`^malformed JSON on line 3 of ${escape(path)}: `));
    expect(message).toMatch(/\(a \.json file holds one document per line, as mongoexport writes, or one JSON array\)$/);
  });

  it('names the element and line of a malformed array element', async () => {
    const path = scratch.write('badarray/db/c.json', '[\n  {"_id": 1},\n  {"_id": {"$oid": "not-an-id"}}\n]');
    expect((await failure(scratch.path('badarray'))).message).toMatch(new RegExp(`^malformed JSON on element 2 \\(line 3\\) of ${escape(path)}: `));
  });

  it('refuses an array that is never closed', async () => {
    const path = scratch.write('openarray/db/c.json', '[{"_id": 1},\n{"_id": 2}\n');
    expect((await failure(scratch.path('openarray'))).message).toBe(`malformed JSON in ${path}: the array is not closed (the file ends at line 3)`);
  });

  it('refuses a line that is JSON but not a document', async () => {
    const path = scratch.write('notdoc/db/c.json', '{"_id": 1}\n[1, 2]\n');
    expect((await failure(scratch.path('notdoc'))).message).toBe(`line 2 of ${path} is not a document (a JSON object): [1, 2]`);
  });

  it('refuses unreadable metadata', async () => {
    const path = scratch.write('badmeta/db/c.metadata.json', '{"indexes": [');
    expect((await failure(scratch.path('badmeta'))).message).toMatch(new RegExp(`^${escape(path)} is not valid mongodump metadata: `));
  });
});

describe('broken BSON', () => {
  it('refuses a truncated .bson file, naming the file and where the document starts', async () => {
    const whole = bsonFile([{ _id: 1, a: 'x' }, { _id: 2, a: 'y' }]);
    const first = whole.readInt32LE(0);
    const path = scratch.write('truncated/db/c.bson', whole.subarray(0, whole.length - 3));
    expect((await failure(scratch.path('truncated'))).message).toBe(
      `${path}: truncated BSON: the document at byte ${first} is ${whole.length - first} bytes long but the data ends after ${whole.length - first - 3}`,
    );
  });

  it('refuses bytes that are not a document length', async () => {
    const path = scratch.write('notbson/db/c.bson', Buffer.from('this is text, not BSON'));
    expect((await failure(scratch.path('notbson'))).message).toMatch(new RegExp(`^${escape(path)}: \\d+ at byte 0 is not a BSON document length`));
  });
});

describe('archives', () => {
  it('refuses a file without the archive magic number', async () => {
    const path = scratch.write('notes.txt', 'just some notes\n');
    expect((await failure(path)).message).toBe(
      `${path} is not a mongodump archive: it starts with 0x7473756a, not the archive magic number 0x8199e26d (a seed is a directory, a mongodump --archive file, or sample_training)`,
    );
  });

  it('says when the magic number is missing after gunzip', async () => {
    const path = scratch.write('notes.gz', gzipSync(Buffer.from([1, 2, 3, 4, 5])));
    expect((await failure(path)).message).toMatch(/it starts with 0x04030201 once gunzipped, not the archive magic number 0x8199e26d/);
  });

  it('refuses a corrupt gzip stream', async () => {
    const archive = buildArchive([{ db: 'g', collection: 'c', documents: [{ _id: 1 }] }], { gzip: true });
    const path = scratch.write('corrupt.archive.gz', archive.subarray(0, archive.length - 12));
    expect((await failure(path)).message).toMatch(new RegExp(`^${escape(path)}: the gzip data is corrupt or truncated`));
  });

  it('refuses an archive format version it does not know', async () => {
    const path = scratch.write('v2.archive', buildArchive([{ db: 'v', collection: 'c', documents: [] }], { version: '0.2' }));
    expect((await failure(path)).message).toBe(`${path}: unsupported archive version "0.2" (this reader knows version 0.1, which every mongodump so far writes)`);
  });

  it('refuses an archive cut inside a collection\'s data', async () => {
    const archive = buildArchive([{ db: 'cut', collection: 'c', documents: Array.from({ length: 10 }, (_, i) => ({ _id: new Int32(i), text: 'x'.repeat(50) })) }]);
    const path = scratch.write('cut.archive', archive.subarray(0, archive.length - 200));
    expect((await failure(path)).message).toMatch(new RegExp(`^${escape(path)}: truncated BSON: the document at byte \\d+ is \\d+ bytes long`));
  });

  it('refuses an archive that ends before a collection\'s end marker', async () => {
    const archive = buildArchive([{ db: 'cut', collection: 'c', documents: [{ _id: 1 }] }]);
    // Drop the end-of-collection block: its header document and its terminator.
    const endBlock = BSON.serialize({ db: 'cut', collection: 'c', EOF: true, CRC: Long.fromBigInt(0n) }).length + 4;
    const path = scratch.write('noeof.archive', archive.subarray(0, archive.length - endBlock));
    expect((await failure(path)).message).toBe(`${path}: the archive ends before the data of cut.c is complete (it is truncated)`);
  });

  it('refuses a time series collection', async () => {
    const path = scratch.write('ts.archive', buildArchive([{ db: 'ts', collection: 'weather', type: 'timeseries', metadata: { options: { timeseries: { timeField: 't' } }, indexes: [] }, documents: [] }]));
    expect((await failure(path)).message).toBe(`${path}: ts.weather is a time series collection, which seeding does not restore; use mongorestore against a MongoDB server`);
  });

  it('refuses a view when the database cannot create views (the embedded engine)', async () => {
    const path = scratch.write('view.archive', buildArchive([
      { db: 'views', collection: 'recent', type: 'view', metadata: { options: { viewOn: 'orders', pipeline: [{ $match: { recent: true } }] }, indexes: [] }, documents: [] },
    ]));
    expect((await failure(path)).message).toMatch(new RegExp(`^views\\.recent \\(${escape(path)}\\): cannot create the collection with its options \\{"viewOn":"orders",.*views are not supported by the embedded engine`));
  });

  it('refuses collection options the database cannot honour, naming the collection', async () => {
    const path = scratch.write('capped.archive', buildArchive([{ db: 'cap', collection: 'log', metadata: { options: { capped: true, size: new Int32(4096) }, indexes: [] }, documents: [] }]));
    expect((await failure(path)).message).toMatch(new RegExp(`^cap\\.log \\(${escape(path)}\\): cannot create the collection with its options \\{"capped":true,"size":4096\\}: capped collections are not supported`));
  });
});
