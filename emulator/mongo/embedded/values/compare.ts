/**
 * BSON comparison order, as MongoDB sorts and compares values of different types:
 * MinKey < null < numbers < strings < objects < arrays < binary < ObjectId < booleans < dates
 *   < timestamps < regular expressions < MaxKey.
 * Numbers of every type compare by value; strings compare by code point (the order of their UTF-8
 * bytes); objects compare field by field (type, then name, then value), in field order.
 */
import { asNumber } from './arithmetic';
import { BsonNumber, isBsonNumber } from './bson-number';
import { bsonType, isPlainObject } from './forms';

const enum TypeRank {
  MinKey = 1,
  Null = 2,
  Number = 3,
  String = 4,
  Object = 5,
  Array = 6,
  Binary = 7,
  ObjectId = 8,
  Boolean = 9,
  Date = 10,
  Timestamp = 11,
  RegExp = 12,
  Code = 13,
  MaxKey = 14,
}

export function typeRank(value: unknown): number {
  if (value === null || value === undefined) return TypeRank.Null;
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return TypeRank.Number;
    case 'string':
      return TypeRank.String;
    case 'boolean':
      return TypeRank.Boolean;
    case 'object':
      break;
    default:
      return TypeRank.Code;
  }
  if (isBsonNumber(value)) return TypeRank.Number;
  if (Array.isArray(value)) return TypeRank.Array;
  if (value instanceof Date) return TypeRank.Date;
  if (value instanceof RegExp) return TypeRank.RegExp;
  if (isPlainObject(value)) return TypeRank.Object;
  switch (bsonType(value)) {
    case 'ObjectId':
      return TypeRank.ObjectId;
    case 'Binary':
      return TypeRank.Binary;
    case 'Timestamp':
      return TypeRank.Timestamp;
    case 'BSONRegExp':
      return TypeRank.RegExp;
    case 'MinKey':
      return TypeRank.MinKey;
    case 'MaxKey':
      return TypeRank.MaxKey;
    case 'BSONSymbol':
      return TypeRank.String;
    case 'Int32':
    case 'Double':
    case 'Long':
    case 'Decimal128':
      return TypeRank.Number;
    case 'Code':
      return TypeRank.Code;
    default:
      return TypeRank.Object;
  }
}

function sign(value: number): number {
  return value < 0 ? -1 : value > 0 ? 1 : 0;
}

function compareNumbers(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number' && !Number.isNaN(a) && !Number.isNaN(b)) return sign(a - b);
  // Both are numbers (their type rank says so), so asNumber gives a BsonNumber for each.
  const left = asNumber(a) as BsonNumber;
  const right = asNumber(b) as BsonNumber;
  const exact = (n: BsonNumber) => (n.kind === 'int' || n.kind === 'double') && !n.isNaN();
  if (exact(left) && exact(right)) return sign(left.toNumber() - right.toNumber());
  return left.key < right.key ? -1 : left.key > right.key ? 1 : 0;
}

/** Compares by Unicode code point, which is the order of UTF-8 bytes MongoDB uses. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // UTF-16 puts surrogates (code points above U+FFFF) below U+E000…U+FFFF; move them above.
      const fx = x >= 0xd800 && x <= 0xdfff ? x + 0x2000 : x >= 0xe000 ? x - 0x800 : x;
      const fy = y >= 0xd800 && y <= 0xdfff ? y + 0x2000 : y >= 0xe000 ? y - 0x800 : y;
      return fx < fy ? -1 : 1;
    }
  }
  return sign(a.length - b.length);
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : String((value as { value?: string }).value ?? value);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return sign(a.length - b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return sign(a[i] - b[i]);
  return 0;
}

interface BinaryLike {
  sub_type: number;
  value(): Uint8Array | string;
  buffer: Uint8Array;
  position: number;
}

function binaryBytes(value: BinaryLike): Uint8Array {
  return value.buffer.subarray(0, value.position);
}

interface TimestampLike {
  high: number;
  low: number;
}

function compareEntries(a: [string, unknown][], b: [string, unknown][]): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const [keyA, valueA] = a[i];
    const [keyB, valueB] = b[i];
    const byType = typeRank(valueA) - typeRank(valueB);
    if (byType !== 0) return sign(byType);
    const byName = compareStrings(keyA, keyB);
    if (byName !== 0) return byName;
    const byValue = compareValues(valueA, valueB);
    if (byValue !== 0) return byValue;
  }
  return sign(a.length - b.length);
}

export function compareValues(a: unknown, b: unknown): number {
  const rankA = typeRank(a);
  const rankB = typeRank(b);
  if (rankA !== rankB) return sign(rankA - rankB);
  switch (rankA) {
    case TypeRank.Null:
    case TypeRank.MinKey:
    case TypeRank.MaxKey:
      return 0;
    case TypeRank.Number:
      return compareNumbers(a, b);
    case TypeRank.String:
      return compareStrings(stringOf(a), stringOf(b));
    case TypeRank.Boolean:
      return sign(Number(a) - Number(b));
    case TypeRank.Date:
      return sign((a as Date).getTime() - (b as Date).getTime());
    case TypeRank.ObjectId:
      return compareStrings((a as { toHexString(): string }).toHexString(), (b as { toHexString(): string }).toHexString());
    case TypeRank.Binary: {
      const x = a as BinaryLike;
      const y = b as BinaryLike;
      const bytesX = binaryBytes(x);
      const bytesY = binaryBytes(y);
      if (bytesX.length !== bytesY.length) return sign(bytesX.length - bytesY.length);
      if (x.sub_type !== y.sub_type) return sign(x.sub_type - y.sub_type);
      return compareBytes(bytesX, bytesY);
    }
    case TypeRank.Timestamp: {
      const x = a as TimestampLike;
      const y = b as TimestampLike;
      const byTime = (x.high >>> 0) - (y.high >>> 0);
      return byTime !== 0 ? sign(byTime) : sign((x.low >>> 0) - (y.low >>> 0));
    }
    case TypeRank.RegExp: {
      const [patternA, flagsA] = regExpParts(a);
      const [patternB, flagsB] = regExpParts(b);
      return compareStrings(patternA, patternB) || compareStrings(flagsA, flagsB);
    }
    case TypeRank.Array:
      return compareEntries(
        (a as unknown[]).map((v, i) => [String(i), v]),
        (b as unknown[]).map((v, i) => [String(i), v]),
      );
    case TypeRank.Object:
      return compareEntries(Object.entries(a as object), Object.entries(b as object));
    default:
      return compareStrings(String(a), String(b));
  }
}

function regExpParts(value: unknown): [string, string] {
  if (value instanceof RegExp) return [value.source, value.flags];
  const regex = value as { pattern: string; options: string };
  return [regex.pattern, regex.options];
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  return compareValues(a, b) === 0;
}

// ---- path values --------------------------------------------------------------------------------

/**
 * Every value a dotted path reaches in a document, the way MongoDB's indexes and sorts see it:
 * arrays along the path are traversed element by element (and a numeric part also indexes the
 * array), and an array at the end of the path contributes its elements. `expandLeafArrays` false
 * keeps a leaf array whole. An empty result means the path is missing.
 */
export function pathValues(document: unknown, path: string, expandLeafArrays = true): unknown[] {
  const out: unknown[] = [];
  collect(document, path.split('.'), 0, out, expandLeafArrays);
  return out;
}

function collect(value: unknown, parts: string[], index: number, out: unknown[], expandLeaf: boolean): void {
  if (index === parts.length) {
    if (expandLeaf && Array.isArray(value)) {
      if (value.length === 0) out.push(EMPTY_ARRAY);
      else for (const element of value) out.push(element);
    } else {
      out.push(value);
    }
    return;
  }
  const part = parts[index];
  if (Array.isArray(value)) {
    if (/^\d+$/.test(part) && Number(part) < value.length) collect(value[Number(part)], parts, index + 1, out, expandLeaf);
    for (const element of value) {
      if (isPlainObject(element) && Object.prototype.hasOwnProperty.call(element, part)) {
        collect(element[part], parts, index + 1, out, expandLeaf);
      }
    }
    return;
  }
  if (isPlainObject(value) && Object.prototype.hasOwnProperty.call(value, part)) {
    collect(value[part], parts, index + 1, out, expandLeaf);
  }
}

/** Marks an empty array found at the end of a path: it sorts below null, as in MongoDB. */
export const EMPTY_ARRAY: readonly unknown[] = Object.freeze([]);

// ---- sorting ------------------------------------------------------------------------------------

export type SortSpec = [path: string, direction: 1 | -1][];

/**
 * The value a document sorts by on one path: the smallest reached value for ascending order, the
 * largest for descending (MongoDB's rule for arrays), null when the path is missing.
 */
function sortValue(document: unknown, path: string, direction: 1 | -1): unknown {
  const values = pathValues(document, path);
  if (values.length === 0) return null;
  let chosen = values[0];
  for (let i = 1; i < values.length; i++) {
    const order = compareSortValues(values[i], chosen);
    if ((direction === 1 && order < 0) || (direction === -1 && order > 0)) chosen = values[i];
  }
  return chosen;
}

function compareSortValues(a: unknown, b: unknown): number {
  if (a === EMPTY_ARRAY || b === EMPTY_ARRAY) {
    if (a === b) return 0;
    return a === EMPTY_ARRAY ? (typeRank(b) <= 1 ? 1 : -1) : typeRank(a) <= 1 ? -1 : 1;
  }
  return compareValues(a, b);
}

/** Sorts documents by a sort specification, stably (ties keep their natural order). */
export function sortDocuments<T>(documents: T[], spec: SortSpec): T[] {
  if (spec.length === 0) return documents;
  const keyed = documents.map((document, position) => ({
    document,
    position,
    keys: spec.map(([path, direction]) => sortValue(document, path, direction)),
  }));
  keyed.sort((x, y) => {
    for (let i = 0; i < spec.length; i++) {
      const order = compareSortValues(x.keys[i], y.keys[i]);
      if (order !== 0) return order * spec[i][1];
    }
    return x.position - y.position;
  });
  return keyed.map((entry) => entry.document);
}
