/**
 * The fields of Data API request bodies (APP_SERVICES.md §3.2) as zod schemas, and their failures
 * as App Services errors naming the field: a required field that is absent is 400
 * `MissingParameter` ("\"database\" is required by find"), a field of the wrong type or out of range
 * is 400 `InvalidParameter` ("\"filter\" must be a document (a JSON object), not a string"). The
 * older docs answer both with 400; the codes are the SDKs' names for them (§8). Unknown fields are
 * ignored, as App Services' decoder ignored them.
 */
import { BSON } from 'bson';
import type { Document } from 'mongodb';
import { z } from 'zod';
import { bsonTypeOf, isPlainDocument } from '../../rules/values';
import { AppServicesError } from '../errors';
import { describeValue } from './body';

/** The message of a required field that is absent; turned into MissingParameter. */
const MISSING = 'is required';

function expecting(what: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? MISSING : `must be ${what}, not ${describeValue(issue.input)}`);
}

const NUMERIC_TYPES = new Set(['Int32', 'Double', 'Long', 'Decimal128']);

/** A number as a plain JS number, whichever BSON type the body gave it (`{"$numberInt": "5"}`, an EJSON `5.0`). */
function plainNumber(value: unknown): unknown {
  const type = bsonTypeOf(value);
  return type !== undefined && NUMERIC_TYPES.has(type) ? Number(String(value)) : value;
}

/**
 * Projections and sorts with plain numbers: the service and the driver read `{_id: 0}` and
 * `{name: -1}` as numbers, and a body decoded with exact types holds Int32 wrappers there.
 */
function withPlainNumbers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withPlainNumbers);
  if (isPlainDocument(value)) return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, withPlainNumbers(field)]));
  return plainNumber(value);
}

export const name = z.string({ error: expecting('a string') }).min(1, { error: 'must not be empty' });

/** MongoDB's largest document (and command); the driver fails on larger ones with a bare RangeError. */
const MAX_BSON_BYTES = 16 * 1024 * 1024;

export const document = z
  .custom<Document>(isPlainDocument, { error: expecting('a document (a JSON object)') })
  .refine((value) => BSON.calculateObjectSize(value) <= MAX_BSON_BYTES, { error: "is larger than 16 MB as BSON, MongoDB's limit for one document" });

/** A projection or sort: a document whose numbers are plain numbers. */
export const numericDocument = document.transform((value) => withPlainNumbers(value) as Document);

export const documentList = z.array(document, { error: expecting('an array of documents') });

/** An update: operators (`{"$set": …}`) or an aggregation pipeline (an array of stages). */
export const update = z.custom<Document | Document[]>(
  (value) => isPlainDocument(value) || (Array.isArray(value) && value.every(isPlainDocument)),
  { error: expecting('an update document or a pipeline (an array of stage documents)') },
);

export const flag = z.boolean({ error: expecting('true or false') });

/** A whole number from `min` to `max`, in any numeric BSON type. */
export function count(min: number, max: number, why = '') {
  return z.preprocess(
    plainNumber,
    z
      .number({ error: expecting('a number') })
      .int({ error: 'must be a whole number' })
      .min(min, { error: `must be at least ${min}` })
      .max(max, { error: `must be at most ${max}${why}` }),
  );
}

/** The fields every action has: where the operation runs. */
export const namespace = { dataSource: name, database: name, collection: name };

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`)).join('');
}

/** The body as the schema's typed value, or the first failure as MissingParameter / InvalidParameter. */
export function validateBody<T>(schema: z.ZodType<T>, body: Record<string, unknown>, action: string): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = fieldPath(issue.path);
  if (issue.message === MISSING) throw AppServicesError.badRequest('MissingParameter', `"${field}" is required by ${action}`);
  throw AppServicesError.badRequest('InvalidParameter', `"${field}" ${issue.message}`);
}
