/**
 * Arithmetic expression operators with MongoDB's numeric types: results keep the widest operand type
 * (int < long < double < decimal), integer overflow widens (values/arithmetic.ts), decimals stay
 * exact, null or missing operands give null, and anything else is mongod's error for the operator.
 */
import { CommandError } from '../../errors';
import * as numbers from '../../values/arithmetic';
import { BsonNumber } from '../../values/bson-number';
import * as decimal from '../../values/decimal';
import {
  describeType,
  evaluateExactly,
  evaluateOperands,
  ExpressionOperator,
  isNullish,
  operands,
} from './evaluation';

const { asNumber } = numbers;

// ---- $add, $subtract, $multiply, $divide, $mod -------------------------------------------------

const $add: ExpressionOperator = (obj, expr, options) => {
  let total = BsonNumber.int(0);
  let date: Date | undefined;
  for (const value of evaluateOperands(obj, expr, options)) {
    if (isNullish(value)) return null;
    if (value instanceof Date) {
      if (date) throw new CommandError(16612, 'only one date allowed in an $add expression');
      date = value;
      continue;
    }
    const number = asNumber(value);
    if (!number) throw new CommandError(16554, `$add only supports numeric or date types, not ${describeType(value)}`);
    total = numbers.add(total, number);
  }
  return date ? new Date(date.getTime() + Math.round(total.toNumber())) : total;
};

const $subtract: ExpressionOperator = (obj, expr, options) => {
  const [left, right] = evaluateExactly('$subtract', obj, expr, 2, options);
  if (isNullish(left) || isNullish(right)) return null;
  const x = asNumber(left);
  const y = asNumber(right);
  if (left instanceof Date) {
    // Date minus date is the difference in milliseconds, as a long.
    if (right instanceof Date) return BsonNumber.long(BigInt(left.getTime() - right.getTime()));
    if (y) return new Date(left.getTime() - Math.round(y.toNumber()));
  } else if (x && y) {
    return numbers.subtract(x, y);
  }
  throw new CommandError(16556, `can't $subtract ${describeType(right)} from ${describeType(left)}`);
};

const $multiply: ExpressionOperator = (obj, expr, options) => {
  let product = BsonNumber.int(1);
  for (const value of evaluateOperands(obj, expr, options)) {
    if (isNullish(value)) return null;
    const number = asNumber(value);
    if (!number) throw new CommandError(16555, `$multiply only supports numeric types, not ${describeType(value)}`);
    product = numbers.multiply(product, number);
  }
  return product;
};

function binaryNumbers(name: string, code: number, obj: unknown, expr: unknown, options: Parameters<ExpressionOperator>[2]) {
  const [left, right] = evaluateExactly(name, obj, expr, 2, options);
  if (isNullish(left) || isNullish(right)) return undefined;
  const x = asNumber(left);
  const y = asNumber(right);
  if (!x || !y) {
    throw new CommandError(code, `${name} only supports numeric types, not ${describeType(left)} and ${describeType(right)}`);
  }
  return [x, y] as const;
}

const $divide: ExpressionOperator = (obj, expr, options) => {
  const pair = binaryNumbers('$divide', 16609, obj, expr, options);
  if (!pair) return null;
  if (numbers.isZero(pair[1])) throw CommandError.of('BadValue', "can't $divide by zero");
  return numbers.divide(pair[0], pair[1]);
};

/** mongod keeps an int or long result unless the dividend is a double or the divisor a non-integral one. */
const $mod: ExpressionOperator = (obj, expr, options) => {
  const pair = binaryNumbers('$mod', 16611, obj, expr, options);
  if (!pair) return null;
  const [x, y] = pair;
  if (numbers.isZero(y)) throw new CommandError(16610, "can't $mod by zero");
  if (x.kind === 'decimal' || y.kind === 'decimal') return numbers.remainder(x, y);
  if (x.kind === 'double' || (y.kind === 'double' && !y.isInteger())) return BsonNumber.double(x.toNumber() % y.toNumber());
  const kind = x.kind === 'long' || y.kind === 'long' ? 'long' : 'int';
  const remainder = (x.toBigInt() as bigint) % (y.toBigInt() as bigint);
  return kind === 'long' ? BsonNumber.long(remainder) : BsonNumber.int(Number(remainder));
};

// ---- unary operators ----------------------------------------------------------------------------

function unaryNumber(name: string, obj: unknown, expr: unknown, options: Parameters<ExpressionOperator>[2]): BsonNumber | undefined {
  const [value] = evaluateExactly(name, obj, expr, 1, options);
  if (isNullish(value)) return undefined;
  const number = asNumber(value);
  if (!number) throw new CommandError(28765, `${name} only supports numeric types, not ${describeType(value)}`);
  return number;
}

const LONG_MIN = -(2n ** 63n);

const $abs: ExpressionOperator = (obj, expr, options) => {
  const n = unaryNumber('$abs', obj, expr, options);
  if (!n) return null;
  if (n.kind === 'decimal') {
    const value = n.toDecimal();
    return BsonNumber.decimal(value.kind !== 'nan' && value.negative ? decimal.negate(value) : value);
  }
  if (n.kind === 'double') return BsonNumber.double(Math.abs(n.toNumber()));
  const integer = n.toBigInt() as bigint;
  if (integer === LONG_MIN) throw new CommandError(28680, "can't take $abs of long long min");
  return BsonNumber.fromInteger(integer < 0n ? -integer : integer, n.kind);
};

function toIntegral(name: string, direction: 'floor' | 'ceil'): ExpressionOperator {
  return (obj, expr, options) => {
    const n = unaryNumber(name, obj, expr, options);
    if (!n) return null;
    if (n.kind === 'int' || n.kind === 'long') return n;
    if (n.kind === 'double') return BsonNumber.double(Math[direction](n.toNumber()));
    return BsonNumber.decimal(decimal.toIntegral(n.toDecimal(), direction));
  };
}

/**
 * A function computed in double precision: doubles and integers give a double, decimals a decimal
 * (computed through a double, so with 15 significant digits rather than 34).
 */
function doubleFunction(
  name: string,
  compute: (x: number) => number,
  checkDomain?: (x: BsonNumber) => void,
): ExpressionOperator {
  return (obj, expr, options) => {
    const n = unaryNumber(name, obj, expr, options);
    if (!n) return null;
    checkDomain?.(n);
    if (n.kind === 'decimal') return BsonNumber.decimal(decimal.decimalFromDouble(compute(n.toNumber())));
    return BsonNumber.double(compute(n.toNumber()));
  };
}

const ZERO_KEY = BsonNumber.int(0).key;
/** By canonical key, so a decimal too small for a double still counts; NaN passes through as NaN. */
const isPositive = (n: BsonNumber) => n.isNaN() || n.key > ZERO_KEY;

const $sqrt: ExpressionOperator = (obj, expr, options) => {
  const n = unaryNumber('$sqrt', obj, expr, options);
  if (!n) return null;
  if (!n.isNaN() && n.key < ZERO_KEY) throw new CommandError(28714, "$sqrt's argument must be greater than or equal to 0");
  return n.kind === 'decimal' ? BsonNumber.decimal(decimalSquareRoot(n.toDecimal())) : BsonNumber.double(Math.sqrt(n.toNumber()));
};

const $exp = doubleFunction('$exp', Math.exp);
const $ln = doubleFunction('$ln', Math.log, (n) => {
  if (!isPositive(n)) throw new CommandError(28766, `$ln's argument must be a positive number, but is ${n.display()}`);
});
const $log10 = doubleFunction('$log10', Math.log10, (n) => {
  if (!isPositive(n)) throw new CommandError(28761, `$log10's argument must be a positive number, but is ${n.display()}`);
});

const $log: ExpressionOperator = (obj, expr, options) => {
  const [value, base] = evaluateExactly('$log', obj, expr, 2, options);
  if (isNullish(value) || isNullish(base)) return null;
  const x = asNumber(value);
  const b = asNumber(base);
  if (!x) throw new CommandError(28756, `$log's argument must be numeric, not ${describeType(value)}`);
  if (!b) throw new CommandError(28757, `$log's base must be numeric, not ${describeType(base)}`);
  if (!isPositive(x)) throw new CommandError(28758, `$log's argument must be a positive number, but is ${x.display()}`);
  if (!isPositive(b) || b.key === BsonNumber.int(1).key) {
    throw new CommandError(28759, `$log's base must be a positive number not equal to 1, but is ${b.display()}`);
  }
  const result = Math.log(x.toNumber()) / Math.log(b.toNumber());
  return x.kind === 'decimal' || b.kind === 'decimal' ? BsonNumber.decimal(decimal.decimalFromDouble(result)) : BsonNumber.double(result);
};

const $pow: ExpressionOperator = (obj, expr, options) => {
  const [baseValue, exponentValue] = evaluateExactly('$pow', obj, expr, 2, options);
  if (isNullish(baseValue) || isNullish(exponentValue)) return null;
  const base = asNumber(baseValue);
  const exponent = asNumber(exponentValue);
  if (!base) throw new CommandError(28762, `$pow's base must be numeric, not ${describeType(baseValue)}`);
  if (!exponent) throw new CommandError(28763, `$pow's exponent must be numeric, not ${describeType(exponentValue)}`);
  if (numbers.isZero(base) && exponent.toNumber() < 0) {
    throw new CommandError(28764, '$pow cannot take a base of 0 and a negative exponent');
  }
  if (base.kind === 'decimal' || exponent.kind === 'decimal') return decimalPower(base, exponent);
  if (base.kind === 'double' || exponent.kind === 'double') return BsonNumber.double(Math.pow(base.toNumber(), exponent.toNumber()));
  return integerPower(base, exponent);
};

/** Integer powers stay integers while they fit (int, then long), as mongod computes them. */
function integerPower(base: BsonNumber, exponent: BsonNumber): BsonNumber {
  const b = base.toBigInt() as bigint;
  const e = exponent.toBigInt() as bigint;
  const kind = base.kind === 'long' || exponent.kind === 'long' ? 'long' : 'int';
  if (e < 0n) {
    if (b === 1n) return BsonNumber.fromInteger(1n, kind);
    if (b === -1n) return BsonNumber.fromInteger(e % 2n === 0n ? 1n : -1n, kind);
    return BsonNumber.double(Math.pow(Number(b), Number(e)));
  }
  if (e > 64n && b !== 0n && b !== 1n && b !== -1n) return BsonNumber.double(Math.pow(Number(b), Number(e)));
  return BsonNumber.fromInteger(b ** e, kind);
}

function decimalPower(base: BsonNumber, exponent: BsonNumber): BsonNumber {
  const e = exponent.toNumber();
  if (exponent.isInteger() && Math.abs(e) <= 1000) {
    let result = decimal.decimalFromBigInt(1n);
    for (let i = 0; i < Math.abs(e); i++) result = decimal.multiply(result, base.toDecimal());
    return BsonNumber.decimal(e < 0 ? decimal.divide(decimal.decimalFromBigInt(1n), result) : result);
  }
  return BsonNumber.decimal(decimal.decimalFromDouble(Math.pow(base.toNumber(), e)));
}

/** Square root to 34 significant digits, exact results reduced to their ideal exponent. */
function decimalSquareRoot(value: decimal.Decimal): decimal.Decimal {
  if (value.kind !== 'finite' || value.coefficient === 0n) return value;
  let shift = Math.max(0, 70 - value.coefficient.toString().length);
  if ((value.exponent - shift) % 2 !== 0) shift += 1;
  const scaled = value.coefficient * 10n ** BigInt(shift);
  let root = integerSquareRoot(scaled);
  let exponent = (value.exponent - shift) / 2;
  if (root * root === scaled) {
    const ideal = Math.floor(value.exponent / 2);
    while (exponent < ideal && root % 10n === 0n) {
      root /= 10n;
      exponent += 1;
    }
  } else {
    root = root * 10n + 1n; // a sticky digit, so rounding sees the root is not exact
    exponent -= 1;
  }
  return decimal.roundToDecimal128(decimal.finite(false, root, exponent));
}

function integerSquareRoot(n: bigint): bigint {
  if (n < 2n) return n;
  // Newton's iteration from above converges to the floor of the root.
  let x = BigInt(Math.ceil(Math.sqrt(Number(n)) * (1 + 1e-9))) + 1n;
  for (let next = (x + n / x) / 2n; next < x; next = (x + n / x) / 2n) x = next;
  return x;
}

// ---- $round and $trunc --------------------------------------------------------------------------

function roundingOperator(name: '$round' | '$trunc', mode: 'half-even' | 'truncate'): ExpressionOperator {
  return (obj, expr, options) => {
    const list = operands(expr);
    if (list.length < 1 || list.length > 2) {
      throw new CommandError(28667, `Expression ${name} takes at least 1 argument, and at most 2, but ${list.length} were passed in.`);
    }
    const [value, placeValue] = evaluateOperands(obj, list, options);
    if (isNullish(value) || (list.length === 2 && isNullish(placeValue))) return null;
    const n = asNumber(value);
    if (!n) throw new CommandError(51081, `${name} only supports numeric types, not ${describeType(value)}`);
    const place = list.length === 2 ? asNumber(placeValue) : BsonNumber.int(0);
    if (!place) throw new CommandError(51082, `precision argument to ${name} must be a integral value`);
    if (!place.isInteger()) throw new CommandError(51082, `precision argument to ${name} must be a integral value`);
    const places = place.toNumber();
    if (places < -20 || places > 100) {
      throw new CommandError(51083, `cannot apply ${name} with precision value ${places} value must be in [-20, 100]`);
    }
    return roundNumber(n, places, mode);
  };
}

function roundNumber(n: BsonNumber, places: number, mode: 'half-even' | 'truncate'): BsonNumber {
  if (n.kind === 'decimal') return BsonNumber.decimal(decimal.roundToPlaces(n.toDecimal(), places, mode));
  if (n.kind === 'double') {
    const x = n.toNumber();
    if (!Number.isFinite(x)) return n;
    // Through a 15-digit decimal, so 1.15 rounds as the 1.15 that was written, not as 1.149999….
    return BsonNumber.double(decimal.decimalToNumber(decimal.roundToPlaces(decimal.decimalFromDouble(x), places, mode)));
  }
  if (places >= 0) return n;
  const rounded = decimal.roundToPlaces(n.toDecimal(), places, mode);
  return BsonNumber.fromInteger(decimal.decimalToBigInt(rounded) as bigint, n.kind);
}

export const arithmeticOperators: Record<string, ExpressionOperator> = {
  $add,
  $subtract,
  $multiply,
  $divide,
  $mod,
  $abs,
  $ceil: toIntegral('$ceil', 'ceil'),
  $floor: toIntegral('$floor', 'floor'),
  $sqrt,
  $exp,
  $ln,
  $log,
  $log10,
  $pow,
  $round: roundingOperator('$round', 'half-even'),
  $trunc: roundingOperator('$trunc', 'truncate'),
};
