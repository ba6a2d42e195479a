/**
 * Arithmetic on BSON numbers with MongoDB's type rules, shared by updates ($inc, $mul) and
 * aggregation ($add, $sum, $multiply …):
 *  - the result has the widest operand type: int < long < double < decimal;
 *  - an int result that overflows 32 bits becomes a long; a long result that overflows 64 bits
 *    becomes a double in aggregation, and is an error in updates (see `exact`);
 *  - decimal arithmetic stays decimal (34 digits, round-half-even).
 */
import { BsonNumber, KIND_RANK, NumericKind, isBsonNumber } from './bson-number';
import * as decimal from './decimal';
import { bsonType } from './forms';

/** A value as a BsonNumber when it is a number of any kind (BsonNumber, JS number, bson class), else undefined. */
export function asNumber(value: unknown): BsonNumber | undefined {
  if (isBsonNumber(value)) return value;
  if (typeof value === 'number') return BsonNumber.fromNumber(value);
  if (typeof value === 'bigint') return BsonNumber.fromInteger(value, 'long');
  const type = bsonType(value);
  if (type === 'Int32' || type === 'Double' || type === 'Long' || type === 'Decimal128') {
    return BsonNumber.fromBson(value as Parameters<typeof BsonNumber.fromBson>[0]);
  }
  return undefined;
}

export function widerKind(a: NumericKind, b: NumericKind): NumericKind {
  return KIND_RANK[a] >= KIND_RANK[b] ? a : b;
}

export type Overflow = 'widen' | 'exact';

/** Thrown by `exact` arithmetic when a long result does not fit in 64 bits. */
export class LongOverflowError extends Error {
  constructor() {
    super('integer overflow');
  }
}

type IntegerOperation = (a: bigint, b: bigint) => bigint;
type DoubleOperation = (a: number, b: number) => number;
type DecimalOperation = (a: decimal.Decimal, b: decimal.Decimal) => decimal.Decimal;

function operate(
  a: BsonNumber,
  b: BsonNumber,
  integer: IntegerOperation,
  double: DoubleOperation,
  decimalOperation: DecimalOperation,
  overflow: Overflow,
): BsonNumber {
  const kind = widerKind(a.kind, b.kind);
  if (kind === 'decimal') return BsonNumber.decimal(decimalOperation(a.toDecimal(), b.toDecimal()));
  if (kind === 'double') return BsonNumber.double(double(a.toNumber(), b.toNumber()));
  const result = integer(a.toBigInt() as bigint, b.toBigInt() as bigint);
  const fitsLong = result >= -(2n ** 63n) && result < 2n ** 63n;
  if (!fitsLong && overflow === 'exact') throw new LongOverflowError();
  return BsonNumber.fromInteger(result, kind === 'long' ? 'long' : 'int');
}

export function add(a: BsonNumber, b: BsonNumber, overflow: Overflow = 'widen'): BsonNumber {
  return operate(a, b, (x, y) => x + y, (x, y) => x + y, decimal.add, overflow);
}

export function subtract(a: BsonNumber, b: BsonNumber, overflow: Overflow = 'widen'): BsonNumber {
  return operate(a, b, (x, y) => x - y, (x, y) => x - y, decimal.subtract, overflow);
}

export function multiply(a: BsonNumber, b: BsonNumber, overflow: Overflow = 'widen'): BsonNumber {
  return operate(a, b, (x, y) => x * y, (x, y) => x * y, decimal.multiply, overflow);
}

/** Division: a double unless an operand is a decimal. The caller refuses division by zero. */
export function divide(a: BsonNumber, b: BsonNumber): BsonNumber {
  if (a.kind === 'decimal' || b.kind === 'decimal') return BsonNumber.decimal(decimal.divide(a.toDecimal(), b.toDecimal()));
  return BsonNumber.double(a.toNumber() / b.toNumber());
}

/** Remainder with the dividend's sign. The caller refuses a zero divisor. */
export function remainder(a: BsonNumber, b: BsonNumber): BsonNumber {
  const kind = widerKind(a.kind, b.kind);
  if (kind === 'decimal') return BsonNumber.decimal(decimal.remainder(a.toDecimal(), b.toDecimal()));
  if (kind === 'double') return BsonNumber.double(a.toNumber() % b.toNumber());
  return BsonNumber.fromInteger((a.toBigInt() as bigint) % (b.toBigInt() as bigint), kind === 'long' ? 'long' : 'int');
}

export function negate(a: BsonNumber): BsonNumber {
  return subtract(BsonNumber.int(0), a);
}

export function isZero(a: BsonNumber): boolean {
  return a.key === BsonNumber.int(0).key;
}
