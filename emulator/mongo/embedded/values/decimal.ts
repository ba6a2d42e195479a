/**
 * Exact decimal arithmetic for Decimal128 values.
 *
 * The `bson` package can parse and print Decimal128 but has no arithmetic, and MongoDB keeps
 * Decimal128 arithmetic in decimal ($inc, $add, $sum on a decimal give a decimal, with 34
 * significant digits and round-half-even). A decimal is held here as sign × coefficient × 10^exponent
 * with a BigInt coefficient, so additions and multiplications are exact until the final rounding.
 */
import { Decimal128 } from 'bson';

export type Decimal =
  | { readonly kind: 'finite'; readonly negative: boolean; readonly coefficient: bigint; readonly exponent: number }
  | { readonly kind: 'infinity'; readonly negative: boolean }
  | { readonly kind: 'nan' };

const MAX_DIGITS = 34;
const MAX_EXPONENT = 6111;
const MIN_EXPONENT = -6176;
const TEN = 10n;

export const DECIMAL_NAN: Decimal = { kind: 'nan' };

export function finite(negative: boolean, coefficient: bigint, exponent: number): Decimal {
  return { kind: 'finite', negative, coefficient, exponent };
}

/** Parses the strings `Decimal128.toString()` prints ("1.00E+3", "-0", "NaN", "Infinity", "0.001"). */
export function parseDecimal(text: string): Decimal {
  const match = /^([+-])?(?:(nan)|(inf(?:inity)?)|(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?)$/i.exec(text.trim());
  if (!match) throw new Error(`not a decimal number: ${text}`);
  const negative = match[1] === '-';
  if (match[2]) return DECIMAL_NAN;
  if (match[3]) return { kind: 'infinity', negative };
  const whole = match[4] ?? '';
  const fraction = match[5] ?? '';
  if (whole === '' && fraction === '') throw new Error(`not a decimal number: ${text}`);
  const exponent = Number(match[6] ?? '0') - fraction.length;
  return finite(negative, BigInt(whole + fraction || '0'), exponent);
}

export function decimalFromDecimal128(value: Decimal128): Decimal {
  return parseDecimal(value.toString());
}

export function decimalFromBigInt(value: bigint): Decimal {
  return finite(value < 0n, value < 0n ? -value : value, 0);
}

/**
 * MongoDB converts a double to Decimal128 with 15 significant digits (the precision a double
 * reliably holds), so 0.1 becomes 0.100000000000000 and not 0.1000000000000000055511151231257827.
 */
export function decimalFromDouble(value: number): Decimal {
  if (Number.isNaN(value)) return DECIMAL_NAN;
  if (!Number.isFinite(value)) return { kind: 'infinity', negative: value < 0 };
  if (value === 0) return finite(Object.is(value, -0), 0n, 0);
  return parseDecimal(value.toPrecision(15));
}

export function decimalToNumber(value: Decimal): number {
  if (value.kind === 'nan') return NaN;
  if (value.kind === 'infinity') return value.negative ? -Infinity : Infinity;
  const magnitude = Number(`${value.coefficient}e${value.exponent}`);
  return value.negative ? -magnitude : magnitude;
}

export function isZero(value: Decimal): boolean {
  return value.kind === 'finite' && value.coefficient === 0n;
}

function digitCount(value: bigint): number {
  return value === 0n ? 1 : value.toString().length;
}

/** Drops `drop` trailing digits of a coefficient with round-half-even. */
function roundOff(coefficient: bigint, drop: number): bigint {
  if (drop <= 0) return coefficient;
  const divisor = TEN ** BigInt(drop);
  let quotient = coefficient / divisor;
  const remainder = coefficient % divisor;
  const twice = remainder * 2n;
  if (twice > divisor || (twice === divisor && quotient % 2n === 1n)) quotient += 1n;
  return quotient;
}

/** Rounds to what a Decimal128 can hold: 34 digits, exponent within [-6176, 6111]. */
export function roundToDecimal128(value: Decimal): Decimal {
  if (value.kind !== 'finite') return value;
  let { coefficient, exponent } = value;
  const excess = digitCount(coefficient) - MAX_DIGITS;
  if (excess > 0) {
    coefficient = roundOff(coefficient, excess);
    exponent += excess;
    if (digitCount(coefficient) > MAX_DIGITS) {
      coefficient /= TEN;
      exponent += 1;
    }
  }
  if (exponent < MIN_EXPONENT) {
    coefficient = roundOff(coefficient, MIN_EXPONENT - exponent);
    exponent = MIN_EXPONENT;
  }
  while (exponent > MAX_EXPONENT && coefficient !== 0n && digitCount(coefficient) < MAX_DIGITS) {
    coefficient *= TEN;
    exponent -= 1;
  }
  if (exponent > MAX_EXPONENT) {
    if (coefficient === 0n) exponent = MAX_EXPONENT;
    else return { kind: 'infinity', negative: value.negative };
  }
  return finite(value.negative, coefficient, exponent);
}

export function toDecimal128(value: Decimal): Decimal128 {
  const rounded = roundToDecimal128(value);
  if (rounded.kind === 'nan') return Decimal128.fromString('NaN');
  if (rounded.kind === 'infinity') return Decimal128.fromString(rounded.negative ? '-Infinity' : 'Infinity');
  return Decimal128.fromString(`${rounded.negative ? '-' : ''}${rounded.coefficient}E${rounded.exponent}`);
}

function align(a: { coefficient: bigint; exponent: number }, b: { coefficient: bigint; exponent: number }) {
  const exponent = Math.min(a.exponent, b.exponent);
  return {
    exponent,
    left: a.coefficient * TEN ** BigInt(a.exponent - exponent),
    right: b.coefficient * TEN ** BigInt(b.exponent - exponent),
  };
}

export function negate(value: Decimal): Decimal {
  if (value.kind === 'nan') return value;
  return { ...value, negative: !value.negative };
}

export function add(a: Decimal, b: Decimal): Decimal {
  if (a.kind === 'nan' || b.kind === 'nan') return DECIMAL_NAN;
  if (a.kind === 'infinity' || b.kind === 'infinity') {
    if (a.kind === 'infinity' && b.kind === 'infinity') return a.negative === b.negative ? a : DECIMAL_NAN;
    return a.kind === 'infinity' ? a : b;
  }
  const { exponent, left, right } = align(a, b);
  const sum = (a.negative ? -left : left) + (b.negative ? -right : right);
  const negative = sum < 0n || (sum === 0n && a.negative && b.negative);
  return roundToDecimal128(finite(negative, sum < 0n ? -sum : sum, exponent));
}

export function subtract(a: Decimal, b: Decimal): Decimal {
  return add(a, negate(b));
}

export function multiply(a: Decimal, b: Decimal): Decimal {
  if (a.kind === 'nan' || b.kind === 'nan') return DECIMAL_NAN;
  const negative = a.negative !== b.negative;
  if (a.kind === 'infinity' || b.kind === 'infinity') {
    if ((a.kind === 'finite' && a.coefficient === 0n) || (b.kind === 'finite' && b.coefficient === 0n)) return DECIMAL_NAN;
    return { kind: 'infinity', negative };
  }
  return roundToDecimal128(finite(negative, a.coefficient * b.coefficient, a.exponent + b.exponent));
}

/** Division to 34 significant digits; division by zero gives ±Infinity (NaN for 0/0), as IEEE 754-2008 decimal does. */
export function divide(a: Decimal, b: Decimal): Decimal {
  if (a.kind === 'nan' || b.kind === 'nan') return DECIMAL_NAN;
  const negative = a.negative !== b.negative;
  if (a.kind === 'infinity') return b.kind === 'infinity' ? DECIMAL_NAN : { kind: 'infinity', negative };
  if (b.kind === 'infinity') return finite(negative, 0n, 0);
  if (b.coefficient === 0n) return a.coefficient === 0n ? DECIMAL_NAN : { kind: 'infinity', negative };
  if (a.coefficient === 0n) return finite(negative, 0n, a.exponent - b.exponent);
  // Scale the dividend so the quotient has MAX_DIGITS + 2 digits, then round once.
  const shift = Math.max(0, MAX_DIGITS + 2 - (digitCount(a.coefficient) - digitCount(b.coefficient)));
  const scaled = a.coefficient * TEN ** BigInt(shift);
  let quotient = scaled / b.coefficient;
  const remainder = scaled % b.coefficient;
  // A non-zero remainder only matters as a tie-breaker: fold it into a sticky last digit.
  quotient = quotient * TEN + (remainder === 0n ? 0n : 1n);
  let exponent = a.exponent - b.exponent - shift - 1;
  // Strip trailing zeros the scaling introduced, down to the ideal exponent of an exact quotient.
  const ideal = a.exponent - b.exponent;
  while (exponent < ideal && quotient % TEN === 0n) {
    quotient /= TEN;
    exponent += 1;
  }
  return roundToDecimal128(finite(negative, quotient, exponent));
}

/** Remainder with the sign of the dividend, as MongoDB's $mod gives for decimals. */
export function remainder(a: Decimal, b: Decimal): Decimal {
  if (a.kind !== 'finite' || b.kind !== 'finite' || b.coefficient === 0n) return DECIMAL_NAN;
  const { exponent, left, right } = align(a, b);
  return roundToDecimal128(finite(a.negative, left % right, exponent));
}

/** Rounds to `places` digits after the point (negative places round to tens, hundreds …), half to even. */
export function roundToPlaces(value: Decimal, places: number, mode: 'half-even' | 'truncate'): Decimal {
  if (value.kind !== 'finite' || -value.exponent <= places) return value;
  const drop = -value.exponent - places;
  const coefficient =
    mode === 'truncate' ? value.coefficient / TEN ** BigInt(drop) : roundOff(value.coefficient, drop);
  return finite(value.negative, coefficient, -places);
}

/** Rounds towards -Infinity ('floor') or +Infinity ('ceil') to an integer. */
export function toIntegral(value: Decimal, direction: 'floor' | 'ceil'): Decimal {
  if (value.kind !== 'finite' || value.exponent >= 0) return value;
  const divisor = TEN ** BigInt(-value.exponent);
  let whole = value.coefficient / divisor;
  const hasFraction = value.coefficient % divisor !== 0n;
  if (hasFraction && (direction === 'floor' ? value.negative : !value.negative)) whole += 1n;
  return finite(value.negative, whole, 0);
}

/** The integer value of a finite decimal (truncated), or undefined for NaN and infinities. */
export function decimalToBigInt(value: Decimal): bigint | undefined {
  if (value.kind !== 'finite') return undefined;
  const magnitude =
    value.exponent >= 0
      ? value.coefficient * TEN ** BigInt(value.exponent)
      : value.coefficient / TEN ** BigInt(-value.exponent);
  return value.negative ? -magnitude : magnitude;
}
