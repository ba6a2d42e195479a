/**
 * What an update would make of a document, computed by the database itself before anything is
 * written, so that write rules can judge `%%root` (after) against `%%prevRoot` (before).
 *
 * The candidates are copied into a scratch collection in the emulator's own database, the update
 * runs there (same operators, same positional and arrayFilters semantics, same errors — it is the
 * same server), and the results are read back. This needs nothing but the driver, so it works the
 * same on the embedded engine, a mongod and Atlas; the app's collection is untouched until the
 * rules have allowed each document. Scratch collections are pooled per client and emptied after
 * each use; their names carry a random part per process, so several emulator processes sharing a
 * cluster never share one.
 */
import { randomBytes } from 'node:crypto';
import type { Collection, Document, MongoClient, UpdateFilter } from 'mongodb';
import { internalDatabaseName } from '../../mongo/internal';
import { EXACT_VALUES, idKey } from './documents';

const PROCESS_TAG = randomBytes(4).toString('hex');
const idle = new WeakMap<MongoClient, string[]>();
let created = 0;

async function withScratch<T>(client: MongoClient, appId: string, use: (scratch: Collection<Document>) => Promise<T>): Promise<T> {
  let pool = idle.get(client);
  if (!pool) idle.set(client, (pool = []));
  const name = pool.pop() ?? `rules_preview_${PROCESS_TAG}_${++created}`;
  const scratch = client.db(internalDatabaseName(appId)).collection<Document>(name);
  try {
    return await use(scratch);
  } finally {
    await scratch.deleteMany({});
    pool.push(name);
  }
}

export type Change = { kind: 'update'; update: UpdateFilter<Document> | Document[] } | { kind: 'replace'; replacement: Document };

export interface ChangeOptions {
  arrayFilters?: Document[];
}

/** The query that picks one candidate again in the scratch collection, positional matches intact. */
function pinned(id: unknown, query: Document): Document {
  return Object.keys(query).length === 0 ? { _id: id } : { $and: [{ _id: id }, query] };
}

/**
 * The documents `change` would make of `before` (each matched by `query`, the operation's merged
 * query), keyed by idKey(_id). A document the change leaves as it was maps to an equal document.
 */
export async function afterImages(
  client: MongoClient,
  appId: string,
  before: Document[],
  query: Document,
  change: Change,
  options: ChangeOptions = {},
): Promise<Map<string, Document>> {
  if (before.length === 0) return new Map();
  return withScratch(client, appId, async (scratch) => {
    await scratch.insertMany(before.map((document) => ({ ...document })));
    if (change.kind === 'replace') {
      await scratch.replaceOne(pinned(before[0]._id, query), change.replacement);
    } else if (before.length === 1) {
      await scratch.updateOne(pinned(before[0]._id, query), change.update, { arrayFilters: options.arrayFilters });
    } else {
      const ids = before.map((document) => document._id);
      await scratch.updateMany({ $and: [{ _id: { $in: ids } }, query] }, change.update, { arrayFilters: options.arrayFilters });
    }
    const after = await scratch.find({}, EXACT_VALUES).toArray();
    return new Map(after.map((document) => [idKey(document._id), document]));
  });
}

/** The document an upsert would insert when nothing matches `query`. */
export async function upsertImage(
  client: MongoClient,
  appId: string,
  query: Document,
  change: Change,
  options: ChangeOptions = {},
): Promise<Document | undefined> {
  return withScratch(client, appId, async (scratch) => {
    if (change.kind === 'replace') await scratch.replaceOne(query, change.replacement, { upsert: true });
    else await scratch.updateOne(query, change.update, { upsert: true, arrayFilters: options.arrayFilters });
    return (await scratch.findOne({}, EXACT_VALUES)) ?? undefined;
  });
}
