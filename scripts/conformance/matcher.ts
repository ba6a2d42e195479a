/**
 * Matching expected values against actual ones, after the unified format's "Evaluating Matches":
 * keys in any order; extra keys allowed in root-level documents only; 32-bit, 64-bit and double
 * numbers equal when their values are (Decimal128 only equals Decimal128); and the `$$` operators
 * ($$exists, $$type, $$unsetOrMatches, $$matchesEntity, $$sessionLsid, $$lte, $$matchAsDocument,
 * $$matchAsRoot, $$matchesHexBytes). `exactMismatch` is the stricter rule for `outcome`.
 */
import { EJSON } from 'bson';

export interface Mismatch {
  /** Where, as a dotted path from the compared value (`[2].x`). */
  path: string;
  message: string;
}

/** What the `$$matchesEntity` and `$$sessionLsid` operators read. */
export interface EntityValues {
  value(name: string): unknown;
  sessionLsid(name: string): unknown;
}

export interface MatchOptions {
  /** A root-level document may carry keys the expected one does not name. */
  root?: boolean;
  entities?: EntityValues;
}

interface Context {
  entities?: EntityValues;
  /** False for outcome data, where `$$` keys have no special meaning and nothing extra is allowed. */
  operators: boolean;
}

export function match(expected: unknown, actual: unknown, options: MatchOptions = {}): Mismatch | undefined {
  return matchValue(expected, actual, '', options.root ?? false, { entities: options.entities, operators: true });
}

export function matches(expected: unknown, actual: unknown, options: MatchOptions = {}): boolean {
  return match(expected, actual, options) === undefined;
}

/** Collection contents must match exactly (no extra keys at any level), key order aside. */
export function exactMismatch(expected: unknown, actual: unknown): Mismatch | undefined {
  return matchValue(expected, actual, '', false, { operators: false });
}

/**
 * The first place where actual keys come in another order than expected ones. Not a failure under
 * the unified format, but MongoDB documents are ordered, so the report mentions it.
 */
export function keyOrderDifference(expected: unknown, actual: unknown, path = ''): string | undefined {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    for (let i = 0; i < Math.min(expected.length, actual.length); i += 1) {
      const found = keyOrderDifference(expected[i], actual[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (!isDocument(expected) || !isDocument(actual)) return undefined;
  const expectedKeys = Object.keys(expected);
  const actualKeys = Object.keys(actual).filter((key) => key in expected);
  if (expectedKeys.join('\u0000') !== actualKeys.join('\u0000')) {
    return `${path || '(document)'}: expected {${expectedKeys.join(', ')}}, got {${actualKeys.join(', ')}}`;
  }
  for (const key of expectedKeys) {
    const found = keyOrderDifference(expected[key], actual[key], joinPath(path, key));
    if (found) return found;
  }
  return undefined;
}

function matchValue(expected: unknown, actual: unknown, path: string, root: boolean, context: Context): Mismatch | undefined {
  if (actual instanceof Map) actual = Object.fromEntries(actual);
  if (isDocument(expected)) {
    const operator = context.operators ? operatorOf(expected) : undefined;
    if (operator) return matchOperator(operator, expected[operator], actual, path, root, context);
    if (!isDocument(actual)) return { path, message: `expected a document, got ${describe(actual)}` };
    for (const [key, value] of Object.entries(expected)) {
      const mismatch = matchKey(key, value, actual, joinPath(path, key), context);
      if (mismatch) return mismatch;
    }
    if (!root) {
      const extra = Object.keys(actual).filter((key) => actual[key] !== undefined && !(key in expected));
      if (extra.length > 0) return { path, message: `unexpected key(s) ${extra.join(', ')} in ${describe(actual)}` };
    }
    return undefined;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return { path, message: `expected an array, got ${describe(actual)}` };
    if (actual.length !== expected.length) {
      return { path, message: `expected ${expected.length} element(s), got ${actual.length}: ${describe(actual)}` };
    }
    for (let i = 0; i < expected.length; i += 1) {
      const mismatch = matchValue(expected[i], actual[i], `${path}[${i}]`, false, context);
      if (mismatch) return mismatch;
    }
    return undefined;
  }
  return scalarsEqual(expected, actual) ? undefined : { path, message: `expected ${describe(expected)}, got ${describe(actual)}` };
}

/** One key of an expected document: key-level operators ($$exists, $$unsetOrMatches) first. */
function matchKey(key: string, expected: unknown, actual: Record<string, unknown>, path: string, context: Context): Mismatch | undefined {
  const present = Object.prototype.hasOwnProperty.call(actual, key) && actual[key] !== undefined;
  const operator = context.operators && isDocument(expected) ? operatorOf(expected) : undefined;
  if (operator === '$$exists') {
    const wanted = Boolean((expected as Record<string, unknown>).$$exists);
    if (wanted === present) return undefined;
    return { path, message: wanted ? 'expected the key to exist' : `expected no such key, got ${describe(actual[key])}` };
  }
  if (operator === '$$unsetOrMatches' && !present) return undefined;
  if (!present) return { path, message: `missing (expected ${describe(expected)})` };
  return matchValue(expected, actual[key], path, false, context);
}

const OPERATORS = new Set([
  '$$exists',
  '$$type',
  '$$unsetOrMatches',
  '$$matchesEntity',
  '$$matchesHexBytes',
  '$$sessionLsid',
  '$$lte',
  '$$matchAsDocument',
  '$$matchAsRoot',
]);

/** A document whose first and only key starts with `$$` is an operator (the format's own test). */
function operatorOf(value: Record<string, unknown>): string | undefined {
  const keys = Object.keys(value);
  if (keys.length !== 1 || !keys[0].startsWith('$$')) return undefined;
  if (!OPERATORS.has(keys[0])) throw new Error(`unknown special operator ${keys[0]}`);
  return keys[0];
}

function matchOperator(operator: string, operand: unknown, actual: unknown, path: string, root: boolean, context: Context): Mismatch | undefined {
  switch (operator) {
    case '$$exists':
      return (actual !== undefined) === Boolean(operand) ? undefined : { path, message: `$$exists ${String(operand)} failed on ${describe(actual)}` };
    case '$$unsetOrMatches':
      // "Does not influence whether or not an actual document value is considered root-level."
      return actual === undefined ? undefined : matchValue(operand, actual, path, root, context);
    case '$$type': {
      const types = (Array.isArray(operand) ? operand : [operand]) as string[];
      if (actual !== undefined && types.some((type) => hasType(actual, type))) return undefined;
      return { path, message: `expected type ${types.join('|')}, got ${describe(actual)}` };
    }
    case '$$matchesEntity':
      if (!context.entities) throw new Error('$$matchesEntity needs the entity map');
      return matchValue(context.entities.value(String(operand)), actual, path, root, context);
    case '$$sessionLsid':
      if (!context.entities) throw new Error('$$sessionLsid needs the entity map');
      return matchValue(context.entities.sessionLsid(String(operand)), actual, path, false, context);
    case '$$lte': {
      const limit = numericValue(operand);
      const value = numericValue(actual);
      if (limit !== undefined && value !== undefined && value <= limit) return undefined;
      return { path, message: `expected a number <= ${describe(operand)}, got ${describe(actual)}` };
    }
    case '$$matchesHexBytes': {
      const bytes = actual instanceof Uint8Array ? Buffer.from(actual) : typeof actual === 'string' ? Buffer.from(actual, 'latin1') : undefined;
      if (bytes && bytes.toString('hex').toLowerCase() === String(operand).toLowerCase()) return undefined;
      return { path, message: `expected bytes ${String(operand)}, got ${describe(actual)}` };
    }
    case '$$matchAsDocument': {
      if (typeof actual !== 'string') return { path, message: `expected an Extended JSON string, got ${describe(actual)}` };
      return matchValue(operand, EJSON.parse(actual, { relaxed: false }), path, false, context);
    }
    case '$$matchAsRoot':
      return matchValue(operand, actual, path, true, context);
    default:
      throw new Error(`unknown special operator ${operator}`);
  }
}

/** A plain document, as opposed to arrays, BSON value objects, dates, regexes and buffers. */
export function isDocument(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  if ('_bsontype' in value) return false;
  return !(value instanceof Date || value instanceof RegExp || value instanceof Uint8Array || value instanceof Map);
}

function bsonTypeOf(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && '_bsontype' in value) return String((value as { _bsontype: unknown })._bsontype);
  return undefined;
}

/** Int32, Double and Long (and JS numbers) as one number line; Decimal128 is kept apart by the spec. */
function numericValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  const type = bsonTypeOf(value);
  if (type === 'Int32' || type === 'Double') return Number((value as { valueOf(): unknown }).valueOf());
  if (type === 'Long') return (value as { toNumber(): number }).toNumber();
  return undefined;
}

function exactInteger(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (bsonTypeOf(value) === 'Long') return BigInt((value as { toString(): string }).toString());
  return undefined;
}

function scalarsEqual(expected: unknown, actual: unknown): boolean {
  const expectedNumber = numericValue(expected);
  if (expectedNumber !== undefined) {
    const actualNumber = numericValue(actual);
    if (actualNumber === undefined) return false;
    // Two 64-bit integers compare exactly: a Long above 2^53 must not equal its neighbour.
    const [a, b] = [exactInteger(expected), exactInteger(actual)];
    if (a !== undefined && b !== undefined) return a === b;
    return actualNumber === expectedNumber || (Number.isNaN(actualNumber) && Number.isNaN(expectedNumber));
  }
  if (expected === null || typeof expected !== 'object') return expected === actual;
  if (expected instanceof Date) return actual instanceof Date && actual.getTime() === expected.getTime();
  const type = bsonTypeOf(expected);
  if (type === 'BSONRegExp' && actual instanceof RegExp) {
    const regex = expected as unknown as { pattern: string; options: string };
    return regex.pattern === actual.source && sortedFlags(regex.options) === sortedFlags(actual.flags);
  }
  if (type !== undefined && type !== bsonTypeOf(actual)) return false;
  return canonical(expected) === canonical(actual);
}

function sortedFlags(flags: string): string {
  return flags.split('').sort().join('');
}

function canonical(value: unknown): string {
  return EJSON.stringify({ v: value }, { relaxed: false });
}

/** `$$type` aliases, as the `$type` query operator names them. */
function hasType(value: unknown, alias: string): boolean {
  const type = bsonTypeOf(value);
  const integral = typeof value === 'number' && Number.isInteger(value);
  switch (alias) {
    // The driver returns int32 and double alike as JS numbers, so a JS number may be either.
    case 'double':
      return typeof value === 'number' || type === 'Double';
    case 'int':
      return (integral && (value as number) >= -(2 ** 31) && (value as number) < 2 ** 31) || type === 'Int32';
    case 'long':
      return integral || typeof value === 'bigint' || type === 'Long';
    case 'decimal':
      return type === 'Decimal128';
    case 'number':
      return numericValue(value) !== undefined || type === 'Decimal128';
    case 'string':
      return typeof value === 'string';
    case 'bool':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'undefined':
      return value === undefined;
    case 'object':
      return isDocument(value) || type === 'DBRef';
    case 'array':
      return Array.isArray(value);
    case 'date':
      return value instanceof Date;
    case 'objectId':
      return type === 'ObjectId';
    case 'binData':
      return type === 'Binary' || value instanceof Uint8Array;
    case 'regex':
      return value instanceof RegExp || type === 'BSONRegExp';
    case 'javascript':
      return type === 'Code';
    case 'javascriptWithScope':
      return type === 'Code' && Boolean((value as { scope?: unknown }).scope);
    case 'timestamp':
      return type === 'Timestamp';
    case 'minKey':
      return type === 'MinKey';
    case 'maxKey':
      return type === 'MaxKey';
    case 'symbol':
      return type === 'BSONSymbol' || type === 'Symbol';
    case 'dbPointer':
      return type === 'DBPointer' || type === 'DBRef';
    default:
      throw new Error(`unknown $$type alias ${alias}`);
  }
}

function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** A value as relaxed Extended JSON, shortened so one failure stays on one line. */
export function describe(value: unknown, limit = 160): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = EJSON.stringify(exactLongs(value), { relaxed: true });
  } catch {
    text = String(value);
  }
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/** Relaxed EJSON prints a Long as a JS number; keep the digits of those beyond 2^53. */
function exactLongs(value: unknown): unknown {
  if (bsonTypeOf(value) === 'Long') {
    const text = String(value);
    return Number.isSafeInteger(Number(text)) ? value : { $numberLong: text };
  }
  if (Array.isArray(value)) return value.map(exactLongs);
  if (isDocument(value)) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, exactLongs(inner)]));
  return value;
}
