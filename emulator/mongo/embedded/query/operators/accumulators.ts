/**
 * Accumulators that compute with numbers or order values, in their $group/$setWindowFields form and
 * their expression form (`{$sum: ["$a", "$b"]}`, `{$max: "$scores"}`).
 *
 * $sum keeps MongoDB's types: integers add exactly (an int sum that overflows becomes a long, a long
 * sum that overflows a double), doubles add with compensation (as mongod's DoubleDouble summation
 * does), and any decimal makes the sum a decimal. $min/$max/$minN/$maxN/$top… order values in BSON
 * order (values/compare.ts).
 */
import type { Options } from 'mingo/types';
import { CommandError } from '../../errors';
import { asNumber } from '../../values/arithmetic';
import { BsonNumber } from '../../values/bson-number';
import { compareValues, sortDocuments } from '../../values/compare';
import * as decimal from '../../values/decimal';
import { isPlainObject } from '../../values/forms';
import {
  AccumulatorOperator,
  describeType,
  evaluate,
  evaluateEach,
  ExpressionOperator,
  groupId,
  isNullish,
  operands,
} from './evaluation';
import { parseSortSpec } from './stages/sort';

class Summation {
  count = 0;
  private kind: 'int' | 'long' | 'double' | 'decimal' = 'int';
  private integers = 0n;
  private doubles = 0;
  private compensation = 0;
  private decimals: decimal.Decimal = decimal.decimalFromBigInt(0n);

  add(value: unknown): void {
    const n = asNumber(value);
    if (!n) return;
    this.count++;
    if (n.kind === 'decimal') {
      this.kind = 'decimal';
      this.decimals = decimal.add(this.decimals, n.toDecimal());
    } else if (n.kind === 'double') {
      if (this.kind !== 'decimal') this.kind = 'double';
      this.addDouble(n.toNumber());
    } else {
      if (n.kind === 'long' && this.kind === 'int') this.kind = 'long';
      this.integers += n.toBigInt() as bigint;
    }
  }

  /** Neumaier's compensated summation; infinities and NaN make plain sums. */
  private addDouble(value: number): void {
    const sum = this.doubles + value;
    if (!Number.isFinite(sum) || !Number.isFinite(value)) {
      this.doubles = sum;
      this.compensation = 0;
      return;
    }
    this.compensation +=
      Math.abs(this.doubles) >= Math.abs(value) ? this.doubles - sum + value : value - sum + this.doubles;
    this.doubles = sum;
  }

  private doubleTotal(): number {
    return this.doubles + this.compensation + Number(this.integers);
  }

  sum(): BsonNumber {
    switch (this.kind) {
      case 'decimal':
        return BsonNumber.decimal(this.decimalTotal());
      case 'double':
        return BsonNumber.double(this.doubleTotal());
      default:
        return BsonNumber.fromInteger(this.integers, this.kind);
    }
  }

  average(): BsonNumber | null {
    if (this.count === 0) return null;
    if (this.kind === 'decimal') return BsonNumber.decimal(decimal.divide(this.decimalTotal(), decimal.decimalFromBigInt(BigInt(this.count))));
    return BsonNumber.double(this.doubleTotal() / this.count);
  }

  private decimalTotal(): decimal.Decimal {
    const others = decimal.add(decimal.decimalFromBigInt(this.integers), decimal.decimalFromDouble(this.doubles + this.compensation));
    return decimal.add(this.decimals, others);
  }
}

function sumOf(values: unknown[]): Summation {
  const summation = new Summation();
  for (const value of values) summation.add(value);
  return summation;
}

/** Population or sample standard deviation (Welford), always a double; null without enough values. */
function standardDeviation(values: unknown[], sample: boolean): BsonNumber | null {
  let count = 0;
  let mean = 0;
  let squares = 0;
  for (const value of values) {
    const n = asNumber(value);
    if (!n) continue;
    const x = n.toNumber();
    count++;
    const delta = x - mean;
    mean += delta / count;
    squares += delta * (x - mean);
  }
  if (count === 0 || (sample && count === 1)) return null;
  return BsonNumber.double(Math.sqrt(squares / (sample ? count - 1 : count)));
}

function extreme(values: unknown[], direction: 1 | -1): unknown {
  let chosen: unknown = null;
  for (const value of values) {
    if (isNullish(value)) continue;
    if (chosen === null || compareValues(value, chosen) * direction > 0) chosen = value;
  }
  return chosen;
}

type Reducer = (values: unknown[]) => unknown;

const REDUCERS: Record<string, Reducer> = {
  $sum: (values) => sumOf(values).sum(),
  $avg: (values) => sumOf(values).average(),
  $max: (values) => extreme(values, 1),
  $min: (values) => extreme(values, -1),
  $stdDevPop: (values) => standardDeviation(values, false),
  $stdDevSamp: (values) => standardDeviation(values, true),
};

/**
 * The expression form: one operand that is an array is traversed, a list of operands is not
 * (`{$sum: "$scores"}` adds the array's elements, `{$sum: ["$a", "$b"]}` adds two values).
 */
function expressionValues(obj: unknown, expr: unknown, options: Options): unknown[] {
  const list = operands(expr);
  if (list.length === 1) {
    const value = evaluate(obj, list[0], options);
    return Array.isArray(value) ? value : [value];
  }
  return list.map((operand) => evaluate(obj, operand, options));
}

/** mingo evaluates accumulators of $group through the expression table, with the group's documents as `obj`. */
function bothForms(reduce: Reducer): { accumulator: AccumulatorOperator; expression: ExpressionOperator } {
  const accumulator: AccumulatorOperator = (collection, expr, options) => reduce(evaluateEach(collection, expr, options));
  const expression: ExpressionOperator = (obj, expr, options) =>
    Array.isArray(obj) ? accumulator(obj, expr, options) : reduce(expressionValues(obj, expr, options));
  return { accumulator, expression };
}

// ---- n-value and sorted accumulators ------------------------------------------------------------

function countParameter(name: string, expr: unknown, options: Options): number {
  if (!isPlainObject(expr) || !('n' in expr)) throw new CommandError(5787906, `Missing value for 'n' in ${name}`);
  const n = asNumber(evaluate(groupId(options) ?? null, expr.n, options));
  if (!n || !n.isInteger()) throw new CommandError(5787902, `Value for 'n' must be of integral type in ${name}`);
  if (n.toNumber() <= 0) throw new CommandError(5787908, `'n' must be greater than 0, found ${n.display()}`);
  return n.toNumber();
}

function orderedN(name: string, direction: 1 | -1): { accumulator: AccumulatorOperator; expression: ExpressionOperator } {
  const take = (values: unknown[], n: number) =>
    values
      .filter((value) => !isNullish(value))
      .sort((a, b) => compareValues(a, b) * -direction)
      .slice(0, n);
  const input = (expr: unknown) => (isPlainObject(expr) ? expr.input : undefined);
  const accumulator: AccumulatorOperator = (collection, expr, options) =>
    take(evaluateEach(collection, input(expr), options), countParameter(name, expr, options));
  const expression: ExpressionOperator = (obj, expr, options) => {
    if (Array.isArray(obj)) return accumulator(obj, expr, options);
    const n = countParameter(name, expr, options);
    const values = evaluate(obj, input(expr), options);
    if (isNullish(values)) return null;
    if (!Array.isArray(values)) throw new CommandError(5788200, `Input must be an array, found ${describeType(values)}`);
    return take(values, n);
  };
  return { accumulator, expression };
}

function sortedSelection(name: string, end: 'top' | 'bottom', single: boolean): AccumulatorOperator {
  return (collection, expr, options) => {
    if (!isPlainObject(expr)) throw new CommandError(5788001, `${name} requires an object`);
    if (!('output' in expr)) throw new CommandError(5788001, `Missing value for 'output' in ${name}`);
    if (!('sortBy' in expr)) throw new CommandError(5788003, `Missing value for 'sortBy' in ${name}`);
    const n = single ? 1 : countParameter(name, expr, options);
    const sorted = sortDocuments(collection.slice(), parseSortSpec(expr.sortBy, name));
    const chosen = end === 'top' ? sorted.slice(0, n) : sorted.slice(Math.max(0, sorted.length - n));
    const outputs = evaluateEach(chosen, expr.output, options).map((value) => value ?? null);
    return single ? (outputs[0] ?? null) : outputs;
  };
}

const numericForms = Object.fromEntries(Object.entries(REDUCERS).map(([name, reduce]) => [name, bothForms(reduce)]));
const nForms = { $maxN: orderedN('$maxN', 1), $minN: orderedN('$minN', -1) };

export const accumulatorOperators: Record<string, AccumulatorOperator> = {
  ...Object.fromEntries(Object.entries({ ...numericForms, ...nForms }).map(([name, forms]) => [name, forms.accumulator])),
  $top: sortedSelection('$top', 'top', true),
  $bottom: sortedSelection('$bottom', 'bottom', true),
  $topN: sortedSelection('$topN', 'top', false),
  $bottomN: sortedSelection('$bottomN', 'bottom', false),
};

export const accumulatorExpressionOperators: Record<string, ExpressionOperator> = Object.fromEntries(
  Object.entries({ ...numericForms, ...nForms }).map(([name, forms]) => [name, forms.expression]),
);
