/**
 * mingo's own operators, adapted to the engine's numbers.
 *
 * Inside the engine every number is a BsonNumber (query/aggregate/expression-form.ts). mingo's
 * operators read numbers with `typeof x === "number"`, so an index, a count or a date part given
 * as a BsonNumber fails (`$arrayElemAt: ["$a", "$i"]`, `$slice`, `$dateAdd` …); and the numbers
 * they produce are plain, which would then compare unequal to BsonNumbers in $group keys, $in or
 * $match. So every mingo operator the engine keeps is wrapped:
 *  - the arguments it reads as numbers are evaluated through `$_internalJsNumber`, which turns
 *    BsonNumbers (and arrays of them) into JavaScript numbers; other arguments are left alone, so
 *    values it only compares or passes through keep their exact type;
 *  - numbers in its result become BsonNumbers again (Int32 when integral and in range, else Double;
 *    Double or Long where mongod's operator always returns that type).
 * The tables below list which arguments each operator reads as numbers, from mingo 7.2.7's source.
 */
import type { Options } from 'mingo/types';
import { BsonNumber, isBsonNumber } from '../../values/bson-number';
import { isPlainObject } from '../../values/forms';
import { AccumulatorOperator, evaluate, ExpressionOperator, WindowInput, WindowOperator } from './evaluation';

/** mongod names its internal operators `$_internal…`; no user pipeline spells one. */
export const JS_NUMBER_OPERATOR = '$_internalJsNumber';

function jsNumbers(value: unknown): unknown {
  if (isBsonNumber(value)) return value.toNumber();
  if (Array.isArray(value)) return value.map(jsNumbers);
  return value;
}

export const $_internalJsNumber: ExpressionOperator = (obj, expr, options) => jsNumbers(evaluate(obj, expr, options));

export type ResultKind = 'auto' | 'double' | 'long';

/** Plain numbers in a value, as BsonNumbers; the value itself when it holds none. */
export function bsonNumbersIn(value: unknown, kind: ResultKind = 'auto'): unknown {
  if (typeof value === 'number') {
    if (kind === 'double') return BsonNumber.double(value);
    if (kind === 'long' && Number.isInteger(value)) return BsonNumber.long(BigInt(value));
    return BsonNumber.fromNumber(value);
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((element, i) => {
      const converted = bsonNumbersIn(element, kind);
      if (converted !== element) (copy ??= value.slice())[i] = converted;
    });
    return copy ?? value;
  }
  if (isPlainObject(value)) {
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(value)) {
      const converted = bsonNumbersIn(value[key], kind);
      if (converted !== value[key]) (copy ??= { ...value })[key] = converted;
    }
    return copy ?? value;
  }
  return value;
}

// ---- argument rewrites ------------------------------------------------------------------------

type Rewrite = (expr: unknown) => unknown;

const asJsNumber = (expr: unknown): unknown => ({ [JS_NUMBER_OPERATOR]: expr });

/** Array operands at these positions are read as numbers. */
const positions =
  (...indexes: number[]): Rewrite =>
  (expr) =>
    Array.isArray(expr) ? expr.map((operand, i) => (indexes.includes(i) ? asJsNumber(operand) : operand)) : expr;

/** Fields of an object operand that are read as numbers. */
const fields =
  (...names: string[]): Rewrite =>
  (expr) => {
    if (!isPlainObject(expr)) return expr;
    const result = { ...expr };
    for (const name of names) if (name in expr) result[name] = asJsNumber(expr[name]);
    return result;
  };

/** Fields mingo reads without evaluating (window parameters, percentile lists): converted as they are. */
const constantFields =
  (...names: string[]): Rewrite =>
  (expr) => {
    if (!isPlainObject(expr)) return expr;
    const result = { ...expr };
    for (const name of names) if (name in expr) result[name] = jsNumbers(expr[name]);
    return result;
  };

const whole: Rewrite = asJsNumber;

const both =
  (first: Rewrite, second: Rewrite): Rewrite =>
  (expr) =>
    second(first(expr));

/** `$toLower`/`$toUpper` stringify numbers and dates through mingo's $toString, which knows no BsonNumber. */
const throughToString: Rewrite = (expr) => {
  const operand = Array.isArray(expr) && expr.length === 1 ? expr[0] : expr;
  return { $toString: operand };
};

interface Adaptation {
  rewrite?: Rewrite;
  result?: ResultKind;
}

const DATE_PARTS = ['year', 'isoWeekYear', 'month', 'isoWeek', 'day', 'isoDayOfWeek', 'hour', 'minute', 'second', 'millisecond'];

const EXPRESSIONS: Record<string, Adaptation> = {
  $arrayElemAt: { rewrite: positions(1) },
  $slice: { rewrite: positions(1, 2) },
  $range: { rewrite: positions(0, 1, 2) },
  $indexOfArray: { rewrite: positions(2, 3) },
  $indexOfBytes: { rewrite: positions(2, 3) },
  $substr: { rewrite: positions(1, 2) },
  $substrBytes: { rewrite: positions(1, 2) },
  $substrCP: { rewrite: positions(1, 2) },
  $firstN: { rewrite: fields('n') },
  $lastN: { rewrite: fields('n') },
  $dateAdd: { rewrite: fields('amount') },
  $dateSubtract: { rewrite: fields('amount') },
  $dateFromParts: { rewrite: fields(...DATE_PARTS) },
  $dateTrunc: { rewrite: fields('binSize') },
  $median: { rewrite: fields('input'), result: 'double' },
  $percentile: { rewrite: both(fields('input'), constantFields('p')), result: 'double' },
  $sampleRate: { rewrite: whole },
  $sigmoid: { rewrite: whole, result: 'double' },
  $toLower: { rewrite: throughToString },
  $toUpper: { rewrite: throughToString },
  $rand: { result: 'double' },
  $dateDiff: { result: 'long' },
  $toHashedIndexKey: { result: 'long' },
};

const ACCUMULATORS: Record<string, Adaptation> = {
  $firstN: { rewrite: fields('n') },
  $lastN: { rewrite: fields('n') },
  $median: { rewrite: fields('input'), result: 'double' },
  $percentile: { rewrite: both(fields('input'), constantFields('p')), result: 'double' },
  $covariancePop: { rewrite: positions(0, 1), result: 'double' },
  $covarianceSamp: { rewrite: positions(0, 1), result: 'double' },
};

const WINDOWS: Record<string, Adaptation> = {
  $derivative: { rewrite: fields('input'), result: 'double' },
  $integral: { rewrite: fields('input'), result: 'double' },
  $expMovingAvg: { rewrite: both(fields('input'), constantFields('N', 'alpha')), result: 'double' },
  $linearFill: { rewrite: whole },
  $minMaxScaler: { rewrite: both(fields('input'), constantFields('min', 'max')), result: 'double' },
  $shift: { rewrite: constantFields('by') },
};

/** Rewrites are cached per expression object: pipelines evaluate the same expression for every document. */
function cachedRewrite(rewrite: Rewrite | undefined): Rewrite {
  if (!rewrite) return (expr) => expr;
  const cache = new WeakMap<object, unknown>();
  return (expr) => {
    if (typeof expr !== 'object' || expr === null) return rewrite(expr);
    let rewritten = cache.get(expr);
    if (rewritten === undefined) {
      rewritten = rewrite(expr);
      cache.set(expr, rewritten);
    }
    return rewritten;
  };
}

function adaptAll<T>(operators: Record<string, T>, table: Record<string, Adaptation>, adapt: (operator: T, rewrite: Rewrite, kind: ResultKind) => T): Record<string, T> {
  const result: Record<string, T> = {};
  for (const [name, operator] of Object.entries(operators)) {
    const adaptation = table[name] ?? {};
    result[name] = adapt(operator, cachedRewrite(adaptation.rewrite), adaptation.result ?? 'auto');
  }
  return result;
}

export function adaptExpressionOperators(operators: Record<string, ExpressionOperator>): Record<string, ExpressionOperator> {
  return adaptAll(operators, EXPRESSIONS, (operator, rewrite, kind) => (obj, expr, options: Options) =>
    bsonNumbersIn(operator(obj, rewrite(expr), options), kind),
  );
}

export function adaptAccumulatorOperators(operators: Record<string, AccumulatorOperator>): Record<string, AccumulatorOperator> {
  return adaptAll(operators, ACCUMULATORS, (operator, rewrite, kind) => (collection, expr, options: Options) =>
    bsonNumbersIn(operator(collection, rewrite(expr), options), kind),
  );
}

export function adaptWindowOperators(operators: Record<string, WindowOperator>): Record<string, WindowOperator> {
  const adapted = adaptAll(operators, WINDOWS, (operator, rewrite, kind) => (obj, collection, expr: WindowInput, options: Options) =>
    bsonNumbersIn(operator(obj, collection, { ...expr, inputExpr: rewrite(expr.inputExpr) }, options), kind),
  );
  // $linearFill computes with JavaScript numbers; the values it does not fill keep their own type.
  const linearFill = adapted.$linearFill;
  adapted.$linearFill = (obj, collection, expr, options) => {
    const own = evaluate(obj, expr.inputExpr, options);
    const filled = linearFill(obj, collection, expr, options);
    return own === null || own === undefined ? bsonNumbersIn(jsNumbers(filled), 'double') : own;
  };
  return adapted;
}
