/**
 * Writes that change nothing, for explaining them (`POST /_emulator/explain`): MongoDB has no
 * dry-run for writes and the embedded engine no transactions to abort, so the write runs, under
 * the same rules, on a scratch copy of the documents it can touch.
 *
 * The service is given a client whose app databases are scratch databases in the emulator's
 * namespace (`__app_services_dry_…`, which the app can never name and a reset never drops), while
 * collection handles keep reporting the real database and collection names: the rules are looked
 * up by those names (rules-operation.ts), so the write is judged exactly as the real one would be.
 * The internal database is not redirected (after-images.ts computes update results there).
 *
 * What is copied: the documents the request's filter matches (every document an update, replace
 * or delete could reach, since the rules' filters only narrow it), or those with the `_id`s an
 * insert gives, and the collection's indexes. A unique-index conflict with a document outside
 * that copy is the one outcome a dry run does not reproduce.
 */
import { randomBytes } from 'node:crypto';
import type { Collection, Db, Document, MongoClient } from 'mongodb';
import { internalDatabaseName, isInternalDatabase } from '../../mongo/internal';

const PROCESS_TAG = randomBytes(4).toString('hex');

export interface DryRunTarget {
  database: string;
  collection: string;
  /** Which of the collection's documents the write can reach. */
  reachable: Document;
}

interface DryRunClient {
  client: MongoClient;
  scratchNames: Map<string, string>;
  /** One dry run at a time per client: they share the scratch databases. */
  queue: Promise<unknown>;
}

const dryRunClients = new WeakMap<MongoClient, DryRunClient>();

/** A collection handle that does its work on `scratch` and answers to the real names. */
function renamed(scratch: Collection<Document>, database: string): Collection<Document> {
  return new Proxy(scratch, {
    get(target, property) {
      if (property === 'dbName') return database;
      if (property === 'namespace') return `${database}.${target.collectionName}`;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function redirectedDb(real: MongoClient, database: string, scratchName: string, options: unknown): Db {
  const db = real.db(scratchName, options as Parameters<MongoClient['db']>[1]);
  return new Proxy(db, {
    get(target, property) {
      if (property === 'databaseName') return database;
      if (property === 'collection') {
        return (name: string, collectionOptions?: Parameters<Db['collection']>[1]) => renamed(target.collection(name, collectionOptions), database);
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function dryRunClient(real: MongoClient, appId: string): DryRunClient {
  let known = dryRunClients.get(real);
  if (known) return known;
  const scratchNames = new Map<string, string>();
  const scratchName = (database: string) => {
    let name = scratchNames.get(database);
    if (!name) scratchNames.set(database, (name = `__app_services_dry_${PROCESS_TAG}_${scratchNames.size + 1}`));
    return name;
  };
  const client = new Proxy(real, {
    get(target, property) {
      if (property === 'db') {
        return (database: string, options?: unknown) =>
          database === undefined || isInternalDatabase(database) || database === internalDatabaseName(appId)
            ? target.db(database, options as Parameters<MongoClient['db']>[1])
            : redirectedDb(target, database, scratchName(database), options);
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  known = { client, scratchNames, queue: Promise.resolve() };
  dryRunClients.set(real, known);
  return known;
}

async function copyReachable(real: MongoClient, scratch: MongoClient, target: DryRunTarget): Promise<number> {
  const source = real.db(target.database).collection(target.collection);
  const copy = scratch.db(target.database).collection(target.collection);
  const indexes = await source.listIndexes().toArray().catch(() => [] as Document[]);
  const secondary = indexes.filter((index) => index.name !== '_id_').map(({ v: _version, ns: _namespace, ...index }) => index);
  if (secondary.length > 0) await copy.createIndexes(secondary as Parameters<Collection['createIndexes']>[0]);
  // Promoting nothing: the copy must hold the stored values, types and all.
  const documents = await source.find(target.reachable, { promoteValues: false, promoteLongs: false, promoteBuffers: false }).toArray();
  if (documents.length > 0) await copy.insertMany(documents);
  return documents.length;
}

export interface DryRunOutcome<T> {
  /** How `write` ended: its answer, or what it threw (a refusal is an outcome worth explaining). */
  settled: { ok: true; value: T } | { ok: false; error: unknown };
  /** Documents copied into the scratch collection. */
  copied: number;
}

/**
 * Runs `write` with a client on which `target`'s reachable documents are copies; the copies are
 * dropped afterwards. Rejects only when the copy itself fails.
 */
export function withDryRun<T>(real: MongoClient, appId: string, target: DryRunTarget, write: (client: MongoClient) => Promise<T>): Promise<DryRunOutcome<T>> {
  const dry = dryRunClient(real, appId);
  const run = async (): Promise<DryRunOutcome<T>> => {
    try {
      const copied = await copyReachable(real, dry.client, target);
      try {
        return { settled: { ok: true, value: await write(dry.client) }, copied };
      } catch (error) {
        return { settled: { ok: false, error }, copied };
      }
    } finally {
      await Promise.all([...dry.scratchNames.values()].map((name) => real.db(name).dropDatabase()));
    }
  };
  const result = dry.queue.then(run, run);
  dry.queue = result.catch(() => undefined);
  return result;
}
