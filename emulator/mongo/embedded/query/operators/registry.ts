/**
 * The operator tables the engine's mingo context is built from: mingo's operators adapted to the
 * engine's numbers (numeric-arguments.ts), with the ones that must understand BSON values replaced.
 * Later entries win: `Context.addOps` would keep mingo's, so the tables are merged here by spreading.
 */
import * as mingoAccumulators from 'mingo/operators/accumulator';
import * as mingoExpressions from 'mingo/operators/expression';
import * as mingoQueries from 'mingo/operators/query';
import * as mingoWindows from 'mingo/operators/window';
import { argumentChecks } from './argument-checks';
import { accumulatorExpressionOperators, accumulatorOperators as engineAccumulators } from './accumulators';
import { arithmeticOperators } from './arithmetic';
import { arrayOperators } from './arrays';
import { bitwiseOperators } from './bitwise';
import { $expr, booleanOperators } from './boolean';
import { bsonValueOperators } from './bson-values';
import { comparisonOperators } from './comparison';
import { conversionOperators } from './conversion';
import { dateOperators } from './dates';
import type { AccumulatorOperator, ExpressionOperator, WindowOperator } from './evaluation';
import {
  $_internalJsNumber,
  adaptAccumulatorOperators,
  adaptExpressionOperators,
  adaptWindowOperators,
  JS_NUMBER_OPERATOR,
} from './numeric-arguments';
import { queryOperatorOverrides } from './query';
import { $accumulator, $function } from './scripting';
import { stringOperators } from './strings';
import { trigonometryOperators } from './trigonometry';

const adaptedAccumulators = adaptAccumulatorOperators(mingoAccumulators as unknown as Record<string, AccumulatorOperator>);
const adaptedExpressions = adaptExpressionOperators(mingoExpressions as unknown as Record<string, ExpressionOperator>);

export const accumulatorOperators: Record<string, AccumulatorOperator> = {
  ...adaptedAccumulators,
  ...engineAccumulators,
  $accumulator,
};

export const expressionOperators: Record<string, ExpressionOperator> = {
  ...adaptedExpressions,
  ...argumentChecks(adaptedExpressions),
  ...arithmeticOperators,
  ...comparisonOperators,
  ...booleanOperators,
  ...arrayOperators(adaptedAccumulators),
  ...accumulatorExpressionOperators,
  ...conversionOperators,
  ...dateOperators(adaptedExpressions),
  ...trigonometryOperators,
  ...bitwiseOperators,
  ...bsonValueOperators,
  ...stringOperators,
  $function,
  [JS_NUMBER_OPERATOR]: $_internalJsNumber,
};

export const windowOperators: Record<string, WindowOperator> = adaptWindowOperators(
  mingoWindows as unknown as Record<string, WindowOperator>,
);

export const queryOperators = { ...mingoQueries, ...queryOperatorOverrides, $expr };

/** Whether an expression may use `name` as an operator (expression, accumulator or window operator). */
export function isAggregationOperator(name: string): boolean {
  return name in expressionOperators || name in accumulatorOperators || name in windowOperators;
}
