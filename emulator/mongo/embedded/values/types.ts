/**
 * BSON type names and numbers, as `$type` (query and aggregation) and error messages use them.
 */
import { isBsonNumber } from './bson-number';
import { bsonType, isPlainObject } from './forms';

export const TYPE_NUMBERS: Record<string, number> = {
  double: 1,
  string: 2,
  object: 3,
  array: 4,
  binData: 5,
  undefined: 6,
  objectId: 7,
  bool: 8,
  date: 9,
  null: 10,
  regex: 11,
  dbPointer: 12,
  javascript: 13,
  symbol: 14,
  javascriptWithScope: 15,
  int: 16,
  timestamp: 17,
  long: 18,
  decimal: 19,
  minKey: -1,
  maxKey: 127,
};

const NAME_BY_NUMBER = new Map(Object.entries(TYPE_NUMBERS).map(([name, code]) => [code, name]));

/** The `$type` alias of a value ("double", "int", "string", "missing" for undefined …). */
export function typeName(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(value) && Math.abs(value) <= 2 ** 31 - 1 ? 'int' : 'double';
    case 'bigint':
      return 'long';
    case 'function':
      return 'javascript';
    default:
      break;
  }
  if (isBsonNumber(value)) return value.kind;
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (value instanceof RegExp) return 'regex';
  if (isPlainObject(value)) return 'object';
  switch (bsonType(value)) {
    case 'ObjectId':
      return 'objectId';
    case 'Binary':
      return 'binData';
    case 'Timestamp':
      return 'timestamp';
    case 'BSONRegExp':
      return 'regex';
    case 'MinKey':
      return 'minKey';
    case 'MaxKey':
      return 'maxKey';
    case 'BSONSymbol':
      return 'symbol';
    case 'Code':
      return (value as { scope?: unknown }).scope ? 'javascriptWithScope' : 'javascript';
    case 'DBRef':
      return 'object';
    case 'Int32':
      return 'int';
    case 'Double':
      return 'double';
    case 'Long':
      return 'long';
    case 'Decimal128':
      return 'decimal';
    default:
      return 'object';
  }
}

/** Resolves a `$type` argument (alias, number, or "number") to a predicate over type names. */
export function typeMatcher(spec: unknown): ((name: string) => boolean) | undefined {
  if (typeof spec === 'string') {
    if (spec === 'number') return (name) => name === 'int' || name === 'long' || name === 'double' || name === 'decimal';
    return spec in TYPE_NUMBERS ? (name) => name === spec : undefined;
  }
  const code = isBsonNumber(spec) ? spec.toNumber() : typeof spec === 'number' ? spec : NaN;
  const name = NAME_BY_NUMBER.get(code);
  return name === undefined ? undefined : (candidate) => candidate === name;
}
