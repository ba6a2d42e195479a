/**
 * Export: every chosen collection to `<dir>/<database>/<collection>.json` (canonical Extended
 * JSON, one document per line) beside its `.metadata.json` (options and indexes); see format.ts.
 *
 * Documents are streamed from a cursor to the file, so memory stays flat whatever the collection's
 * size. Each data file is written under a temporary name and renamed when complete, so a failed
 * export never leaves a truncated file that reads as a smaller collection. Collections are read
 * one after the other, not at one point in time: export from a server that is being written to
 * gives each collection as it was when it was read.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Document } from 'bson';
import type { Collection, MongoClient } from 'mongodb';
import { chooseDatabases, DatabaseSelection } from './databases';
import { messageOf, TransferError } from './errors';
import { CollectionMetadata, documentLine, DOCUMENTS_SUFFIX, EXACT_READ, fileName, indexSpecification, METADATA_SUFFIX, metadataText } from './format';

export interface ExportOptions extends DatabaseSelection {
  /** Created if missing; must be empty, so an export never mixes with other files. */
  directory: string;
  /** Called as each collection is done, for a summary line. */
  onCollection?: (collection: ExportedCollection) => void;
}

export interface ExportedCollection {
  database: string;
  collection: string;
  documents: number;
  /** Indexes besides `_id_`. */
  indexes: number;
  file: string;
}

export interface ExportResult {
  collections: ExportedCollection[];
  /** Collections not exported (views, time series), with why. */
  skipped: { namespace: string; reason: string }[];
  /** The internal databases found and left out (no includeUsers). */
  internalSkipped: string[];
  milliseconds: number;
}

/** The lines of a cursor, joined into chunks: one write per chunk instead of per document. */
const CHUNK_CHARACTERS = 1 << 20;
const BATCH_SIZE = 1000;

/**
 * The export's directory must be new or empty. Checked before the source database is opened (a
 * large data directory takes seconds to load), and again when writing starts.
 */
export async function checkExportTarget(directory: string): Promise<void> {
  try {
    const stats = await stat(directory);
    if (!stats.isDirectory()) throw new TransferError(`${directory} is a file: export writes a directory of <database>/<collection>.json files`);
    if ((await readdir(directory)).length > 0) {
      throw new TransferError(`${directory} is not empty: export into a new or empty directory, so its files do not mix with others (remove it to export there again)`);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      if (error instanceof TransferError) throw error;
      throw new TransferError(`cannot use ${directory}: ${messageOf(error)}`);
    }
  }
}

async function* lines(collection: Collection, counter: { documents: number }): AsyncGenerator<string> {
  let chunk = '';
  for await (const document of collection.find({}, { ...EXACT_READ, batchSize: BATCH_SIZE })) {
    chunk += documentLine(document);
    counter.documents++;
    if (chunk.length >= CHUNK_CHARACTERS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

async function exportCollection(client: MongoClient, database: string, name: string, options: Document, folder: string): Promise<ExportedCollection> {
  const collection = client.db(database).collection(name);
  const indexes = (await collection.listIndexes().toArray()).map(indexSpecification);
  const metadata: CollectionMetadata = { collectionName: name, type: 'collection', options, indexes };
  const base = join(folder, fileName(name));
  await writeFile(`${base}${METADATA_SUFFIX}`, metadataText(metadata));
  const file = `${base}${DOCUMENTS_SUFFIX}`;
  const partial = `${file}.partial`;
  const counter = { documents: 0 };
  try {
    await pipeline(Readable.from(lines(collection, counter)), createWriteStream(partial));
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw new TransferError(`${database}.${name}: export failed after ${counter.documents} documents: ${messageOf(error)}`);
  }
  return { database, collection: name, documents: counter.documents, indexes: indexes.filter((index) => index.name !== '_id_').length, file };
}

export async function exportData(client: MongoClient, options: ExportOptions): Promise<ExportResult> {
  const started = performance.now();
  const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
  const { chosen, internalSkipped } = chooseDatabases(databases.map((entry) => entry.name).sort(), options, 'the database', false);
  await checkExportTarget(options.directory);
  await mkdir(options.directory, { recursive: true });
  const result: ExportResult = { collections: [], skipped: [], internalSkipped, milliseconds: 0 };
  for (const { source: database } of chosen) {
    const infos = await client.db(database).listCollections({}, { nameOnly: false }).toArray();
    infos.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const folder = join(options.directory, fileName(database));
    for (const info of infos) {
      const namespace = `${database}.${info.name}`;
      // The server's own collections (system.views, system.profile…) are not data, and the seeder skips them too.
      if (info.name.startsWith('system.')) continue;
      const type = (info as { type?: string }).type ?? 'collection';
      if (type !== 'collection') {
        result.skipped.push({ namespace, reason: `a ${type === 'timeseries' ? 'time series collection' : type}, which export does not write` });
        continue;
      }
      await mkdir(folder, { recursive: true });
      const exported = await exportCollection(client, database, info.name, ((info as { options?: Document }).options ?? {}) as Document, folder);
      result.collections.push(exported);
      options.onCollection?.(exported);
    }
  }
  result.milliseconds = Math.round(performance.now() - started);
  return result;
}
