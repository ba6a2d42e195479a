/**
 * A system-only data source service on the driver: App Services' collection API (spec §5.3) for
 * callers that run as system, where rules do not apply, without loading the rules engine. The
 * runtime uses it when given SYSTEM_ONLY_SERVICE_MODULE (data-sources.ts) as its `serviceModule`;
 * a function running as a user gets an explicit error rather than unchecked access.
 */
import type { AggregationCursor, Collection, Db, Document, FindCursor, MongoClient } from 'mongodb';
import { isInternalDatabase } from '../mongo/internal';
import type { CreateServiceForWorker, DataSourceService } from './data-sources';

export const createServiceForWorker: CreateServiceForWorker = (client, _definition, dataSourceName, caller) => {
  if (!caller.runningAsSystem) {
    throw new Error(
      `data source "${dataSourceName}" cannot be used by a function running as a user: the function runtime was started ` +
        'with the system-only data source service (no rules engine); run the function as system, or start the runtime ' +
        'with the rules-aware service (serviceModule)',
    );
  }
  return new SystemDataSource(client);
};

class SystemDataSource implements DataSourceService {
  constructor(private readonly client: MongoClient) {}

  db(name: string): SystemDatabase {
    // The emulator's own database holds users and keys; not even system functions reach it.
    if (isInternalDatabase(String(name))) throw new Error(`database "${String(name)}" is reserved by the emulator`);
    return new SystemDatabase(this.client.db(String(name)));
  }

  admin(): { getDBNames(): Promise<string[]> } {
    return {
      getDBNames: async () => {
        const { databases } = await this.client.db('admin').admin().listDatabases({ nameOnly: true });
        return databases.map((database) => database.name).filter((name) => !isInternalDatabase(name));
      },
    };
  }
}

class SystemDatabase {
  constructor(private readonly db: Db) {}

  collection(name: string): SystemCollection {
    return new SystemCollection(this.db.collection(String(name)));
  }

  async getCollectionNames(): Promise<string[]> {
    return (await this.db.listCollections({}, { nameOnly: true }).toArray()).map((collection) => collection.name);
  }
}

type Options = Record<string, unknown> | undefined;

class SystemCollection {
  constructor(private readonly collection: Collection) {}

  find(query: Document = {}, projection?: Document, options?: Options): SystemCursor {
    return new SystemCursor(() => this.collection.find(query, { ...options, projection }));
  }

  findOne(query: Document = {}, projection?: Document, options?: Options): Promise<Document | null> {
    return this.collection.findOne(query, { ...options, projection });
  }

  aggregate(pipeline: Document[], options?: Options): SystemCursor {
    return new SystemCursor(() => this.collection.aggregate(pipeline, options));
  }

  count(query: Document = {}, options?: Options): Promise<number> {
    return this.collection.countDocuments(query, options);
  }

  distinct(field: string, query: Document = {}, options?: Options): Promise<unknown[]> {
    return this.collection.distinct(field, query, options ?? {});
  }

  async insertOne(document: Document): Promise<{ insertedId: unknown }> {
    const { insertedId } = await this.collection.insertOne(document);
    return { insertedId };
  }

  async insertMany(documents: Document[], options?: Options): Promise<{ insertedIds: unknown[] }> {
    const { insertedIds } = await this.collection.insertMany(documents, options);
    // App Services answers an array in input order, the driver a map keyed by index.
    return { insertedIds: documents.map((_document, index) => insertedIds[index]) };
  }

  updateOne(query: Document, update: Document, options?: Options): Promise<UpdateResult> {
    return this.collection.updateOne(query, update, options).then(updateResult);
  }

  updateMany(query: Document, update: Document, options?: Options): Promise<UpdateResult> {
    return this.collection.updateMany(query, update, options).then(updateResult);
  }

  async deleteOne(query: Document, options?: Options): Promise<{ deletedCount: number }> {
    return { deletedCount: (await this.collection.deleteOne(query, options)).deletedCount };
  }

  async deleteMany(query: Document, options?: Options): Promise<{ deletedCount: number }> {
    return { deletedCount: (await this.collection.deleteMany(query, options)).deletedCount };
  }

  findOneAndUpdate(query: Document, update: Document, options?: Options): Promise<Document | null> {
    return this.collection.findOneAndUpdate(query, update, findAndModifyOptions(options));
  }

  findOneAndReplace(query: Document, replacement: Document, options?: Options): Promise<Document | null> {
    return this.collection.findOneAndReplace(query, replacement, findAndModifyOptions(options));
  }

  findOneAndDelete(query: Document, options?: Options): Promise<Document | null> {
    return this.collection.findOneAndDelete(query, { ...options, includeResultMetadata: false });
  }

  async bulkWrite(operations: Parameters<Collection['bulkWrite']>[0], options?: Options): Promise<null> {
    await this.collection.bulkWrite(operations, options);
    return null;
  }
}

interface UpdateResult {
  matchedCount: number;
  modifiedCount: number;
  upsertedId?: unknown;
}

function updateResult(result: { matchedCount: number; modifiedCount: number; upsertedId: unknown }): UpdateResult {
  const shaped: UpdateResult = { matchedCount: result.matchedCount, modifiedCount: result.modifiedCount };
  if (result.upsertedId !== null && result.upsertedId !== undefined) shaped.upsertedId = result.upsertedId;
  return shaped;
}

/** App Services' `returnNewDocument` is the driver's `returnDocument: "after"`. */
function findAndModifyOptions(options: Options): Record<string, unknown> {
  const { returnNewDocument, ...rest } = options ?? {};
  return { ...rest, returnDocument: returnNewDocument ? 'after' : 'before', includeResultMetadata: false };
}

/** App Services' cursor: modifiers before the first read, then next()/toArray(). */
class SystemCursor {
  private cursor?: FindCursor | AggregationCursor;
  private readonly modifiers: Array<(cursor: FindCursor | AggregationCursor) => void> = [];

  constructor(private readonly open: () => FindCursor | AggregationCursor) {}

  skip(count: number): this {
    return this.modify((cursor) => cursor.skip(count));
  }

  limit(count: number): this {
    return this.modify((cursor) => cursor.limit(count));
  }

  sort(spec: Document): this {
    return this.modify((cursor) => (cursor as FindCursor).sort(spec));
  }

  next(): Promise<Document | null> {
    return this.opened().next();
  }

  hasNext(): Promise<boolean> {
    return this.opened().hasNext();
  }

  toArray(): Promise<Document[]> {
    return this.opened().toArray();
  }

  private modify(modifier: (cursor: FindCursor | AggregationCursor) => void): this {
    if (this.cursor) throw new Error('cursor modifiers (skip, limit, sort) must be applied before the first read');
    this.modifiers.push(modifier);
    return this;
  }

  private opened(): FindCursor | AggregationCursor {
    if (!this.cursor) {
      const cursor = this.open();
      for (const modifier of this.modifiers) modifier(cursor);
      this.cursor = cursor;
    }
    return this.cursor;
  }
}

// Functions reach these prototypes through the objects they get; frozen, no call can change
// them for the next one.
for (const type of [SystemDataSource, SystemDatabase, SystemCollection, SystemCursor]) Object.freeze(type.prototype);
