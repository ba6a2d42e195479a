/**
 * Type expressions: $convert and its shorthands ($toInt, $toLong, $toDouble, $toDecimal, $toString,
 * $toBool, $toDate, $toObjectId), $type and $isNumber, with mongod's conversion rules and error
 * messages (ConversionFailure, 241, "… in $convert with no onError value").
 */
import { ObjectId } from 'bson';
import { CommandError } from '../../errors';
import { asNumber } from '../../values/arithmetic';
import { BsonNumber } from '../../values/bson-number';
import * as decimal from '../../values/decimal';
import { bsonType, isObjectId, isPlainObject } from '../../values/forms';
import { TYPE_NUMBERS, typeName } from '../../values/types';
import { evaluate, evaluateExactly, ExpressionOperator, isNullish, isTruthy } from './evaluation';

const CONVERSION_FAILURE = 241;
const TARGETS = ['double', 'string', 'objectId', 'bool', 'date', 'int', 'long', 'decimal'] as const;
type Target = (typeof TARGETS)[number];

/** A failed conversion; $convert answers it with `onError`, or reports it. */
class ConversionError extends Error {}

const unsupported = (value: unknown, target: Target) =>
  new ConversionError(`Unsupported conversion from ${typeName(value)} to ${target}`);

const INTEGER_RANGES = { int: [-(2n ** 31n), 2n ** 31n - 1n], long: [-(2n ** 63n), 2n ** 63n - 1n] } as const;

function toInteger(value: unknown, target: 'int' | 'long'): BsonNumber {
  const [min, max] = INTEGER_RANGES[target];
  const make = (integer: bigint, shown: string) => {
    if (integer < min || integer > max) throw new ConversionError(`Conversion would overflow target type: ${shown}`);
    return target === 'int' ? BsonNumber.int(Number(integer)) : BsonNumber.long(integer);
  };
  if (typeof value === 'boolean') return make(value ? 1n : 0n, String(value));
  if (typeof value === 'string') {
    if (!/^[+-]?\d+$/.test(value)) throw new ConversionError(`Failed to parse number '${value}': Did not consume whole string.`);
    return make(BigInt(value), value);
  }
  if (value instanceof Date) {
    if (target === 'int') throw unsupported(value, target);
    return make(BigInt(value.getTime()), String(value.getTime()));
  }
  const n = asNumber(value);
  if (!n) throw unsupported(value, target);
  if (n.isNaN()) throw new ConversionError(`Attempt to convert NaN value to integer type`);
  const integer = n.toBigInt();
  if (integer === undefined) throw new ConversionError(`Attempt to convert infinity value to integer type`);
  return make(integer, n.display());
}

const DOUBLE_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(infinity|inf|nan)$/i;

function toDouble(value: unknown): BsonNumber {
  if (typeof value === 'boolean') return BsonNumber.double(value ? 1 : 0);
  if (value instanceof Date) return BsonNumber.double(value.getTime());
  if (typeof value === 'string') {
    if (!DOUBLE_TEXT.test(value)) throw new ConversionError(`Failed to parse number '${value}': Did not consume whole string.`);
    const lower = value.toLowerCase().replace(/^\+/, '');
    if (lower.endsWith('nan')) return BsonNumber.double(NaN);
    if (lower.endsWith('inf') || lower.endsWith('infinity')) return BsonNumber.double(lower.startsWith('-') ? -Infinity : Infinity);
    return BsonNumber.double(Number(value));
  }
  const n = asNumber(value);
  if (!n) throw unsupported(value, 'double');
  const result = n.toNumber();
  if (n.kind === 'decimal' && !Number.isFinite(result) && n.toDecimal().kind === 'finite') {
    throw new ConversionError(`Conversion would overflow target type: ${n.display()}`);
  }
  return BsonNumber.double(result);
}

function toDecimal(value: unknown): BsonNumber {
  if (typeof value === 'boolean') return BsonNumber.decimal(decimal.decimalFromBigInt(value ? 1n : 0n));
  if (value instanceof Date) return BsonNumber.decimal(decimal.decimalFromBigInt(BigInt(value.getTime())));
  if (typeof value === 'string') {
    try {
      return BsonNumber.decimal(decimal.parseDecimal(value));
    } catch {
      throw new ConversionError(`Failed to parse number '${value}': Did not consume whole string.`);
    }
  }
  const n = asNumber(value);
  if (!n) throw unsupported(value, 'decimal');
  return BsonNumber.decimal(n.toDecimal());
}

/** How mongod prints a double: integral values without a fraction, others in shortest form. */
function doubleText(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  return String(x);
}

function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (isObjectId(value)) return value.toHexString();
  const n = asNumber(value);
  if (n) return n.kind === 'double' ? doubleText(n.toNumber()) : n.display();
  if (bsonType(value) === 'BSONSymbol') return (value as { value: string }).value;
  throw unsupported(value, 'string');
}

function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'string') {
    // A date-time without an offset is UTC in mongod, where JavaScript would read local time.
    const text = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value) ? `${value}Z` : value;
    const time = Date.parse(text);
    if (Number.isNaN(time)) throw new ConversionError(`Error parsing date string '${value}'`);
    return new Date(time);
  }
  if (isObjectId(value)) return value.getTimestamp();
  if (bsonType(value) === 'Timestamp') return new Date((value as { high: number }).high * 1000);
  const n = asNumber(value);
  if (!n || n.kind === 'int') throw unsupported(value, 'date');
  if (!Number.isFinite(n.toNumber())) throw new ConversionError(`Conversion would overflow target type: ${n.display()}`);
  return new Date(Math.trunc(n.toNumber()));
}

function toObjectId(value: unknown): ObjectId {
  if (isObjectId(value)) return value;
  if (typeof value !== 'string') throw unsupported(value, 'objectId');
  if (!/^[0-9a-fA-F]{24}$/.test(value)) {
    throw new ConversionError(
      `Failed to parse objectId '${value}': Invalid string length for parsing to OID, expected 24 but found ${value.length}`,
    );
  }
  return new ObjectId(value);
}

const CONVERTERS: Record<Target, (value: unknown) => unknown> = {
  double: toDouble,
  string: toText,
  objectId: toObjectId,
  bool: (value) => isTruthy(value),
  date: toDate,
  int: (value) => toInteger(value, 'int'),
  long: (value) => toInteger(value, 'long'),
  decimal: toDecimal,
};

/** The `to` of $convert: a type name or number. */
function conversionTarget(to: unknown): Target {
  const number = asNumber(to);
  if (number) {
    const name = Object.entries(TYPE_NUMBERS).find(([, code]) => code === number.toNumber())?.[0];
    if (!name) throw CommandError.of('FailedToParse', `In $convert, numeric value for 'to' does not correspond to a BSON type: ${number.display()}`);
    to = name;
  }
  if (typeof to !== 'string') throw CommandError.of('FailedToParse', `$convert's 'to' argument must be a string or number, but is ${typeName(to)}`);
  if (!(to in TYPE_NUMBERS)) throw CommandError.of('BadValue', `Unknown type name: ${to}`);
  if (!(TARGETS as readonly string[]).includes(to)) {
    throw new CommandError(CONVERSION_FAILURE, `Unsupported conversion to ${to} in $convert`);
  }
  return to as Target;
}

const CONVERT_PARAMETERS = new Set(['input', 'to', 'onError', 'onNull']);

const $convert: ExpressionOperator = (obj, expr, options) => {
  if (!isPlainObject(expr)) throw CommandError.of('FailedToParse', '$convert expects an object of named arguments but found: ' + typeName(expr));
  for (const key of Object.keys(expr)) {
    if (!CONVERT_PARAMETERS.has(key)) throw CommandError.of('FailedToParse', `$convert found an unknown argument: ${key}`);
  }
  if (!('input' in expr)) throw CommandError.of('FailedToParse', "Missing 'input' parameter to $convert");
  if (!('to' in expr)) throw CommandError.of('FailedToParse', "Missing 'to' parameter to $convert");
  const input = evaluate(obj, expr.input, options);
  const to = evaluate(obj, expr.to, options);
  if (isNullish(input)) return 'onNull' in expr ? evaluate(obj, expr.onNull, options) : null;
  if (isNullish(to)) return null;
  const target = conversionTarget(to);
  try {
    return CONVERTERS[target](input);
  } catch (error) {
    if (!(error instanceof ConversionError)) throw error;
    if ('onError' in expr) return evaluate(obj, expr.onError, options);
    throw new CommandError(CONVERSION_FAILURE, withoutOnError(error.message));
  }
};

/** mongod puts "in $convert with no onError value" after the reason's first clause. */
function withoutOnError(message: string): string {
  const colon = message.indexOf(': ');
  return colon === -1
    ? `${message} in $convert with no onError value`
    : `${message.slice(0, colon)} in $convert with no onError value${message.slice(colon)}`;
}

function shorthand(name: string, target: Target): ExpressionOperator {
  return (obj, expr, options) => {
    const [input] = evaluateExactly(name, obj, expr, 1, options);
    if (isNullish(input)) return null;
    try {
      return CONVERTERS[target](input);
    } catch (error) {
      if (error instanceof ConversionError) throw new CommandError(CONVERSION_FAILURE, withoutOnError(error.message));
      throw error;
    }
  };
}

export const conversionOperators: Record<string, ExpressionOperator> = {
  $convert,
  $toInt: shorthand('$toInt', 'int'),
  $toLong: shorthand('$toLong', 'long'),
  $toDouble: shorthand('$toDouble', 'double'),
  $toDecimal: shorthand('$toDecimal', 'decimal'),
  $toString: shorthand('$toString', 'string'),
  $toBool: shorthand('$toBool', 'bool'),
  $toDate: shorthand('$toDate', 'date'),
  $toObjectId: shorthand('$toObjectId', 'objectId'),
  $type: (obj, expr, options) => typeName(evaluateExactly('$type', obj, expr, 1, options)[0]),
  $isNumber: (obj, expr, options) => asNumber(evaluateExactly('$isNumber', obj, expr, 1, options)[0]) !== undefined,
};
