/** Helpers the update and findAndModify suites share. */
import { Collection, Document, MongoServerError } from 'mongodb';
import type { TestDatabase } from '../../helpers/database';

let counter = 0;

/**
 * Documents of any shape, with `_id`s of any type: the driver's default schema types `_id` as an
 * ObjectId and its update operators by field, which tests of every operator on every type defeat.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TestDocument = { _id?: number | string | boolean | object | null; [field: string]: any };

/** A fresh collection holding `documents`. */
export async function seeded(t: TestDatabase, documents: TestDocument[] = []): Promise<Collection<TestDocument>> {
  const collection = t.db.collection<TestDocument>(`c${++counter}`);
  if (documents.length > 0) await collection.insertMany(documents);
  return collection;
}

/** One document read back with every BSON type kept as its class (Int32, Double, Long, Decimal128). */
export async function raw(collection: Collection<TestDocument>, id: unknown): Promise<Document | null> {
  return collection.findOne({ _id: id as TestDocument['_id'] }, { promoteValues: false, promoteLongs: false });
}

/** The BSON class name of a value read with `raw` ("Int32", "Long", …), or its JavaScript type. */
export function bsonType(value: unknown): string {
  if (value === null) return 'null';
  const tag = (value as { _bsontype?: string } | undefined)?._bsontype;
  return tag ?? (Array.isArray(value) ? 'array' : typeof value);
}

/** The server error a promise rejects with. */
export async function serverError(promise: Promise<unknown>): Promise<MongoServerError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof MongoServerError)) throw new Error(`expected a MongoServerError, got ${String(error)}`);
  return error;
}
