/**
 * Values as rules see them: whatever the driver hands back (plain numbers or Int32/Double/Long/
 * Decimal128 wrappers, ObjectId, Binary, Date …), the user object, app values.
 *
 * Rule expressions match with MongoDB's equality semantics (spec 2.4): numbers compare by value
 * across numeric types, documents compare field by field in order, and a comparison against an
 * array field holds when any element holds. Ordering (`%gt` …) only holds between values of one
 * BSON type bracket, as in a MongoDB query.
 */

import { BSON } from 'bson';

export type Document = Record<string, unknown>;

/** The `_bsontype` tag every class of the bson package carries. */
export function bsonTypeOf(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? (value as { _bsontype?: string })._bsontype : undefined;
}

export function isPlainDocument(value: unknown): value is Document {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

const NUMERIC_TYPES = new Set(['Int32', 'Double', 'Long', 'Decimal128']);

/** A number as something comparable: bigint for integers (exact beyond 2^53), number otherwise. */
function numericValue(value: unknown): number | bigint | undefined {
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  const type = bsonTypeOf(value);
  if (type === undefined || !NUMERIC_TYPES.has(type)) return undefined;
  if (type === 'Long') return BigInt(String(value));
  if (type === 'Decimal128') {
    // Decimal128 is compared through a double: exact enough for rule expressions, which compare
    // against literals and user data rather than financial totals.
    return Number(String(value));
  }
  return (value as { value: number }).value;
}

function compareNumbers(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'number' && Number.isNaN(a)) return typeof b === 'number' && Number.isNaN(b) ? 0 : -1;
  if (typeof b === 'number' && Number.isNaN(b)) return 1;
  if (typeof a === 'bigint' && typeof b === 'number' && Number.isInteger(b)) b = BigInt(b);
  if (typeof b === 'bigint' && typeof a === 'number' && Number.isInteger(a)) a = BigInt(a);
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Which values can be ordered against each other (MongoDB compares within one type bracket). */
function bracketOf(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (numericValue(value) !== undefined) return 'number';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (value instanceof Date) return 'date';
  if (Array.isArray(value)) return 'array';
  if (isPlainDocument(value)) return 'document';
  return bsonTypeOf(value) ?? typeof value;
}

function hexOf(value: unknown): string {
  return (value as { toHexString(): string }).toHexString();
}

function bytesOf(value: unknown): Uint8Array {
  const binary = value as { buffer: Uint8Array; position: number };
  return binary.buffer.subarray(0, binary.position);
}

/**
 * Orders two values of one bracket; undefined when they cannot be ordered (different brackets,
 * or types without an order here).
 */
export function compareValues(a: unknown, b: unknown): number | undefined {
  const bracket = bracketOf(a);
  if (bracket !== bracketOf(b)) return undefined;
  switch (bracket) {
    case 'number':
      return compareNumbers(numericValue(a)!, numericValue(b)!);
    case 'string':
      return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
    case 'boolean':
      return Number(a) - Number(b);
    case 'date':
      return Math.sign((a as Date).getTime() - (b as Date).getTime());
    case 'ObjectId': {
      const x = hexOf(a);
      const y = hexOf(b);
      return x === y ? 0 : x < y ? -1 : 1;
    }
    case 'null':
      return 0;
    default:
      return valuesEqual(a, b) ? 0 : undefined;
  }
}

/** MongoDB equality of two values (no array-contains rule: see matchesValue for that). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const bracket = bracketOf(a);
  if (bracket !== bracketOf(b)) return false;
  switch (bracket) {
    case 'number':
      return compareNumbers(numericValue(a)!, numericValue(b)!) === 0;
    case 'null':
      return true;
    case 'date':
      return (a as Date).getTime() === (b as Date).getTime();
    case 'ObjectId':
      return hexOf(a) === hexOf(b);
    case 'Binary': {
      const x = bytesOf(a);
      const y = bytesOf(b);
      return (
        (a as { sub_type: number }).sub_type === (b as { sub_type: number }).sub_type &&
        x.length === y.length &&
        x.every((byte, i) => byte === y[i])
      );
    }
    case 'array': {
      const x = a as unknown[];
      const y = b as unknown[];
      return x.length === y.length && x.every((item, i) => valuesEqual(item, y[i]));
    }
    case 'document': {
      const xKeys = Object.keys(a as Document);
      const yKeys = Object.keys(b as Document);
      return (
        xKeys.length === yKeys.length &&
        xKeys.every((key, i) => key === yKeys[i] && valuesEqual((a as Document)[key], (b as Document)[key]))
      );
    }
    default:
      // Timestamps, regular expressions, MinKey/MaxKey, Code: equal when they print the same.
      return String(a) === String(b) && JSON.stringify(a) === JSON.stringify(b);
  }
}

/**
 * MongoDB's equality match (`{ field: value }`, `$eq`, each `$in` element): equal, or an array
 * holding an equal element; `null` also matches a missing value. A missing operand (an expansion
 * that resolved to nothing) matches nothing, so `{ "owner_id": "%%user.custom_data.id" }` does not
 * hold for a user without custom data even on a document without owner_id.
 */
export function equalityMatch(lhs: unknown, rhs: unknown): boolean {
  if (rhs === undefined) return false;
  if (rhs === null && lhs === undefined) return true;
  if (valuesEqual(lhs, rhs)) return true;
  return Array.isArray(lhs) && lhs.some((item) => valuesEqual(item, rhs));
}

/**
 * `{ "<lhs>": <value> }` in a rule: the equality match, in both directions, because App Services'
 * own examples rely on both: `{ "owners": "%%user.id" }` holds when the owners array contains the
 * id, and `{ "email": "%%user.custom_data.manages" }` holds when the email is one of the manages
 * array (docs: rules/roles.txt).
 */
export function matchesValue(lhs: unknown, rhs: unknown): boolean {
  if (equalityMatch(lhs, rhs)) return true;
  return Array.isArray(rhs) && !Array.isArray(lhs) && lhs !== undefined && rhs.some((item) => valuesEqual(lhs, item));
}

/**
 * `%gt`, `%lt` …: holds when the value, or for an array any of its elements, orders as `accept`
 * asks against the operand (MongoDB's range semantics on arrays).
 */
export function matchesOrder(lhs: unknown, rhs: unknown, accept: (order: number) => boolean): boolean {
  if (lhs === undefined || rhs === undefined) return false;
  const test = (value: unknown): boolean => {
    const order = compareValues(value, rhs);
    return order !== undefined && accept(order);
  };
  return test(lhs) || (Array.isArray(lhs) && lhs.some(test));
}

/**
 * The same BSON value, type included (Int32 1 and Double 1 differ): whether a write changed a
 * field. Compares serialised bytes, so field order counts as well.
 */
export function sameBsonValue(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a === b) return true;
  return Buffer.from(BSON.serialize({ v: a })).equals(BSON.serialize({ v: b }));
}

const hasOwn = (value: object, key: string): boolean => Object.prototype.hasOwnProperty.call(value, key);

/**
 * The value at a dotted path, as a MongoDB query reads it: through embedded documents, into an
 * array by position (`tags.0`), and across the documents of an array (`identities.provider_type`
 * gives every identity's provider type). Only own properties are read, so a path such as
 * `constructor` finds nothing.
 */
export function valueAtPath(value: unknown, path: readonly string[], from = 0): unknown {
  let current = value;
  for (let i = from; i < path.length; i++) {
    const segment = path[i];
    if (Array.isArray(current)) {
      if (/^\d+$/.test(segment)) {
        current = current[Number(segment)];
        continue;
      }
      const found: unknown[] = [];
      for (const item of current) {
        const inner = valueAtPath(item, path, i);
        if (inner === undefined) continue;
        if (Array.isArray(inner)) found.push(...inner);
        else found.push(inner);
      }
      return found.length > 0 ? found : undefined;
    }
    if (!isPlainDocument(current) || !hasOwn(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}
