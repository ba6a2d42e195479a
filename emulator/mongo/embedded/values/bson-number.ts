/**
 * BsonNumber: how the engine holds every numeric value (Int32, Int64, Double, Decimal128).
 *
 * mingo works on plain JavaScript values and cannot compare a Long with a Decimal128 or a number
 * (ARCHITECTURE.md, "Known hard part"). MongoDB compares all numeric types with each other and keeps
 * each value's exact type. So every number in a stored document, and every number in a filter, is a
 * BsonNumber:
 *  - its own enumerable `$#` field is a canonical, order-preserving string of the numeric value
 *    (Int32(3), Long(3), Double(3.0) and Decimal128("3.00") share one key). mingo compares two
 *    objects of one class by `toString()` and hashes them by their own keys, so equality, ordering,
 *    `$in`, `$group` keys and `$addToSet` all follow numeric value across types;
 *  - it keeps the exact value and type, and `toBSON()` gives the original BSON value back when a
 *    document is serialised, so a Long above 2^53 or a Decimal128 comes back exactly.
 */
import { Decimal128, Double, Int32, Long } from 'bson';
import {
  Decimal,
  decimalFromBigInt,
  decimalFromDecimal128,
  decimalFromDouble,
  decimalToBigInt,
  decimalToNumber,
  parseDecimal,
  toDecimal128,
} from './decimal';

export type NumericKind = 'int' | 'long' | 'double' | 'decimal';

/** Order of the numeric types when MongoDB widens a result: int < long < double < decimal. */
export const KIND_RANK: Record<NumericKind, number> = { int: 0, long: 1, double: 2, decimal: 3 };

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

export class BsonNumber {
  /**
   * The canonical key (see "canonical keys" below). Own and enumerable on purpose: mingo hashes an
   * object by its own keys. Named `$#` because mingo reads any object with a `$word` key as an
   * operator expression, and no field path or operator can be spelled `$#`.
   */
  readonly '$#': string;
  readonly #kind: NumericKind;
  /** int and double: the value; long and decimal: a double approximation. */
  readonly #approx: number;
  readonly #long: bigint | undefined;
  readonly #decimal: Decimal128 | undefined;

  private constructor(kind: NumericKind, approx: number, key: string, long?: bigint, decimal?: Decimal128) {
    this.#kind = kind;
    this.#approx = approx;
    this.#long = long;
    this.#decimal = decimal;
    this['$#'] = key;
  }

  static int(value: number): BsonNumber {
    return new BsonNumber('int', value, keyOfNumber(value));
  }

  static double(value: number): BsonNumber {
    return new BsonNumber('double', value, keyOfNumber(value));
  }

  static long(value: bigint): BsonNumber {
    return new BsonNumber('long', Number(value), keyOfBigInt(value), value);
  }

  static decimal(value: Decimal128 | Decimal): BsonNumber {
    const decimal128 = value instanceof Decimal128 ? value : toDecimal128(value);
    const parsed = decimalFromDecimal128(decimal128);
    return new BsonNumber('decimal', decimalToNumber(parsed), keyOfDecimal(parsed), undefined, decimal128);
  }

  /** A JavaScript number as the driver would have sent it: Int32 when integral and in range, else Double. */
  static fromNumber(value: number): BsonNumber {
    return Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX && !Object.is(value, -0)
      ? BsonNumber.int(value)
      : BsonNumber.double(value);
  }

  /** A result of integer arithmetic: Int32 if it fits, Long if it fits, else Double (MongoDB's widening). */
  static fromInteger(value: bigint, atLeast: 'int' | 'long' = 'int'): BsonNumber {
    if (atLeast === 'int' && value >= BigInt(INT32_MIN) && value <= BigInt(INT32_MAX)) return BsonNumber.int(Number(value));
    if (value >= LONG_MIN && value <= LONG_MAX) return BsonNumber.long(value);
    return BsonNumber.double(Number(value));
  }

  static fromBson(value: Int32 | Double | Long | Decimal128): BsonNumber {
    switch (value._bsontype) {
      case 'Int32':
        return BsonNumber.int(value.value);
      case 'Double':
        return BsonNumber.double(value.value);
      case 'Long':
        return BsonNumber.long(value.toBigInt());
      case 'Decimal128':
        return BsonNumber.decimal(value);
    }
  }

  get kind(): NumericKind {
    return this.#kind;
  }

  /** The value as a JavaScript number (rounded for Longs beyond 2^53 and for decimals). */
  toNumber(): number {
    return this.#approx;
  }

  /** Exact for int and long; doubles and decimals are truncated towards zero. */
  toBigInt(): bigint | undefined {
    if (this.#long !== undefined) return this.#long;
    if (this.#kind === 'decimal') return decimalToBigInt(this.toDecimal());
    return Number.isFinite(this.#approx) ? BigInt(Math.trunc(this.#approx)) : undefined;
  }

  toDecimal(): Decimal {
    switch (this.#kind) {
      case 'decimal':
        return decimalFromDecimal128(this.toBSON() as Decimal128);
      case 'long':
        return decimalFromBigInt(this.#long as bigint);
      case 'int':
        return decimalFromBigInt(BigInt(this.#approx));
      case 'double':
        return decimalFromDouble(this.#approx);
    }
  }

  isInteger(): boolean {
    if (this.#kind === 'int' || this.#kind === 'long') return true;
    if (this.#kind === 'double') return Number.isInteger(this.#approx);
    const parsed = this.toDecimal();
    return parsed.kind === 'finite' && (parsed.exponent >= 0 || parsed.coefficient % 10n ** BigInt(-parsed.exponent) === 0n);
  }

  isNaN(): boolean {
    return this['$#'] === NAN_KEY;
  }

  toBSON(): Int32 | Double | Long | Decimal128 {
    switch (this.#kind) {
      case 'int':
        return new Int32(this.#approx);
      case 'double':
        return new Double(this.#approx);
      case 'long':
        return Long.fromBigInt(this.#long as bigint);
      case 'decimal':
        return this.#decimal as Decimal128;
    }
  }

  /** The canonical key: what mingo compares and what equality means. */
  toString(): string {
    return this['$#'];
  }

  get key(): string {
    return this['$#'];
  }

  valueOf(): number {
    return this.#approx;
  }

  toJSON(): number | string {
    return this.#kind === 'long' || this.#kind === 'decimal' ? this.display() : this.#approx;
  }

  /** The value as MongoDB prints it in messages: 5, 5.5, 9223372036854775807, 9.99. */
  display(): string {
    if (this.#kind === 'long') return String(this.#long);
    if (this.#kind === 'decimal') return (this.#decimal as Decimal128).toString();
    return String(this.#approx);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const names = { int: 'Int32', long: 'Long', double: 'Double', decimal: 'Decimal128' };
    return `${names[this.#kind]}(${this.display()})`;
  }
}

export function isBsonNumber(value: unknown): value is BsonNumber {
  return value instanceof BsonNumber;
}

// ---- canonical keys ---------------------------------------------------------------------------
// Keys sort lexicographically in numeric order:
//   "0" NaN  <  "1" -Infinity  <  "2…" negatives  <  "3" zero  <  "4…" positives  <  "5" +Infinity
// A finite non-zero value is 0.d1d2…dn × 10^E (d1 ≠ 0, dn ≠ 0). Positives are "4", E + 10000 in five
// digits, then the digits. Negatives complement both (and end with "~", above every digit), so a
// longer digit string — a larger magnitude — sorts lower.

const NAN_KEY = '0';
const NEGATIVE_INFINITY_KEY = '1';
const ZERO_KEY = '3';
const POSITIVE_INFINITY_KEY = '5';
const EXPONENT_BIAS = 10000;

function keyOfDigits(negative: boolean, digits: string, exponent: number): string {
  const trimmed = digits.replace(/^0+/, '').replace(/0+$/, '');
  if (trimmed === '') return ZERO_KEY;
  const leadingZeros = digits.length - digits.replace(/^0+/, '').length;
  const scale = exponent - leadingZeros;
  const biased = scale + EXPONENT_BIAS;
  if (!negative) return `4${String(biased).padStart(5, '0')}${trimmed}`;
  let complemented = '';
  for (let i = 0; i < trimmed.length; i++) complemented += String(9 - (trimmed.charCodeAt(i) - 48));
  return `2${String(99999 - biased).padStart(5, '0')}${complemented}~`;
}

function keyOfBigInt(value: bigint): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString();
  return keyOfDigits(negative, digits, digits.length);
}

function keyOfNumber(value: number): string {
  if (Number.isNaN(value)) return NAN_KEY;
  if (value === Infinity) return POSITIVE_INFINITY_KEY;
  if (value === -Infinity) return NEGATIVE_INFINITY_KEY;
  if (value === 0) return ZERO_KEY;
  // Integral doubles beyond 2^53 are printed in shortest form ("1152921504606847000"), which is not
  // their exact value; BigInt gives the exact digits so they compare correctly with Longs.
  if (Number.isInteger(value) && Math.abs(value) >= 2 ** 53) return keyOfBigInt(BigInt(value));
  const [mantissa, exponentText] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  return keyOfDigits(value < 0, digits, Number(exponentText) + 1);
}

function keyOfDecimal(value: Decimal): string {
  if (value.kind === 'nan') return NAN_KEY;
  if (value.kind === 'infinity') return value.negative ? NEGATIVE_INFINITY_KEY : POSITIVE_INFINITY_KEY;
  const digits = value.coefficient.toString();
  return keyOfDigits(value.negative, digits, digits.length + value.exponent);
}

/** The key of a decimal written as text; exported for tests of the key order. */
export function keyOfDecimalText(text: string): string {
  return keyOfDecimal(parseDecimal(text));
}
