/**
 * Operators that test the truth of a value: $and, $or, $not, $cond, $switch, $allElementsTrue,
 * $anyElementTrue and the query operator $expr, with MongoDB's truthiness (evaluation.ts `isTruthy`):
 * a numeric zero of any type is false, which mingo's own versions get wrong for BsonNumbers.
 */
import type { Options } from 'mingo/types';
import { CommandError } from '../../errors';
import { isPlainObject } from '../../values/forms';
import { describeType, evaluate, evaluateExactly, ExpressionOperator, isTruthy, operands } from './evaluation';

const $and: ExpressionOperator = (obj, expr, options) =>
  operands(expr).every((operand) => isTruthy(evaluate(obj, operand, options)));

const $or: ExpressionOperator = (obj, expr, options) =>
  operands(expr).some((operand) => isTruthy(evaluate(obj, operand, options)));

const $not: ExpressionOperator = (obj, expr, options) => !isTruthy(evaluateExactly('$not', obj, expr, 1, options)[0]);

const $cond: ExpressionOperator = (obj, expr, options) => {
  let branches: [unknown, unknown, unknown];
  if (isPlainObject(expr)) {
    for (const key of Object.keys(expr)) {
      if (key !== 'if' && key !== 'then' && key !== 'else') throw new CommandError(17083, `Unrecognized parameter to $cond: ${key}`);
    }
    if (!('if' in expr)) throw new CommandError(17080, "Missing 'if' parameter to $cond");
    if (!('then' in expr)) throw new CommandError(17081, "Missing 'then' parameter to $cond");
    if (!('else' in expr)) throw new CommandError(17082, "Missing 'else' parameter to $cond");
    branches = [expr.if, expr.then, expr.else];
  } else {
    const list = operands(expr);
    if (list.length !== 3) throw new CommandError(16020, `Expression $cond takes exactly 3 arguments. ${list.length} were passed in.`);
    branches = list as [unknown, unknown, unknown];
  }
  return evaluate(obj, isTruthy(evaluate(obj, branches[0], options)) ? branches[1] : branches[2], options);
};

const $switch: ExpressionOperator = (obj, expr, options) => {
  if (!isPlainObject(expr)) throw new CommandError(40060, `$switch requires an object as an argument, found: ${describeType(expr)}`);
  for (const key of Object.keys(expr)) {
    if (key !== 'branches' && key !== 'default') throw new CommandError(40067, `$switch found an unknown argument: ${key}`);
  }
  const branches = expr.branches;
  if (!Array.isArray(branches)) throw new CommandError(40061, `$switch expected an array for 'branches', found: ${describeType(branches)}`);
  if (branches.length === 0) throw new CommandError(40068, '$switch requires at least one branch.');
  for (const branch of branches) {
    if (!isPlainObject(branch)) throw new CommandError(40062, `$switch expected each branch to be an object, found: ${describeType(branch)}`);
    for (const key of Object.keys(branch)) {
      if (key !== 'case' && key !== 'then') throw new CommandError(40063, `$switch found an unknown argument to a branch: ${key}`);
    }
    if (!('case' in branch)) throw new CommandError(40064, "$switch requires each branch have a 'case' expression");
    if (!('then' in branch)) throw new CommandError(40065, "$switch requires each branch have a 'then' expression");
  }
  for (const branch of branches as Record<string, unknown>[]) {
    if (isTruthy(evaluate(obj, branch.case, options))) return evaluate(obj, branch.then, options);
  }
  if (!('default' in expr)) {
    throw new CommandError(40066, '$switch could not find a matching branch for an input, and no default was specified.');
  }
  return evaluate(obj, expr.default, options);
};

function elementsTest(name: string, code: number, test: (values: unknown[]) => boolean): ExpressionOperator {
  return (obj, expr, options) => {
    const [value] = evaluateExactly(name, obj, expr, 1, options);
    if (!Array.isArray(value)) {
      throw new CommandError(code, `${name}'s argument must be an array, but is ${describeType(value)}`);
    }
    return test(value);
  };
}

export const booleanOperators: Record<string, ExpressionOperator> = {
  $and,
  $or,
  $not,
  $cond,
  $switch,
  $allElementsTrue: elementsTest('$allElementsTrue', 17040, (values) => values.every(isTruthy)),
  $anyElementTrue: elementsTest('$anyElementTrue', 17041, (values) => values.some(isTruthy)),
};

/**
 * The query operator. Its expression is already in expression form (values/forms.ts converts the
 * `$expr` subtree of every filter); what it yields is tested with MongoDB's truthiness.
 */
export const $expr = (_selector: string, expr: unknown, options: Options) => {
  return (document: unknown) => isTruthy(evaluate(document, expr, options));
};
