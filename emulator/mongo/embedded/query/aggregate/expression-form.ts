/**
 * The form aggregation expressions and stage specifications run in: every number is a BsonNumber,
 * like the numbers of stored documents.
 *
 * One representation matters because mingo compares values itself in many places ($in, $group keys,
 * $setUnion, $lookup joins, $bucket boundaries …): a plain 5 never equals a BsonNumber 5 there. So
 * literals become BsonNumbers once, when a pipeline is prepared; numbers that mingo's own operators
 * produce ($size, $indexOfArray …) are turned back into BsonNumbers as they leave the operator (see
 * operators/numeric-arguments.ts). BSON regular expressions become JavaScript RegExps, which is what
 * $regexMatch and friends take.
 */
import { BSONRegExp } from 'bson';
import { BsonNumber, isBsonNumber } from '../../values/bson-number';
import { bsonRegExpToRegExp, bsonType, Document, isPlainObject } from '../../values/forms';

export function toExpressionForm(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'number') return BsonNumber.fromNumber(value);
  if (typeof value === 'bigint') return BsonNumber.fromInteger(value, 'long');
  if (typeof value !== 'object' || isBsonNumber(value)) return value;
  const type = bsonType(value);
  if (type === 'Int32' || type === 'Double' || type === 'Long' || type === 'Decimal128') {
    return BsonNumber.fromBson(value as Parameters<typeof BsonNumber.fromBson>[0]);
  }
  if (value instanceof BSONRegExp) return bsonRegExpToRegExp(value);
  if (Array.isArray(value)) return value.map(toExpressionForm);
  if (isPlainObject(value)) {
    const result: Document = {};
    for (const key of Object.keys(value)) result[key] = toExpressionForm(value[key]);
    return result;
  }
  return value;
}

/**
 * A copy of a stored document that pipeline stages may change: mingo's $addFields and $unwind write
 * into nested objects of their input, and stored documents are shared with every cursor.
 */
export function copyDocument<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyDocument) as T;
  if (isPlainObject(value)) {
    const result: Document = {};
    for (const key of Object.keys(value)) result[key] = copyDocument(value[key]);
    return result as T;
  }
  return value;
}
