/**
 * What the user points export and import at: the database (exactly one of a URI and a data
 * directory) and the export's directory, each refused with a message that says what to give.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { EmbeddedMongoServer } from '../../../emulator/mongo/embedded/server';
import { exportData, importData, openDatabase, readExportDirectory, TransferError } from '../../../emulator/mongo/transfer';
import { AnyId, Scratch } from './helpers';

let scratch: Scratch;
beforeAll(() => {
  scratch = new Scratch();
});
afterAll(() => scratch.remove());

function message(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'no error',
    (error: Error) => {
      expect(error).toBeInstanceOf(TransferError);
      return error.message;
    },
  );
}

describe('the database', () => {
  it('wants exactly one of --mongodb and --data-dir', async () => {
    expect(await message(openDatabase({}, 'read'))).toMatch(/^which database\? Give --mongodb <uri> .* or --data-dir <dir>/);
    expect(await message(openDatabase({ mongodb: 'mongodb://127.0.0.1:1', dataDir: scratch.path() }, 'read'))).toMatch(/^give one database, not both/);
  });

  it('wants a MongoDB URI, and names an unreachable one without its password', async () => {
    expect(await message(openDatabase({ mongodb: 'embedded' }, 'read'))).toBe('--mongodb must be a mongodb:// or mongodb+srv:// URI; got "embedded"');
    const unreachable = await message(openDatabase({ mongodb: 'mongodb://me:secret@127.0.0.1:1/?serverSelectionTimeoutMS=500' }, 'read'));
    expect(unreachable).toMatch(/^could not connect to mongodb:\/\/me:\*\*\*@127\.0\.0\.1:1/);
    expect(unreachable).not.toContain('secret');
  });

  it('reads only an existing data directory, and writes a new or empty one', async () => {
    const missing = scratch.path('data');
    expect(await message(openDatabase({ dataDir: missing }, 'read'))).toBe(`--data-dir ${missing}: no such directory`);
    const other = scratch.path('not-data');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'mine');
    expect(await message(openDatabase({ dataDir: other }, 'read'))).toContain('is not a data directory (no snapshot-*.bson or journal-*.log files)');
    expect(await message(openDatabase({ dataDir: other }, 'write'))).toContain('give a data directory, a new path or an empty directory');

    const opened = await openDatabase({ dataDir: missing }, 'write');
    await opened.client.db('made').collection<AnyId>('here').insertOne({ _id: 1 });
    await opened.close();
    const reopened = await openDatabase({ dataDir: missing }, 'read');
    try {
      expect(await reopened.client.db('made').collection<AnyId>('here').findOne()).toEqual({ _id: 1 });
    } finally {
      await reopened.close();
    }
  });

  it('refuses a data directory a server is using', async () => {
    const directory = scratch.path('data');
    const server = new EmbeddedMongoServer({ dataDirectory: directory });
    await server.start();
    try {
      expect(await message(openDatabase({ dataDir: directory }, 'read'))).toContain(`the data directory ${directory} is already in use`);
    } finally {
      await server.stop();
    }
  });
});

describe('the export directory', () => {
  let client: MongoClient;
  let server: EmbeddedMongoServer;
  beforeAll(async () => {
    server = new EmbeddedMongoServer();
    client = await new MongoClient((await server.start()).uri).connect();
  });
  afterAll(async () => {
    await client.close();
    await server.stop();
  });

  it('export writes into a new or empty directory only', async () => {
    const full = scratch.path('full');
    mkdirSync(full);
    writeFileSync(join(full, 'keep.txt'), 'mine');
    expect(await message(exportData(client, { directory: full }))).toContain('is not empty: export into a new or empty directory');
    const file = join(full, 'keep.txt');
    expect(await message(exportData(client, { directory: file }))).toContain('is a file');
    const empty = scratch.path('empty');
    mkdirSync(empty);
    await expect(exportData(client, { directory: empty })).resolves.toMatchObject({ collections: [] });
  });

  it('import says when the directory does not exist, is not an export, or is a data directory', async () => {
    const missing = scratch.path('missing');
    expect(await message(importData(client, { directory: missing }))).toBe(`${missing} does not exist: give the directory export wrote`);
    const other = scratch.path('other');
    mkdirSync(join(other, 'pictures'), { recursive: true });
    writeFileSync(join(other, 'pictures', 'cat.png'), 'png');
    expect(await message(readExportDirectory(other))).toBe(
      `${other} is not an export: it holds no <database>/<collection>.json files (what export writes; mongoexport and mongodump directories are read too)`,
    );
    const dataDirectory = scratch.path('data');
    const engine = new EmbeddedMongoServer({ dataDirectory });
    await engine.start();
    await engine.stop();
    expect(await message(readExportDirectory(dataDirectory))).toContain('is a data directory, not an export');
  });

  it('import names the file and line of a malformed document', async () => {
    const directory = scratch.path('broken');
    mkdirSync(join(directory, 'shop'), { recursive: true });
    writeFileSync(join(directory, 'shop', 'items.json'), '{"_id":1}\n{"_id":2,\n');
    expect(await message(importData(client, { directory }))).toMatch(/^malformed JSON on line 2 of .*items\.json/);
  });
});
