/**
 * Import: reads an export directory (or any mongoexport / mongodump directory the seeder reads)
 * and writes each collection through the driver in batches of 1,000, the file read line by line,
 * then creates its indexes (once, over the loaded data, as mongorestore does).
 *
 * Nothing already in the database is lost silently. The modes:
 *  - insert (default): a document whose `_id` is already in the collection is not written; it is
 *    counted as a duplicate, and the import reports the collection as failed (exit code 1);
 *  - upsert: a document replaces the one with its `_id`, others are inserted;
 *  - drop: each collection in the export is dropped first, then loaded (with either mode).
 * Any other refused document (a unique index, a document too large) is counted and reported too.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Document, EJSON } from 'bson';
import { AnyBulkWriteOperation, Collection, Db, MongoBulkWriteError, MongoClient, MongoServerError, WriteError } from 'mongodb';
import { SeedError } from '../seed';
import { isDataDirectory } from './connection';
import { ChosenDatabase, chooseDatabases, DatabaseSelection } from './databases';
import { messageOf, TransferError } from './errors';
import { collectionDocuments, CollectionFiles, indexSpecification, listExportDirectory, readMetadata } from './format';

export type ImportMode = 'insert' | 'upsert';
export const IMPORT_MODES: readonly ImportMode[] = ['insert', 'upsert'];

export interface ImportOptions extends DatabaseSelection {
  directory: string;
  mode?: ImportMode;
  /** Drop each collection of the export before loading it. */
  drop?: boolean;
  onCollection?: (collection: ImportedCollection) => void;
}

export interface ImportedCollection {
  database: string;
  collection: string;
  /** The data file read (or the metadata file, for a collection with no data file). */
  file: string;
  inserted: number;
  /** Upsert mode: documents that replaced the one with their `_id`. */
  replaced: number;
  /** Insert mode: documents not written because their `_id` was already in the collection. */
  duplicates: number;
  /** The first duplicate's `_id`, as canonical Extended JSON, for the message. */
  firstDuplicate?: string;
  /** Documents refused for another reason. */
  refused: number;
  /** What went wrong, a line each: refused documents (first message of each kind), indexes. */
  problems: string[];
  /** Indexes created, besides `_id_`. */
  indexes: number;
  /** Indexes the database does not support (the embedded engine: text, geo), with its reason. */
  skippedIndexes: { name: string; reason: string }[];
}

export interface ImportResult {
  collections: ImportedCollection[];
  skipped: { namespace: string; reason: string }[];
  internalSkipped: string[];
  milliseconds: number;
}

/** Whether an imported collection needs the user's attention (exit code 1). */
export function hasProblems(collection: ImportedCollection): boolean {
  return collection.duplicates > 0 || collection.refused > 0 || collection.problems.length > 0;
}

const BATCH_SIZE = 1000;
const NAMESPACE_NOT_FOUND = 26;
const NAMESPACE_EXISTS = 48;
const CANNOT_CREATE_INDEX = 67;
const DUPLICATE_KEY = 11000;
/** Distinct refusal messages kept per collection: enough to act on, not a flood. */
const MAX_PROBLEMS = 5;

export interface ExportContents {
  /** The databases chosen, each with its collections' files. */
  databases: (ChosenDatabase & { collections: Map<string, CollectionFiles> })[];
  internalSkipped: string[];
}

/**
 * What an import of this directory would load, or a TransferError saying what is wrong: the
 * directory, or the databases asked for. The command calls it before opening the target, so a
 * mistyped path or name changes nothing (not even creating a new data directory).
 */
export async function readExportDirectory(directory: string, selection: DatabaseSelection = {}): Promise<ExportContents> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(directory)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new TransferError(`${directory} does not exist: give the directory export wrote`);
    throw new TransferError(`cannot read ${directory}: ${messageOf(error)}`);
  }
  if (!isDirectory) throw new TransferError(`${directory} is not a directory: give the directory export wrote (<database>/<collection>.json files)`);
  // Its snapshot-<n>.bson would otherwise read as a collection of a one-database dump.
  if (isDataDirectory(directory)) {
    throw new TransferError(`${directory} is a data directory, not an export: export it first (export <dir> --data-dir ${directory}), or serve it with --data-dir`);
  }
  const appConfig = APP_CONFIG_FILES.find((name) => existsSync(join(directory, name)));
  if (appConfig) throw new TransferError(`${directory} is an App Services app directory (it has ${appConfig}), not an export: give the directory export wrote`);
  try {
    const databases = await listExportDirectory(directory);
    if (databases.length === 0) {
      throw new TransferError(
        `${directory} is not an export: it holds no <database>/<collection>.json files (what export writes; mongoexport and mongodump directories are read too)`,
      );
    }
    const files = new Map(databases);
    const { chosen, internalSkipped } = chooseDatabases([...files.keys()], selection, directory, true);
    const contents = { databases: chosen.map((database) => ({ ...database, collections: files.get(database.source) ?? new Map() })), internalSkipped };
    for (const database of contents.databases) for (const collection of database.collections.values()) await checkFiles(collection);
    return contents;
  } catch (error) {
    // The seeder's readers say which file and which line is malformed.
    throw error instanceof SeedError ? new TransferError(error.message) : error;
  }
}

/**
 * What `realm-cli pull` / `appservices pull` write at the top of an app: not data. (Legacy apps'
 * `config.json` is left out: it is also the file of a collection named "config". checkFiles
 * refuses it anyway, a pretty-printed object not being a document per line.)
 */
const APP_CONFIG_FILES = ['root_config.json', 'realm_config.json', 'stitch.json'];

/**
 * Reads each metadata file and each data file's first document, so a directory that only looks
 * like an export (other JSON files) is refused before anything is written.
 */
async function checkFiles(files: CollectionFiles): Promise<void> {
  if (files.metadata) await readMetadata(files.metadata);
  const documents = collectionDocuments(files);
  await documents.next();
  await documents.return(undefined);
}

function writeErrorsOf(error: MongoBulkWriteError): WriteError[] {
  return ([] as WriteError[]).concat(error.writeErrors);
}

/** A duplicate on the `_id_` index; one on another unique index is a refusal of its own. */
function isDuplicateId(writeError: WriteError): boolean {
  return writeError.code === DUPLICATE_KEY && / index: _id_ /.test(writeError.errmsg ?? '');
}

class CollectionImporter {
  private batch: Document[] = [];

  constructor(
    private readonly collection: Collection,
    private readonly mode: ImportMode,
    readonly entry: ImportedCollection,
  ) {}

  /** Adds a document; writes the batch when it is full. */
  async push(document: Document): Promise<void> {
    this.batch.push(document);
    if (this.batch.length >= BATCH_SIZE) await this.flush();
  }

  async flush(): Promise<void> {
    const batch = this.batch;
    this.batch = [];
    if (batch.length === 0) return;
    try {
      if (this.mode === 'insert') {
        this.entry.inserted += (await this.collection.insertMany(batch, { ordered: false })).insertedCount;
      } else {
        const result = await this.collection.bulkWrite(batch.map(upsertOperation), { ordered: false });
        this.count(result.insertedCount + result.upsertedCount, result.matchedCount);
      }
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError) || error.writeConcernError !== undefined) {
        throw new TransferError(`${this.namespace}: import failed after ${this.entry.inserted + this.entry.replaced} documents: ${messageOf(error)}`);
      }
      this.count(error.insertedCount + error.upsertedCount, error.matchedCount);
      for (const writeError of writeErrorsOf(error)) this.refused(writeError, batch);
    }
  }

  private get namespace(): string {
    return `${this.entry.database}.${this.entry.collection}`;
  }

  private count(inserted: number, replaced: number): void {
    this.entry.inserted += inserted;
    this.entry.replaced += replaced;
  }

  private refused(writeError: WriteError, batch: Document[]): void {
    if (this.mode === 'insert' && isDuplicateId(writeError)) {
      this.entry.duplicates++;
      this.entry.firstDuplicate ??= EJSON.stringify(batch[writeError.index]?._id, { relaxed: false });
      return;
    }
    this.entry.refused++;
    const message = writeError.errmsg ?? `write error ${writeError.code}`;
    if (this.entry.problems.length < MAX_PROBLEMS && !this.entry.problems.includes(message)) this.entry.problems.push(message);
  }
}

function upsertOperation(document: Document): AnyBulkWriteOperation {
  if (document._id === undefined) return { insertOne: { document } };
  return { replaceOne: { filter: { _id: document._id }, replacement: document, upsert: true } };
}

async function dropCollection(db: Db, name: string): Promise<void> {
  try {
    await db.dropCollection(name);
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === NAMESPACE_NOT_FOUND)) throw error;
  }
}

async function tryCreateCollection(db: Db, name: string, options: Document): Promise<void> {
  try {
    await db.createCollection(name, options);
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === NAMESPACE_EXISTS)) throw error;
  }
}

/**
 * Creates the collection with its options; one already there is fine. Options the database
 * refuses (the embedded engine has no validators, capped collections or locale collations, which
 * an Atlas export may carry) are reported and the data is loaded without them, rather than not
 * at all.
 */
async function createCollection(db: Db, entry: ImportedCollection, options: Document): Promise<void> {
  try {
    await tryCreateCollection(db, entry.collection, options);
    return;
  } catch (error) {
    if (Object.keys(options).length === 0) throw new TransferError(`${db.databaseName}.${entry.collection}: cannot create the collection: ${messageOf(error)}`);
    entry.problems.push(`collection options ${EJSON.stringify(options)} not applied (${messageOf(error)}); the documents were loaded without them`);
  }
  try {
    await tryCreateCollection(db, entry.collection, {});
  } catch (error) {
    throw new TransferError(`${db.databaseName}.${entry.collection}: cannot create the collection: ${messageOf(error)}`);
  }
}

async function createIndexes(db: Db, entry: ImportedCollection, indexes: Document[]): Promise<void> {
  for (const raw of indexes) {
    if (raw.name === '_id_') continue;
    const specification = indexSpecification(raw);
    const name = typeof specification.name === 'string' ? specification.name : EJSON.stringify(specification.key);
    try {
      await db.command({ createIndexes: entry.collection, indexes: [specification] });
      entry.indexes++;
    } catch (error) {
      // The embedded engine has no text or geospatial indexes and says so; the data is still useful.
      if (error instanceof MongoServerError && error.code === CANNOT_CREATE_INDEX && /not supported/i.test(error.message)) {
        entry.skippedIndexes.push({ name, reason: error.message });
      } else {
        entry.problems.push(`index ${name}: ${messageOf(error)}`);
      }
    }
  }
}

async function importCollection(client: MongoClient, database: string, name: string, files: CollectionFiles, options: ImportOptions): Promise<ImportedCollection | { skipped: string }> {
  const metadata = files.metadata ? await readMetadata(files.metadata) : {};
  const collectionOptions = (metadata.options ?? {}) as Document;
  if (metadata.type === 'view' || collectionOptions.viewOn !== undefined) return { skipped: 'a view, which import does not create' };
  if (metadata.type === 'timeseries' || collectionOptions.timeseries !== undefined) return { skipped: 'a time series collection, which import does not create' };
  const collection = typeof metadata.collectionName === 'string' ? metadata.collectionName : name;
  const db = client.db(database);
  const entry: ImportedCollection = {
    database,
    collection,
    file: files.data?.path ?? (files.metadata as string),
    inserted: 0,
    replaced: 0,
    duplicates: 0,
    refused: 0,
    problems: [],
    indexes: 0,
    skippedIndexes: [],
  };
  if (options.drop) await dropCollection(db, collection);
  await createCollection(db, entry, collectionOptions);
  const importer = new CollectionImporter(db.collection(collection), options.mode ?? 'insert', entry);
  for await (const document of collectionDocuments(files)) await importer.push(document);
  await importer.flush();
  await createIndexes(db, entry, Array.isArray(metadata.indexes) ? (metadata.indexes as Document[]) : []);
  return entry;
}

export async function importData(client: MongoClient, options: ImportOptions): Promise<ImportResult> {
  const started = performance.now();
  if (options.mode !== undefined && !IMPORT_MODES.includes(options.mode)) {
    throw new TransferError(`--mode must be ${IMPORT_MODES.join(' or ')}; got "${options.mode}"`);
  }
  const contents = await readExportDirectory(options.directory, options);
  const result: ImportResult = { collections: [], skipped: [], internalSkipped: contents.internalSkipped, milliseconds: 0 };
  try {
    for (const { target, collections } of contents.databases) {
      for (const [name, collectionFiles] of collections) {
        const imported = await importCollection(client, target, name, collectionFiles, options);
        if ('skipped' in imported) {
          result.skipped.push({ namespace: `${target}.${name}`, reason: imported.skipped });
          continue;
        }
        result.collections.push(imported);
        options.onCollection?.(imported);
      }
    }
  } catch (error) {
    // The seeder's readers say which file and which line is malformed.
    if (error instanceof SeedError) throw new TransferError(error.message);
    throw error;
  }
  result.milliseconds = Math.round(performance.now() - started);
  return result;
}
