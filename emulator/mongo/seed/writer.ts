/**
 * Writes what a source reads into the database through the driver: batches of `insertMany` with
 * `ordered: false`, progress after every batch, collection options before the data and indexes
 * after it (as mongorestore does: building an index once over loaded data is cheaper than keeping
 * it up to date through every insert).
 *
 * A document whose `_id` is already in the collection is left as it is and counted as seeded, as
 * mongorestore without --drop continues past duplicate keys; so seeding the same data twice (a
 * restart against a persistent database) is harmless. Any other write error stops seeding.
 */
import { Document, EJSON } from 'bson';
import { Collection, Db, MongoBulkWriteError, MongoClient, MongoServerError } from 'mongodb';
import { messageOf, SeedError } from './errors';

export interface SeedProgress {
  source: string;
  database: string;
  collection: string;
  /** Documents written so far (or found already there with the same `_id`). */
  inserted: number;
  /** Known up front for generated data; on a collection's last report always equal to `inserted`. */
  total?: number;
}

export interface SeededCollection {
  database: string;
  collection: string;
  documents: number;
  /** Indexes created, besides `_id_`. */
  indexes: number;
  /** Indexes the database refused as unsupported (the embedded engine has no text or geo indexes), with its reason. */
  skippedIndexes?: { name: string; reason: string }[];
}

export interface CollectionTarget {
  database: string;
  collection: string;
  /** Where the data comes from, for messages: a file, an archive, the generator. */
  origin: string;
  total?: number;
  /** Collection options from a dump's metadata. */
  options?: Document;
  /** Index specifications from a dump's metadata, `_id_` excluded. */
  indexes?: Document[];
}

const BATCH_SIZE = 1000;
const DUPLICATE_KEY = 11000;
const NAMESPACE_EXISTS = 48;
const CANNOT_CREATE_INDEX = 67;

export class SeedWriter {
  private readonly seeded: SeededCollection[] = [];

  constructor(
    private readonly client: MongoClient,
    private readonly source: string,
    private readonly onProgress?: (progress: SeedProgress) => void,
  ) {}

  async open(target: CollectionTarget): Promise<CollectionWriter> {
    const db = this.client.db(target.database);
    const options = target.options ?? {};
    if (Object.keys(options).length > 0) {
      try {
        await db.createCollection(target.collection, options);
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === NAMESPACE_EXISTS)) {
          throw new SeedError(`${target.database}.${target.collection} (${target.origin}): cannot create the collection with its options ${EJSON.stringify(options)}: ${messageOf(error)}`);
        }
      }
    }
    const entry: SeededCollection = { database: target.database, collection: target.collection, documents: 0, indexes: 0 };
    this.seeded.push(entry);
    return new CollectionWriter(db, target, entry, (inserted, total) =>
      this.onProgress?.({ source: this.source, database: target.database, collection: target.collection, inserted, total }),
    );
  }

  results(): SeededCollection[] {
    return this.seeded.map((entry) => ({ ...entry }));
  }
}

export class CollectionWriter {
  private batch: Document[] = [];
  private readonly collection: Collection;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly target: CollectionTarget,
    private readonly entry: SeededCollection,
    private readonly report: (inserted: number, total: number | undefined) => void,
  ) {
    this.collection = db.collection(target.collection);
    if (target.total !== 0) report(0, target.total);
  }

  private get namespace(): string {
    return `${this.target.database}.${this.target.collection}`;
  }

  /** Adds a document; true when a batch is full and the caller should `await flush()`. */
  push(document: Document): boolean {
    this.batch.push(document);
    return this.batch.length >= BATCH_SIZE;
  }

  async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    await this.write();
    // The collection's last report comes from close(), so "inserted === total" marks the end exactly once.
    if (this.target.total === undefined || this.entry.documents < this.target.total) this.report(this.entry.documents, this.target.total);
  }

  private async write(): Promise<void> {
    const batch = this.batch;
    this.batch = [];
    if (batch.length === 0) return;
    try {
      await this.collection.insertMany(batch, { ordered: false });
    } catch (error) {
      const problem = firstProblem(error);
      if (problem !== undefined) throw new SeedError(`${this.namespace} (${this.target.origin}): cannot insert documents: ${problem}`);
    }
    this.entry.documents += batch.length;
  }

  /** Writes the rest, builds the indexes, and reports the collection done. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.write();
    if (this.entry.documents === 0) await this.ensureExists();
    for (const spec of this.target.indexes ?? []) await this.createIndex(spec);
    this.report(this.entry.documents, this.entry.documents);
  }

  /** An empty collection in a dump is still a collection: create it, as mongorestore does. */
  private async ensureExists(): Promise<void> {
    try {
      await this.db.createCollection(this.target.collection);
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === NAMESPACE_EXISTS)) {
        throw new SeedError(`${this.namespace} (${this.target.origin}): cannot create the collection: ${messageOf(error)}`);
      }
    }
  }

  private async createIndex(raw: Document): Promise<void> {
    // `ns` (dumps before 4.4) names the source namespace, which servers since 4.4 refuse to be told.
    const { ns: _ns, dropDups: _dropDups, ...spec } = raw;
    const name = typeof spec.name === 'string' ? spec.name : EJSON.stringify(spec.key);
    try {
      await this.db.command({ createIndexes: this.target.collection, indexes: [spec] });
      this.entry.indexes++;
    } catch (error) {
      // The embedded engine refuses text and geospatial indexes by saying so; the data stays
      // useful without them (their queries are refused there anyway), so they are reported, not fatal.
      if (error instanceof MongoServerError && error.code === CANNOT_CREATE_INDEX && /not supported/i.test(error.message)) {
        (this.entry.skippedIndexes ??= []).push({ name, reason: error.message });
        return;
      }
      throw new SeedError(`${this.namespace} (${this.target.origin}): cannot create index ${name}: ${messageOf(error)}`);
    }
  }
}

/** The first write error that is not a duplicate `_id`, or undefined when all were duplicates. */
function firstProblem(error: unknown): string | undefined {
  if (error instanceof MongoBulkWriteError) {
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    if (writeErrors.length === 0 || error.err !== undefined) return error.message;
    const other = writeErrors.find((writeError) => writeError.code !== DUPLICATE_KEY);
    return other ? other.errmsg ?? `write error ${other.code}` : undefined;
  }
  return messageOf(error);
}
