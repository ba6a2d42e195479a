/**
 * Array expressions that mingo gets wrong for the engine's values: $filter tests its condition with
 * MongoDB's truthiness (a numeric zero is false) and reads `limit` as a number of any type; $first and
 * $last return an element as it is (mingo flattens nested arrays); $sortArray sorts in BSON order.
 */
import { CommandError } from '../../errors';
import { asNumber } from '../../values/arithmetic';
import { compareValues, sortDocuments } from '../../values/compare';
import { isPlainObject } from '../../values/forms';
import {
  AccumulatorOperator,
  describeType,
  evaluate,
  evaluateExactly,
  ExpressionOperator,
  isNullish,
  isTruthy,
  variableScope,
} from './evaluation';
import { parseSortSpec } from './stages/sort';

const FILTER_PARAMETERS = new Set(['input', 'as', 'cond', 'limit']);

const $filter: ExpressionOperator = (obj, expr, options) => {
  if (!isPlainObject(expr)) throw new CommandError(28646, '$filter only supports an object as its argument');
  for (const key of Object.keys(expr)) {
    if (!FILTER_PARAMETERS.has(key)) throw new CommandError(28647, `Unrecognized parameter to $filter: ${key}`);
  }
  if (!('input' in expr)) throw new CommandError(28648, "Missing 'input' parameter to $filter");
  if (!('cond' in expr)) throw new CommandError(28650, "Missing 'cond' parameter to $filter");
  const name = expr.as ?? 'this';
  if (typeof name !== 'string') throw new CommandError(16866, `empty variable names are not allowed`);
  const input = evaluate(obj, expr.input, options);
  if (isNullish(input)) return null;
  if (!Array.isArray(input)) throw new CommandError(28651, `input to $filter must be an array not ${describeType(input)}`);
  const limit = filterLimit(evaluate(obj, expr.limit, options));
  const bind = variableScope(options);
  const kept: unknown[] = [];
  for (const element of input) {
    if (kept.length >= limit) break;
    if (isTruthy(evaluate(obj, expr.cond, bind({ [name]: element })))) kept.push(element);
  }
  return kept;
};

function filterLimit(value: unknown): number {
  if (isNullish(value)) return Infinity;
  const limit = asNumber(value);
  if (!limit || !limit.isInteger()) {
    throw new CommandError(327392, `$filter: limit must be represented as a 32-bit integral value: ${describeType(value)}`);
  }
  if (limit.toNumber() <= 0) throw new CommandError(327391, `$filter: limit must be greater than 0: ${limit.display()}`);
  return limit.toNumber();
}

/**
 * `{$first: <array>}`; in $group mingo calls the expression table with the group's documents, which
 * is the accumulator given as `accumulator`.
 */
function endElement(name: '$first' | '$last', accumulator: AccumulatorOperator): ExpressionOperator {
  return (obj, expr, options) => {
    if (Array.isArray(obj)) return accumulator(obj, expr, options);
    const [value] = evaluateExactly(name, obj, expr, 1, options);
    if (isNullish(value)) return null;
    if (!Array.isArray(value)) throw new CommandError(28689, `${name}'s argument must be an array, but is ${describeType(value)}`);
    return name === '$first' ? value[0] : value[value.length - 1];
  };
}

const $sortArray: ExpressionOperator = (obj, expr, options) => {
  if (!isPlainObject(expr)) throw new CommandError(2942500, '$sortArray requires an object as an argument');
  for (const key of Object.keys(expr)) {
    if (key !== 'input' && key !== 'sortBy') throw new CommandError(2942501, `$sortArray found an unknown argument: ${key}`);
  }
  if (!('input' in expr)) throw new CommandError(2942502, "$sortArray requires 'input' to be specified");
  if (!('sortBy' in expr)) throw new CommandError(2942503, "$sortArray requires 'sortBy' to be specified");
  const input = evaluate(obj, expr.input, options);
  if (isNullish(input)) return null;
  if (!Array.isArray(input)) {
    throw new CommandError(2942504, `The input argument to $sortArray must be an array, but was of type: ${describeType(input)}`);
  }
  const direction = asNumber(expr.sortBy);
  if (direction) {
    const order = direction.toNumber();
    if (order !== 1 && order !== -1) throw new CommandError(2942505, '$sortArray sortBy must be either 1, -1, or a sort specification object');
    return input.slice().sort((a, b) => compareValues(a, b) * order);
  }
  return sortDocuments(input.slice(), parseSortSpec(expr.sortBy, '$sortArray'));
};

export function arrayOperators(mingoAccumulators: Record<string, AccumulatorOperator>): Record<string, ExpressionOperator> {
  return {
    $filter,
    $first: endElement('$first', mingoAccumulators.$first),
    $last: endElement('$last', mingoAccumulators.$last),
    $sortArray,
  };
}
