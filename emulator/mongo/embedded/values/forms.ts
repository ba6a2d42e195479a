/**
 * The value layer between BSON and mingo: one place that decides how a value from the wire is held
 * by the engine, depending on where it is used.
 *
 *  - stored form: documents the engine keeps. Every number is a BsonNumber (exact value and type,
 *    comparable across numeric types); BSONRegExp stays a BSONRegExp so its flags survive.
 *  - filter form: query filters. Numbers are BsonNumbers so they compare with stored numbers;
 *    regular expressions become JavaScript RegExps, which is what mingo matches strings with.
 *    Inside `$expr` the subtree is in expression form.
 *  - expression form: aggregation expressions and pipeline specifications. Every number is a
 *    BsonNumber too: mingo compares values itself in many places ($in, $group keys, joins, $bucket
 *    boundaries), where a plain 5 never equals a BsonNumber 5. (mingo's own operators that need
 *    plain numbers get them through query/operators/numeric-arguments.ts.)
 *  - plain form: options and specifications (limit, batchSize, sort and projection specs, index
 *    keys): every number is a JavaScript number.
 *
 * The way out needs no walk: BsonNumber has `toBSON()`, which the BSON serializer calls.
 */
import { BSONRegExp, ObjectId } from 'bson';
import { BsonNumber, isBsonNumber } from './bson-number';

export type Document = Record<string, unknown>;

type NumericBson = { _bsontype: 'Int32' | 'Double' | 'Long' | 'Decimal128' };

/** The `_bsontype` tag the bson package puts on its classes (ObjectId, Binary, Long …). */
function bsonType(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? (value as { _bsontype?: string })._bsontype : undefined;
}

function isNumericBson(value: object): value is NumericBson & Parameters<typeof BsonNumber.fromBson>[0] {
  const type = bsonType(value);
  return type === 'Int32' || type === 'Double' || type === 'Long' || type === 'Decimal128';
}

export function isPlainObject(value: unknown): value is Document {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function mapContainer(value: unknown, convert: (inner: unknown) => unknown): unknown {
  if (Array.isArray(value)) return value.map(convert);
  const result: Document = {};
  for (const key of Object.keys(value as Document)) result[key] = convert((value as Document)[key]);
  return result;
}

// ---- stored form ------------------------------------------------------------------------------

export function toStoredValue(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'number') return BsonNumber.fromNumber(value);
  if (typeof value === 'bigint') return BsonNumber.fromInteger(value, 'long');
  if (typeof value !== 'object') return value;
  if (isBsonNumber(value)) return value;
  if (isNumericBson(value)) return BsonNumber.fromBson(value);
  if (value instanceof RegExp) return new BSONRegExp(value.source, regExpFlagsToBson(value.flags));
  if (Array.isArray(value) || isPlainObject(value)) return mapContainer(value, toStoredValue);
  return value;
}

export function toStoredDocument(document: Document): Document {
  return toStoredValue(document) as Document;
}

// ---- filter form ------------------------------------------------------------------------------

export function toFilterValue(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'number') return BsonNumber.fromNumber(value);
  if (typeof value !== 'object') return value;
  if (isBsonNumber(value)) return value;
  if (isNumericBson(value)) return BsonNumber.fromBson(value);
  if (value instanceof BSONRegExp) return bsonRegExpToRegExp(value);
  if (Array.isArray(value)) return value.map(toFilterValue);
  if (isPlainObject(value)) {
    const result: Document = {};
    for (const key of Object.keys(value)) {
      if (key === '$expr') result[key] = toExpressionValue(value[key]);
      else if (key === '$jsonSchema' || key === '$comment') result[key] = toPlainValue(value[key]);
      else result[key] = toFilterValue(value[key]);
    }
    return result;
  }
  return value;
}

export function toFilter(filter: Document | undefined): Document {
  return filter === undefined ? {} : (toFilterValue(filter) as Document);
}

// ---- expression form --------------------------------------------------------------------------

export function toExpressionValue(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'number') return BsonNumber.fromNumber(value);
  if (typeof value === 'bigint') return BsonNumber.fromInteger(value, 'long');
  if (typeof value !== 'object' || isBsonNumber(value)) return value;
  if (isNumericBson(value)) return BsonNumber.fromBson(value);
  if (value instanceof BSONRegExp) return bsonRegExpToRegExp(value);
  if (Array.isArray(value) || isPlainObject(value)) return mapContainer(value, toExpressionValue);
  return value;
}

/**
 * A copy of a stored document that pipeline stages may write into: mingo's $addFields and $unwind
 * change nested objects of their input, and stored documents are shared with every cursor.
 */
export function copyDocument<T>(value: T): T {
  return Array.isArray(value) || isPlainObject(value) ? (mapContainer(value, copyDocument) as T) : value;
}

// ---- plain form -------------------------------------------------------------------------------

export function toPlainValue(value: unknown): unknown {
  if (value === null || value === undefined || typeof value !== 'object') return value;
  if (isBsonNumber(value)) return value.toNumber();
  if (isNumericBson(value)) return BsonNumber.fromBson(value).toNumber();
  if (value instanceof BSONRegExp) return bsonRegExpToRegExp(value);
  if (Array.isArray(value) || isPlainObject(value)) return mapContainer(value, toPlainValue);
  return value;
}

// ---- regular expressions ----------------------------------------------------------------------

/** BSON regex options (imxslu) → JavaScript flags. `x` (extended) has no JS flag: its whitespace and comments are stripped. */
export function bsonRegExpToRegExp(value: BSONRegExp): RegExp {
  let pattern = value.pattern;
  let flags = '';
  for (const option of value.options) {
    if (option === 'i' || option === 'm' || option === 's') flags += option;
    else if (option === 'u') flags += 'u';
  }
  if (value.options.includes('x')) pattern = stripExtendedSyntax(pattern);
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    throw new RegexError(`Regular expression is invalid: ${(error as Error).message}`);
  }
}

export class RegexError extends Error {}

function regExpFlagsToBson(flags: string): string {
  return [...flags].filter((flag) => 'imsu'.includes(flag)).sort().join('');
}

function stripExtendedSyntax(pattern: string): string {
  let result = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      result += char + (pattern[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (char === ']') inClass = false;
      result += char;
    } else if (char === '[') {
      inClass = true;
      result += char;
    } else if (char === '#') {
      while (i < pattern.length && pattern[i] !== '\n') i++;
    } else if (!/\s/.test(char)) {
      result += char;
    }
  }
  return result;
}

// ---- small helpers used across the engine -----------------------------------------------------

export function isObjectId(value: unknown): value is ObjectId {
  return bsonType(value) === 'ObjectId';
}

export { bsonType };
