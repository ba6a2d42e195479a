/**
 * What the engine's aggregation operators share: the shapes of mingo's operator functions, operand
 * parsing and arity errors as mongod reports them, truthiness, and evaluation with extra variables.
 */
import { evalExpr } from 'mingo/core';
import type { Options } from 'mingo/types';
import { CommandError } from '../../errors';
import { isZero } from '../../values/arithmetic';
import { isBsonNumber } from '../../values/bson-number';
import { typeName } from '../../values/types';

export type ExpressionOperator = (obj: unknown, expr: unknown, options: Options) => unknown;
export type AccumulatorOperator = (collection: unknown[], expr: unknown, options: Options) => unknown;
export type WindowOperator = (obj: unknown, collection: unknown[], expr: WindowInput, options: Options) => unknown;

/** What mingo's $setWindowFields hands a window operator. */
export interface WindowInput {
  parentExpr: Record<string, unknown>;
  inputExpr: unknown;
  documentNumber: number;
  field: string;
}

export function evaluate(obj: unknown, expr: unknown, options: Options): unknown {
  return evalExpr(obj, expr, options);
}

/** The operands of an expression: `{$op: [a, b]}` has two, `{$op: a}` has one, as mongod parses them. */
export function operands(expr: unknown): unknown[] {
  return Array.isArray(expr) ? expr : [expr];
}

export function evaluateOperands(obj: unknown, expr: unknown, options: Options): unknown[] {
  return operands(expr).map((operand) => evalExpr(obj, operand, options));
}

/** Operands checked against an exact count, with mongod's error 16020. */
export function exactOperands(name: string, expr: unknown, count: number): unknown[] {
  const list = operands(expr);
  if (list.length !== count) {
    throw new CommandError(16020, `Expression ${name} takes exactly ${count} arguments. ${list.length} were passed in.`);
  }
  return list;
}

export function evaluateExactly(name: string, obj: unknown, expr: unknown, count: number, options: Options): unknown[] {
  return exactOperands(name, expr, count).map((operand) => evalExpr(obj, operand, options));
}

export function isNullish(value: unknown): boolean {
  return value === null || value === undefined;
}

/**
 * MongoDB's truthiness ($cond, $and, $filter, $expr …): false, null, missing and every numeric zero
 * are false; everything else, including NaN, empty strings and empty arrays, is true. mingo's own
 * test treats any object as true, and numbers in the engine are BsonNumber objects.
 */
export function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return false;
  if (typeof value === 'number') return value !== 0;
  if (isBsonNumber(value)) return !isZero(value);
  return true;
}

/** The BSON type name mongod prints in messages ("string", "missing", "int" …). */
export function describeType(value: unknown): string {
  return typeName(value);
}

type OptionsClass = { init(options: Options): Options & { update(locals: Record<string, unknown>): Options } };

/**
 * A copy of an operator's options whose locals (root document, variables) can be changed. mingo
 * hands every operator a ComputeOptions instance but does not export the class, so it is reached
 * through the instance; `init` copies the locals, leaving the caller's options untouched.
 */
function copyOptions(options: Options): ReturnType<OptionsClass['init']> {
  return (options.constructor as unknown as OptionsClass).init(options);
}

/** Options with extra variables (`let` of $lookup, `$$new` of $merge …), merged over those already bound. */
export function withVariables(options: Options, variables: Record<string, unknown>): Options {
  return copyOptions(options).update({ variables });
}

/** For evaluating one expression with a variable bound to each element in turn ($filter's `as`). */
export function variableScope(options: Options): (variables: Record<string, unknown>) => Options {
  const scoped = copyOptions(options);
  return (variables) => scoped.update({ variables });
}

/** An expression evaluated against each document of a group or window, with `$$ROOT` bound to it. */
export function evaluateEach(collection: unknown[], expr: unknown, options: Options): unknown[] {
  const scoped = copyOptions(options);
  return collection.map((root) => evalExpr(root, expr, scoped.update({ root })));
}

/**
 * Options whose root is `root`: mingo resolves `$field` paths against the root document, so an
 * operator that evaluates against another document ($redact's embedded ones) makes it the root.
 */
export function withRoot(options: Options, root: unknown): Options {
  return copyOptions(options).update({ root });
}

/** The group's `_id`, which accumulator parameters such as `n` may be computed from. */
export function groupId(options: Options): unknown {
  return (options as unknown as { local?: { groupId?: unknown } }).local?.groupId;
}
