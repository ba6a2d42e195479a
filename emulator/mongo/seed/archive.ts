/**
 * Seeds from a `mongodump --archive` file, plain or gzipped (MongoDB's sample data ships as one).
 * The format, after mongo-tools' common/archive package:
 *
 *   magic number 0x8199e26d (little-endian: 6d e2 99 81)
 *   header document {version: "0.1", server_version, tool_version, concurrent_collections}
 *   prelude: one document per collection {db, collection, metadata (canonical EJSON text of
 *     {options, indexes, …}), size, type}, then the terminator 0xffffffff
 *   blocks, in any interleaving of collections: a namespace header {db, collection, EOF: false,
 *     CRC: 0}, documents, the terminator; a collection ends with {…, EOF: true, CRC} and a
 *     terminator, where CRC is the CRC-64 (ECMA) of all its documents' bytes.
 *
 * It is read as a stream, one block at a time; each collection keeps only its current batch.
 */
import { BSON, Document, EJSON } from 'bson';
import { BsonReader, TERMINATOR } from './bson-reader';
import { Crc64 } from './crc64';
import { messageOf, SeedError } from './errors';
import { openInput, readFailure } from './input';
import type { CollectionWriter, SeedWriter } from './writer';

const MAGIC = Buffer.from([0x6d, 0xe2, 0x99, 0x81]);
const SUPPORTED_VERSION = '0.1';

interface Namespace {
  database: string;
  collection: string;
  name: string;
  /** System collections and the oplog are read past, not restored. */
  skipped: boolean;
  /** A view has metadata and no documents. */
  view: boolean;
  target?: CollectionWriter;
  metadata: Document;
  crc: Crc64;
  closed: boolean;
}

function hex(bytes: Buffer): string {
  return `0x${Buffer.from(bytes).reverse().toString('hex')}`;
}

export async function seedArchive(path: string, writer: SeedWriter): Promise<void> {
  const { stream, gzip, close } = await openInput(path);
  try {
    await readArchive(new BsonReader(stream, path), path, gzip, writer);
  } catch (error) {
    throw readFailure(path, gzip, error);
  } finally {
    close();
  }
}

function decodeHeader(path: string, bytes: Buffer, at: number, what: string): Document {
  try {
    // useBigInt64: the CRC is a full 64-bit value that a JavaScript number would round.
    return BSON.deserialize(bytes, { useBigInt64: true });
  } catch (error) {
    throw new SeedError(`${path}: the ${what} at byte ${at} is not valid BSON: ${messageOf(error)}`);
  }
}

async function readArchive(reader: BsonReader, path: string, gzip: boolean, writer: SeedWriter): Promise<void> {
  const magic = await reader.bytes(4);
  if (!magic || !magic.equals(MAGIC)) {
    const found = magic ? hex(magic) : 'fewer than 4 bytes';
    throw new SeedError(`${path} is not a mongodump archive: it starts with ${found}${gzip ? ' once gunzipped' : ''}, not the archive magic number 0x8199e26d (a seed is a directory, a mongodump --archive file, or sample_training)`);
  }
  const headerAt = reader.offset;
  const headerBytes = await reader.next();
  if (!(headerBytes instanceof Buffer)) throw new SeedError(`${path}: the archive ends before its header`);
  const header = decodeHeader(path, headerBytes, headerAt, 'header');
  if (header.version !== SUPPORTED_VERSION) {
    throw new SeedError(`${path}: unsupported archive version ${JSON.stringify(header.version ?? null)} (this reader knows version ${SUPPORTED_VERSION}, which every mongodump so far writes)`);
  }

  const namespaces = new Map<string, Namespace>();
  for (;;) {
    const at = reader.offset;
    const bytes = await reader.next(true);
    if (bytes === TERMINATOR) break;
    if (bytes === undefined) throw new SeedError(`${path}: the archive ends inside its prelude (truncated)`);
    const entry = decodeHeader(path, bytes, at, 'prelude entry');
    namespaces.set(`${entry.db}.${entry.collection}`, preludeNamespace(entry, path));
  }

  // Collections are created (with their options) in prelude order, before any data arrives.
  for (const namespace of namespaces.values()) await openNamespace(namespace, writer, path);

  for (;;) {
    const at = reader.offset;
    const bytes = await reader.next(true);
    if (bytes === undefined) break;
    if (bytes === TERMINATOR) throw new SeedError(`${path}: two terminators in a row at byte ${at} (the archive is corrupt)`);
    const block = decodeHeader(path, bytes, at, 'block header');
    const name = `${block.db}.${block.collection}`;
    let namespace = namespaces.get(name);
    if (!namespace) {
      // Not announced in the prelude: restore it without metadata, as mongorestore does.
      namespace = preludeNamespace({ db: block.db, collection: block.collection }, path);
      namespaces.set(name, namespace);
      await openNamespace(namespace, writer, path);
    }
    if (namespace.closed) throw new SeedError(`${path}: data for ${name} after its end marker at byte ${at} (the archive is corrupt)`);
    await readBlock(reader, namespace, path);
    if (block.EOF === true) {
      namespace.closed = true;
      if (!namespace.skipped) {
        checkCrc(namespace, block.CRC, path);
        await namespace.target?.close();
      }
    }
  }

  const open = [...namespaces.values()].filter((namespace) => !namespace.closed && !namespace.skipped);
  const unfinished = open.filter((namespace) => !namespace.view).map((namespace) => namespace.name);
  if (unfinished.length > 0) throw new SeedError(`${path}: the archive ends before the data of ${unfinished.join(', ')} is complete (it is truncated)`);
  for (const namespace of open) await namespace.target?.close();
}

function preludeNamespace(entry: Document, path: string): Namespace {
  const name = `${entry.db}.${entry.collection}`;
  let metadata: Document = {};
  if (typeof entry.metadata === 'string' && entry.metadata !== '') {
    try {
      metadata = EJSON.parse(entry.metadata, { relaxed: false }) as Document;
    } catch (error) {
      throw new SeedError(`${path}: the metadata of ${name} is not valid Extended JSON: ${messageOf(error)}`);
    }
  }
  const options = (metadata.options ?? {}) as Document;
  if (entry.type === 'timeseries' || options.timeseries !== undefined) {
    throw new SeedError(`${path}: ${name} is a time series collection, which seeding does not restore; use mongorestore against a MongoDB server`);
  }
  const skipped = typeof entry.db !== 'string' || entry.db === '' || typeof entry.collection !== 'string' || entry.collection.startsWith('system.');
  const view = entry.type === 'view' || options.viewOn !== undefined;
  return { database: String(entry.db), collection: String(entry.collection), name, skipped, view, metadata, crc: new Crc64(), closed: false };
}

async function openNamespace(namespace: Namespace, writer: SeedWriter, path: string): Promise<void> {
  if (namespace.skipped) return;
  const indexes = Array.isArray(namespace.metadata.indexes) ? (namespace.metadata.indexes as Document[]).filter((index) => index.name !== '_id_') : [];
  namespace.target = await writer.open({
    database: namespace.database,
    collection: namespace.collection,
    origin: path,
    options: (namespace.metadata.options ?? {}) as Document,
    indexes,
  });
}

/** The documents of one block, up to its terminator, into the namespace's writer. */
async function readBlock(reader: BsonReader, namespace: Namespace, path: string): Promise<void> {
  for (;;) {
    const at = reader.offset;
    const bytes = await reader.next(true);
    if (bytes === TERMINATOR) return;
    if (bytes === undefined) throw new SeedError(`${path}: the archive ends inside the data of ${namespace.name} (it is truncated)`);
    if (namespace.skipped) continue;
    namespace.crc.update(bytes);
    const target = namespace.target as CollectionWriter;
    if (target.push(reader.decode(bytes, at))) await target.flush();
  }
}

function checkCrc(namespace: Namespace, expected: unknown, path: string): void {
  if (typeof expected !== 'bigint' || expected === 0n) return;
  const actual = namespace.crc.signed();
  if (actual !== expected) {
    throw new SeedError(`${path}: checksum mismatch for ${namespace.name} (the archive says ${expected}, its documents give ${actual}): the archive is corrupt`);
  }
}
