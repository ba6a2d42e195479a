/**
 * The service form of functions/call: `{ service: "<data source>", name: "<operation>",
 * arguments: [{ database, collection, … }] }`, what realm-web's `user.mongoClient(…)` sends for
 * collection operations (REALM_WEB_CLIENT.md "MongoDB service", spec §6). It runs straight on the
 * rules-aware mongodb service as the calling user; no function worker is involved.
 *
 * Argument keys are the ones the SDKs send, one small entry per operation below. Two quirks are
 * kept on purpose: find/findOne send the projection as `project` (`projection` is read too), and
 * realm-web sends findOneAndDelete as a `findOneAndReplace` without `update`, which is therefore
 * run as findOneAndDelete.
 */
import type { Document } from 'mongodb';
import type { MongoService, ServiceCollection } from '../services/mongodb';
import { AppServicesError } from './errors';

type Arguments = Record<string, unknown>;
type Operation = (collection: ServiceCollection, args: Arguments) => Promise<unknown>;

const OPERATIONS: Record<string, Operation> = {
  find: (collection, args) =>
    collection.find(query(args, 'query'), spec(args.project ?? args.projection), { sort: sortOf(args), limit: count(args.limit, 'limit') }).toArray(),
  findOne: async (collection, args) => {
    const cursor = collection.find(query(args, 'query'), spec(args.project ?? args.projection), { sort: sortOf(args), limit: 1 });
    const [document] = await cursor.toArray();
    return document ?? null;
  },
  count: async (collection, args) => {
    // A count with a limit counts at most that many matches: the smaller of the two.
    const total = await collection.count(query(args, 'query'));
    const limit = count(args.limit, 'limit');
    return limit !== undefined && limit > 0 ? Math.min(total, limit) : total;
  },
  insertOne: (collection, args) => collection.insertOne(documentOf(args.document, 'document')),
  insertMany: (collection, args) => collection.insertMany(listOf(args.documents, 'documents').map((entry) => documentOf(entry, 'documents[]'))),
  updateOne: (collection, args) => collection.updateOne(query(args, 'query'), updateOf(args.update), updateOptions(args)),
  updateMany: (collection, args) => collection.updateMany(query(args, 'query'), updateOf(args.update), updateOptions(args)),
  deleteOne: (collection, args) => collection.deleteOne(query(args, 'query')),
  deleteMany: (collection, args) => collection.deleteMany(query(args, 'query')),
  aggregate: (collection, args) => collection.aggregate(listOf(args.pipeline, 'pipeline').map((stage) => documentOf(stage, 'pipeline[]'))).toArray(),
  distinct: (collection, args) => collection.distinct(text(args.field ?? args.key, 'field'), query(args, 'query')),
  findOneAndUpdate: (collection, args) => collection.findOneAndUpdate(query(args, 'filter'), updateOf(args.update), findAndModifyOptions(args)),
  findOneAndReplace: (collection, args) =>
    args.update === undefined
      ? collection.findOneAndDelete(query(args, 'filter'), { sort: sortOf(args), projection: spec(args.projection) })
      : collection.findOneAndReplace(query(args, 'filter'), documentOf(args.update, 'update'), findAndModifyOptions(args)),
  findOneAndDelete: (collection, args) => collection.findOneAndDelete(query(args, 'filter'), { sort: sortOf(args), projection: spec(args.projection) }),
};

/** Runs one operation of the service form; `service` is already made for the calling user. */
export async function callServiceOperation(service: MongoService, name: string, argumentList: unknown[]): Promise<unknown> {
  const operation = Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name] : undefined;
  if (!operation) {
    if (name === 'watch') {
      throw new AppServicesError(501, 'ServiceCommandNotFound', 'watch (change streams) is not served by the emulator');
    }
    throw AppServicesError.notFound(
      'ServiceCommandNotFound',
      `the ${service.name} service has no operation '${name}'; the operations are ${Object.keys(OPERATIONS).join(', ')}`,
    );
  }
  const args = argumentList[0];
  if (!isDocument(args)) throw invalid(`arguments[0] must be an object with "database" and "collection", got ${describe(args)}`);
  const collection = service.db(text(args.database, 'database')).collection(text(args.collection, 'collection'));
  return operation(collection, args);
}

function isDocument(value: unknown): value is Document {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

function invalid(message: string): AppServicesError {
  return AppServicesError.badRequest('InvalidParameter', message);
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object of another type' : `a ${typeof value}`;
}

function text(value: unknown, key: string): string {
  if (typeof value !== 'string' || value === '') throw invalid(`"${key}" must be a non-empty string, got ${describe(value)}`);
  return value;
}

function documentOf(value: unknown, key: string): Document {
  if (!isDocument(value)) throw invalid(`"${key}" must be a document, got ${describe(value)}`);
  return value;
}

/** A filter: absent means every document. */
function query(args: Arguments, key: string): Document {
  return args[key] === undefined || args[key] === null ? {} : documentOf(args[key], key);
}

function listOf(value: unknown, key: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(`"${key}" must be an array, got ${describe(value)}`);
  return value;
}

function updateOf(value: unknown): Document | Document[] {
  if (Array.isArray(value)) return value.map((stage) => documentOf(stage, 'update[]'));
  return documentOf(value, 'update');
}

/** An EJSON number (Int32, Double, Long) or a plain one, as a JavaScript number. */
function numeric(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value !== null && typeof value === 'object') {
    const boxed = value as { toNumber?: () => number; valueOf(): unknown };
    if (typeof boxed.toNumber === 'function') return boxed.toNumber();
    const primitive = boxed.valueOf();
    if (typeof primitive === 'number') return primitive;
  }
  return undefined;
}

function count(value: unknown, key: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const number = numeric(value);
  if (number === undefined || !Number.isInteger(number)) throw invalid(`"${key}" must be an integer, got ${describe(value)}`);
  return number;
}

/**
 * A projection or sort as plain numbers: SDKs send `{ "$numberInt": "0" }`, and an Int32(0)
 * object is truthy, which would turn an exclusion into an inclusion wherever it is tested.
 */
function spec(value: unknown): Document | undefined {
  if (value === undefined || value === null) return undefined;
  const document = documentOf(value, 'projection');
  const plain: Document = {};
  for (const [key, entry] of Object.entries(document)) plain[key] = isDocument(entry) ? spec(entry) : (numeric(entry) ?? entry);
  return plain;
}

function sortOf(args: Arguments): Document | undefined {
  return spec(args.sort);
}

function flag(value: unknown, key: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalid(`"${key}" must be true or false, got ${describe(value)}`);
  return value;
}

function updateOptions(args: Arguments): { upsert?: boolean; arrayFilters?: Document[] } {
  const arrayFilters = args.arrayFilters === undefined ? undefined : listOf(args.arrayFilters, 'arrayFilters').map((entry) => documentOf(entry, 'arrayFilters[]'));
  return { upsert: flag(args.upsert, 'upsert'), ...(arrayFilters ? { arrayFilters } : {}) };
}

function findAndModifyOptions(args: Arguments): { sort?: Document; projection?: Document; upsert?: boolean; returnNewDocument?: boolean } {
  return { sort: sortOf(args), projection: spec(args.projection), upsert: flag(args.upsert, 'upsert'), returnNewDocument: flag(args.returnNewDocument, 'returnNewDocument') };
}
