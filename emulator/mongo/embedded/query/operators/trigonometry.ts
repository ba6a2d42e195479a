/**
 * Trigonometric expressions: doubles and integers give a double, a decimal gives a decimal (computed
 * through a double); out-of-domain inputs are mongod's error 50989.
 */
import { CommandError } from '../../errors';
import { asNumber } from '../../values/arithmetic';
import { BsonNumber } from '../../values/bson-number';
import { decimalFromDouble } from '../../values/decimal';
import { describeType, evaluateExactly, ExpressionOperator, isNullish } from './evaluation';

interface Domain {
  test(x: number): boolean;
  shown: string;
}

const ANY: Domain = { test: (x) => Number.isNaN(x) || Number.isFinite(x), shown: '(-inf,inf)' };
const UNIT: Domain = { test: (x) => Number.isNaN(x) || (x >= -1 && x <= 1), shown: '[-1,1]' };
const AT_LEAST_ONE: Domain = { test: (x) => Number.isNaN(x) || x >= 1, shown: '[1,inf]' };
const EVERYTHING: Domain = { test: () => true, shown: '[-inf,inf]' };

function result(x: number, asDecimal: boolean): BsonNumber {
  return asDecimal ? BsonNumber.decimal(decimalFromDouble(x)) : BsonNumber.double(x);
}

function numericOperand(name: string, value: unknown): BsonNumber {
  const n = asNumber(value);
  if (!n) throw new CommandError(28765, `${name} only supports numeric types, not ${describeType(value)}`);
  return n;
}

function unary(name: string, compute: (x: number) => number, domain: Domain): ExpressionOperator {
  return (obj, expr, options) => {
    const [value] = evaluateExactly(name, obj, expr, 1, options);
    if (isNullish(value)) return null;
    const n = numericOperand(name, value);
    const x = n.toNumber();
    if (!domain.test(x)) throw new CommandError(50989, `cannot apply ${name} to ${n.display()}, value must be in ${domain.shown}`);
    return result(compute(x), n.kind === 'decimal');
  };
}

const $atan2: ExpressionOperator = (obj, expr, options) => {
  const [yValue, xValue] = evaluateExactly('$atan2', obj, expr, 2, options);
  if (isNullish(yValue) || isNullish(xValue)) return null;
  const y = numericOperand('$atan2', yValue);
  const x = numericOperand('$atan2', xValue);
  return result(Math.atan2(y.toNumber(), x.toNumber()), y.kind === 'decimal' || x.kind === 'decimal');
};

export const trigonometryOperators: Record<string, ExpressionOperator> = {
  $sin: unary('$sin', Math.sin, ANY),
  $cos: unary('$cos', Math.cos, ANY),
  $tan: unary('$tan', Math.tan, ANY),
  $asin: unary('$asin', Math.asin, UNIT),
  $acos: unary('$acos', Math.acos, UNIT),
  $atan: unary('$atan', Math.atan, EVERYTHING),
  $sinh: unary('$sinh', Math.sinh, EVERYTHING),
  $cosh: unary('$cosh', Math.cosh, EVERYTHING),
  $tanh: unary('$tanh', Math.tanh, EVERYTHING),
  $asinh: unary('$asinh', Math.asinh, EVERYTHING),
  $acosh: unary('$acosh', Math.acosh, AT_LEAST_ONE),
  $atanh: unary('$atanh', Math.atanh, UNIT),
  $degreesToRadians: unary('$degreesToRadians', (x) => (x * Math.PI) / 180, EVERYTHING),
  $radiansToDegrees: unary('$radiansToDegrees', (x) => (x * 180) / Math.PI, EVERYTHING),
  $atan2,
};
