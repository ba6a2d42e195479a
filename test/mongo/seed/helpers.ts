/**
 * Shared by the seeding tests: a scratch directory per test file, BSON and JSON file writers, and
 * a mongodump archive writer that follows mongo-tools' format on its own (its CRC-64 is a plain
 * BigInt implementation, independent of the one under test), so the reader is checked against
 * archives built the way mongodump builds them.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BSON, Document, EJSON, Int32, Long } from 'bson';
import { connectMongo, ConnectedMongo } from '../../../emulator/mongo/connect';
import { seed, SeedProgress, SeedResult } from '../../../emulator/mongo/seed';

export class Scratch {
  readonly root = mkdtempSync(join(tmpdir(), 'seed-test-'));

  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }

  write(relative: string, content: string | Buffer): string {
    const path = this.path(relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    return path;
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** BSON bytes as a Buffer (BSON.serialize gives a Uint8Array). */
export function serialize(document: Document): Buffer {
  const bytes = BSON.serialize(document);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function bsonFile(documents: Document[]): Buffer {
  return Buffer.concat(documents.map(serialize));
}

export function ejsonLines(documents: Document[], relaxed: boolean): string {
  return documents.map((document) => EJSON.stringify(document, { relaxed })).join('\n') + '\n';
}

/** Go's hash/crc64 with the ECMA table, bit by bit. */
export function goCrc64(bytes: Uint8Array, crc = 0n): bigint {
  const poly = 0xc96c5795d7870f42n;
  let value = ~crc & 0xffffffffffffffffn;
  for (const byte of bytes) {
    value ^= BigInt(byte);
    for (let bit = 0; bit < 8; bit++) value = value & 1n ? (value >> 1n) ^ poly : value >> 1n;
  }
  return ~value & 0xffffffffffffffffn;
}

export interface ArchiveCollection {
  db: string;
  collection: string;
  /** The collection's metadata ({options, indexes, …}), written as canonical Extended JSON text. */
  metadata?: Document;
  type?: string;
  documents: Document[];
}

export interface ArchiveOptions {
  /** Documents per block; collections take turns block by block, as concurrent dumps interleave. */
  blockSize?: number;
  version?: string;
  /** Namespaces whose end-of-collection header carries a wrong CRC. */
  wrongCrc?: string[];
  gzip?: boolean;
}

const TERMINATOR = Buffer.from([0xff, 0xff, 0xff, 0xff]);

export function buildArchive(collections: ArchiveCollection[], options: ArchiveOptions = {}): Buffer {
  const parts: Buffer[] = [Buffer.from([0x6d, 0xe2, 0x99, 0x81])];
  parts.push(serialize({ concurrent_collections: new Int32(4), version: options.version ?? '0.1', server_version: '7.0.12', tool_version: '100.9.4' }));
  const encoded = collections.map((entry) => entry.documents.map(serialize));
  collections.forEach((entry, index) => {
    parts.push(serialize({
      db: entry.db,
      collection: entry.collection,
      metadata: entry.metadata ? EJSON.stringify(entry.metadata, { relaxed: false }) : '',
      size: new Int32(encoded[index].reduce((sum, bytes) => sum + bytes.length, 0)),
      type: entry.type ?? 'collection',
    }));
  });
  parts.push(TERMINATOR);
  const blockSize = options.blockSize ?? 1000;
  const cursors = collections.map(() => 0);
  const crcs = collections.map(() => 0n);
  for (let progressed = true; progressed; ) {
    progressed = false;
    collections.forEach((entry, index) => {
      const block = encoded[index].slice(cursors[index], cursors[index] + blockSize);
      if (block.length === 0) return;
      progressed = true;
      cursors[index] += block.length;
      parts.push(serialize({ db: entry.db, collection: entry.collection, EOF: false, CRC: Long.fromBigInt(0n) }), ...block, TERMINATOR);
      for (const bytes of block) crcs[index] = goCrc64(bytes, crcs[index]);
    });
  }
  collections.forEach((entry, index) => {
    const crc = options.wrongCrc?.includes(`${entry.db}.${entry.collection}`) ? crcs[index] ^ 1n : crcs[index];
    parts.push(serialize({ db: entry.db, collection: entry.collection, EOF: true, CRC: Long.fromBigInt(BigInt.asIntN(64, crc)) }), TERMINATOR);
  });
  const archive = Buffer.concat(parts);
  return options.gzip ? gzipSync(archive) : archive;
}

/** A server of its own per test file, and a seed() that records progress. */
export async function startServer(): Promise<ConnectedMongo> {
  return connectMongo();
}

export async function seedRecording(mongo: ConnectedMongo, spec: string, baseDirectory?: string): Promise<{ result: SeedResult; progress: SeedProgress[] }> {
  const progress: SeedProgress[] = [];
  const result = await seed(mongo.client, spec, { baseDirectory, onProgress: (event) => progress.push(event) });
  return { result, progress };
}

/** What seed() rejected with (a SeedError, for these tests), or undefined when it succeeded. */
export async function seedFailure(mongo: ConnectedMongo, spec: string, baseDirectory?: string): Promise<Error | undefined> {
  return seed(mongo.client, spec, { baseDirectory }).then(
    () => undefined,
    (error: Error) => error,
  );
}
