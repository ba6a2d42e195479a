/**
 * Query operators whose arguments are numbers or BSON types, replaced so they understand the
 * engine's values (BsonNumber arguments, every BSON type for `$type`). mingo's own versions compare
 * plain JavaScript numbers and know only JavaScript types.
 */
import type { Options } from 'mingo/types';
import { resolve } from 'mingo/util';
import { CommandError } from '../../errors';
import { BsonNumber, isBsonNumber } from '../../values/bson-number';
import { compareValues, typeRank } from '../../values/compare';
import { bsonType, isPlainObject } from '../../values/forms';
import { equalityKey } from '../../values/keys';
import { typeMatcher, typeName } from '../../values/types';

type Predicate = (value: unknown) => boolean;
/** mingo's query operator shape: compiled once per filter into a test of one document. */
type QueryOperator = (selector: string, argument: unknown, options: Options) => (document: unknown) => boolean;

/** Builds a query operator from a predicate over each value the path reaches (any element of an array matches). */
function fieldOperator(build: (argument: unknown, options: Options) => { test: Predicate; wholeArrays?: boolean }): QueryOperator {
  return (selector: string, argument: unknown, options: Options) => {
    const { test, wholeArrays } = build(argument, options);
    return (document: unknown) => {
      const value = resolve(document as Record<string, unknown>, selector, { unwrapArray: true });
      if (test(value)) return true;
      if (!wholeArrays && Array.isArray(value)) return value.some((element) => test(element));
      return false;
    };
  };
}

function numberArgument(value: unknown): BsonNumber | undefined {
  if (isBsonNumber(value)) return value;
  if (typeof value === 'number') return BsonNumber.fromNumber(value);
  return undefined;
}

const $type = fieldOperator((argument) => {
  const specs = Array.isArray(argument) ? argument : [argument];
  const matchers = specs.map((spec) => {
    const matcher = typeMatcher(spec);
    if (!matcher) throw CommandError.of('BadValue', `Unknown type name alias: ${String(spec)}`);
    return matcher;
  });
  const wantsArray = matchers.some((matcher) => matcher('array'));
  return {
    // `{$type: "array"}` matches the array itself; other types match an array through its elements.
    test: (value) => {
      if (value === undefined) return false;
      const name = typeName(value);
      if (name === 'array' && !wantsArray) return false;
      return matchers.some((matcher) => matcher(name));
    },
  };
});

const $mod = fieldOperator((argument) => {
  if (!Array.isArray(argument)) throw CommandError.of('BadValue', 'malformed mod, needs to be an array');
  if (argument.length < 2) throw CommandError.of('BadValue', 'malformed mod, not enough elements');
  if (argument.length > 2) throw CommandError.of('BadValue', 'malformed mod, too many elements');
  const divisor = numberArgument(argument[0]);
  const remainder = numberArgument(argument[1]);
  if (!divisor) throw CommandError.of('BadValue', 'malformed mod, divisor not a number');
  if (!remainder) throw CommandError.of('BadValue', 'malformed mod, remainder not a number');
  const d = divisor.toBigInt();
  const r = remainder.toBigInt();
  if (d === undefined || r === undefined) throw CommandError.of('BadValue', 'malformed mod, divisor and remainder must be finite');
  if (d === 0n) throw CommandError.of('BadValue', 'divisor cannot be 0');
  return {
    test: (value) => {
      if (!isBsonNumber(value) || value.isNaN()) return false;
      const integer = value.toBigInt();
      return integer !== undefined && integer % d === r;
    },
  };
});

const $size = fieldOperator((argument) => {
  const size = numberArgument(argument);
  if (!size || !size.isInteger()) throw CommandError.of('BadValue', '$size needs a number');
  if (size.toNumber() < 0) throw CommandError.of('BadValue', '$size may not be negative');
  const expected = size.toNumber();
  return { test: (value) => Array.isArray(value) && value.length === expected, wholeArrays: true };
});

// ---- bitwise ------------------------------------------------------------------------------------

function bitPositions(argument: unknown, operator: string): bigint {
  if (Array.isArray(argument)) {
    let mask = 0n;
    for (const position of argument) {
      const number = numberArgument(position);
      if (!number || !number.isInteger() || number.toNumber() < 0) {
        throw CommandError.of('BadValue', `bit positions of ${operator} must be non-negative integers`);
      }
      mask |= 1n << BigInt(number.toNumber());
    }
    return mask;
  }
  const number = numberArgument(argument);
  if (number) {
    if (!number.isInteger() || number.toNumber() < 0) throw CommandError.of('BadValue', `${operator} takes a non-negative integer bitmask`);
    return number.toBigInt() as bigint;
  }
  if (bsonType(argument) === 'Binary') return bytesToBigInt((argument as { value(): Uint8Array }).value());
  throw CommandError.of('BadValue', `${operator} takes a bitmask, an array of bit positions or BinData`);
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  return value;
}

/** Two's-complement bits of an integral number (sign-extended), or of BinData bytes (little-endian). */
function bitsOf(value: unknown): bigint | undefined {
  if (isBsonNumber(value)) {
    if (!value.isInteger()) return undefined;
    const integer = value.toBigInt();
    return integer === undefined ? undefined : BigInt.asUintN(64, integer);
  }
  if (bsonType(value) === 'Binary') return bytesToBigInt((value as { value(): Uint8Array }).value());
  return undefined;
}

function bitwise(operator: string, test: (bits: bigint, mask: bigint) => boolean): QueryOperator {
  return fieldOperator((argument) => {
    const mask = bitPositions(argument, operator);
    return {
      test: (value) => {
        const bits = bitsOf(value);
        if (bits === undefined) return false;
        // Negative numbers are sign-extended beyond 64 bits.
        const extended = isBsonNumber(value) && (value.toBigInt() ?? 0n) < 0n ? bits | (~0n << 64n) : bits;
        return test(extended, mask);
      },
    };
  });
}

const $bitsAllSet = bitwise('$bitsAllSet', (bits, mask) => (bits & mask) === mask);
const $bitsAllClear = bitwise('$bitsAllClear', (bits, mask) => (bits & mask) === 0n);
const $bitsAnySet = bitwise('$bitsAnySet', (bits, mask) => (bits & mask) !== 0n);
const $bitsAnyClear = bitwise('$bitsAnyClear', (bits, mask) => (bits & mask) !== mask);

// ---- comparisons ---------------------------------------------------------------------------------
// The same path semantics as mingo's (an array field matches through any element, nested arrays
// through the path's depth), compared in BSON order with values/compare.ts. mingo's own versions
// compare by JavaScript type names, which is both slower (every comparison builds the names of
// both classes) and wrong for the BSON classes it does not know.

function isMinOrMaxKey(value: unknown): boolean {
  const type = bsonType(value);
  return type === 'MinKey' || type === 'MaxKey';
}

function valuesMatch(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (isBsonNumber(a) && isBsonNumber(b)) return a.key === b.key;
  return typeRank(a) === typeRank(b) && compareValues(a, b) === 0;
}

function flattenTo(values: unknown[], depth: number): unknown[] {
  let flat = values;
  for (let level = 0; level < depth && flat.some(Array.isArray); level++) flat = flat.flat();
  return flat;
}

function comparison(test: (value: unknown, argument: unknown) => boolean, matchesMissingAsNull: boolean): QueryOperator {
  return (selector: string, argument: unknown, _options: Options) => {
    const depth = selector.split('.').length - 1;
    return (document: unknown) => {
      const value = resolve(document as Record<string, unknown>, selector, { unwrapArray: true });
      if (value === undefined || value === null) return matchesMissingAsNull ? test(null, argument) : false;
      if (!Array.isArray(value)) return test(value, argument);
      // An array matches as a whole (against an array argument) or through its elements.
      if (Array.isArray(argument) && test(value, argument)) return true;
      return flattenTo(value, depth).some((element) => test(element, argument));
    };
  };
}

function ordered(accept: (order: number) => boolean): QueryOperator {
  return comparison((value, argument) => {
    // Comparisons are type-bracketed (5 is not greater than "a"), except against MinKey and MaxKey.
    if (typeRank(value) !== typeRank(argument) && !isMinOrMaxKey(argument)) return false;
    return accept(compareValues(value, argument));
  }, true);
}

const $eq = comparison((value, argument) => (argument === null ? value === null : valuesMatch(value, argument)), true);
const $ne: QueryOperator = (selector, argument, options) => {
  const equals = $eq(selector, argument, options);
  return (document: unknown) => !equals(document);
};
const $gt = ordered((order) => order > 0);
const $gte = ordered((order) => order >= 0);
const $lt = ordered((order) => order < 0);
const $lte = ordered((order) => order <= 0);

function inPredicate(argument: unknown): (value: unknown) => boolean {
  if (!Array.isArray(argument)) throw CommandError.of('BadValue', '$in needs an array');
  const keys = new Set<string>();
  const patterns: RegExp[] = [];
  let matchesNull = false;
  for (const candidate of argument) {
    if (candidate instanceof RegExp) patterns.push(candidate);
    else if (isPlainObject(candidate) && Object.keys(candidate).some((key) => key.startsWith('$'))) {
      throw CommandError.of('BadValue', 'cannot nest $ under $in');
    } else {
      if (candidate === null) matchesNull = true;
      keys.add(equalityKey(candidate));
    }
  }
  return (value) => {
    if (value === null || value === undefined) return matchesNull;
    if (typeof value === 'string' && patterns.some((pattern) => pattern.test(value))) return true;
    return keys.has(equalityKey(value));
  };
}

const $in: QueryOperator = (selector: string, argument: unknown, _options: Options) => {
  const matches = inPredicate(argument);
  const depth = selector.split('.').length - 1;
  return (document: unknown) => {
    const value = resolve(document as Record<string, unknown>, selector, { unwrapArray: true });
    if (!Array.isArray(value)) return matches(value);
    if (matches(value)) return true;
    return flattenTo(value, depth).some(matches);
  };
};
const $nin: QueryOperator = (selector, argument, options) => {
  const included = $in(selector, argument, options);
  return (document: unknown) => !included(document);
};

export const queryOperatorOverrides = {
  $eq,
  $ne,
  $gt,
  $gte,
  $lt,
  $lte,
  $in,
  $nin,
  $type,
  $mod,
  $size,
  $bitsAllSet,
  $bitsAllClear,
  $bitsAnySet,
  $bitsAnyClear,
};
