/**
 * Rule expression operators, one small entry each (STYLE.md: mingo's operator tables). App
 * Services spells operators with `%` or `$` (docs: rules/expressions.txt); the tables are keyed by
 * the bare name and the compiler accepts either prefix.
 *
 *  - match operators test the value on their left: `{ "%%user.id": { "%in": "%%values.admins" } }`;
 *  - value operators compute a value: `{ "_id": { "%stringToOid": "%%user.id" } }`;
 *  - expression operators combine whole expressions: `{ "%or": [ {...}, {...} ] }`.
 */
import { ObjectId, UUID } from 'bson';
import type { ExpressionContext } from './context';
import {
  all,
  every,
  some,
  then,
  withFlags,
  type CompiledMatcher,
  type CompiledPredicate,
  type CompiledValue,
} from './evaluation';
import { RuleExpressionError } from './expansions';
import { bsonTypeOf, equalityMatch, matchesOrder } from './values';

/** How an operator compiles its operand: as a value, a right-hand side, or a whole expression. */
export interface OperandCompiler {
  value(operand: unknown): CompiledValue;
  match(operand: unknown): CompiledMatcher;
  expression(operand: unknown): CompiledPredicate;
  /** A value that may only be a literal or an expansion (`%stringToOid` "No Inner Operations"). */
  plainValue(operand: unknown, operator: string): CompiledValue;
}

type MatchOperator = (operand: unknown, compile: OperandCompiler) => CompiledMatcher;
type ValueOperator = (operand: unknown, compile: OperandCompiler) => CompiledValue;
type ExpressionOperator = (operand: unknown, compile: OperandCompiler) => CompiledPredicate;

function arrayOperand(operand: unknown, operator: string): unknown[] {
  if (!Array.isArray(operand)) throw new RuleExpressionError(`${operator} takes an array, got ${JSON.stringify(operand)}`);
  return operand;
}

/** A comparison against a computed operand. */
function comparing(test: (lhs: unknown, operand: unknown) => boolean): MatchOperator {
  return (operand, compile) => {
    const value = compile.value(operand);
    return withFlags((lhs: unknown, context: ExpressionContext) => then(value(context), (right) => test(lhs, right)), [value]);
  };
}

function membership(operator: string, expect: boolean): MatchOperator {
  return (operand, compile) => {
    const list = compile.value(operand);
    return withFlags(
      (lhs: unknown, context: ExpressionContext) =>
        then(list(context), (values) => {
          // The list may come from an expansion (`"%in": "%%values.admins"`), so it is checked here.
          if (!Array.isArray(values)) throw new RuleExpressionError(`${operator} needs an array, got ${typeof values}`);
          return values.some((value) => equalityMatch(lhs, value)) === expect;
        }),
      [list],
    );
  };
}

function matchingAll(operator: string, combine: typeof every, negate: boolean): MatchOperator {
  return (operand, compile) => {
    const matchers = arrayOperand(operand, operator).map((item) => compile.match(item));
    return withFlags(
      (lhs: unknown, context: ExpressionContext) =>
        then(
          combine(matchers, (matcher) => matcher(lhs, context)),
          (result) => result !== negate,
        ),
      matchers,
    );
  };
}

export const MATCH_OPERATORS: Readonly<Record<string, MatchOperator>> = {
  eq: comparing((lhs, right) => equalityMatch(lhs, right)),
  ne: comparing((lhs, right) => !equalityMatch(lhs, right)),
  gt: comparing((lhs, right) => matchesOrder(lhs, right, (order) => order > 0)),
  gte: comparing((lhs, right) => matchesOrder(lhs, right, (order) => order >= 0)),
  lt: comparing((lhs, right) => matchesOrder(lhs, right, (order) => order < 0)),
  lte: comparing((lhs, right) => matchesOrder(lhs, right, (order) => order <= 0)),
  in: membership('%in', true),
  nin: membership('%nin', false),
  // `{ "%%prevRoot": { "%exists": false } }`: null counts as present, as in a MongoDB query.
  exists: comparing((lhs, right) => (lhs !== undefined) === Boolean(right)),
  and: matchingAll('%and', every, false),
  or: matchingAll('%or', some, false),
  nor: matchingAll('%nor', some, true),
  not: (operand, compile) => {
    const matcher = compile.match(operand);
    return withFlags((lhs: unknown, context: ExpressionContext) => then(matcher(lhs, context), (result) => !result), [matcher]);
  },
};

function combining(operator: string, combine: typeof every, negate: boolean): ExpressionOperator {
  return (operand, compile) => {
    const predicates = arrayOperand(operand, operator).map((item) => compile.expression(item));
    return withFlags(
      (context: ExpressionContext) =>
        then(
          combine(predicates, (predicate) => predicate(context)),
          (result) => result !== negate,
        ),
      predicates,
    );
  };
}

export const EXPRESSION_OPERATORS: Readonly<Record<string, ExpressionOperator>> = {
  and: combining('%and', every, false),
  or: combining('%or', some, false),
  nor: combining('%nor', some, true),
  not: (operand, compile) => {
    const predicate = compile.expression(operand);
    return withFlags((context: ExpressionContext) => then(predicate(context), (result) => !result), [predicate]);
  },
};

/** A conversion of a literal or expansion (the docs forbid inner operations for these). */
function converting(operator: string, convert: (value: unknown) => unknown): ValueOperator {
  return (operand, compile) => {
    const value = compile.plainValue(operand, operator);
    return withFlags((context: ExpressionContext) => then(value(context), convert), [value]);
  };
}

function toObjectId(value: unknown): ObjectId {
  if (bsonTypeOf(value) === 'ObjectId') return value as ObjectId;
  if (typeof value === 'string' && /^[0-9a-fA-F]{24}$/.test(value)) return ObjectId.createFromHexString(value);
  // The docs accept a 12-byte string too: its characters are the id's bytes.
  if (typeof value === 'string' && value.length === 12) return new ObjectId(Buffer.from(value, 'latin1'));
  throw new RuleExpressionError(`%stringToOid needs a 24-hex-digit or 12-byte string, got ${JSON.stringify(value)}`);
}

function toUuidString(value: unknown): string {
  if (bsonTypeOf(value) === 'Binary' && (value as { sub_type: number }).sub_type === 4) {
    return (value as { toUUID(): UUID }).toUUID().toHexString(true);
  }
  throw new RuleExpressionError(`%uuidToString needs a UUID (binary subtype 4), got ${JSON.stringify(value)}`);
}

export const VALUE_OPERATORS: Readonly<Record<string, ValueOperator>> = {
  stringToOid: converting('%stringToOid', toObjectId),
  oidToString: converting('%oidToString', (value) => {
    if (bsonTypeOf(value) === 'ObjectId') return (value as ObjectId).toHexString();
    throw new RuleExpressionError(`%oidToString needs an ObjectId, got ${JSON.stringify(value)}`);
  }),
  stringToUuid: converting('%stringToUuid', (value) => {
    if (typeof value === 'string' && UUID.isValid(value)) return new UUID(value);
    throw new RuleExpressionError(`%stringToUuid needs a UUID string, got ${JSON.stringify(value)}`);
  }),
  uuidToString: converting('%uuidToString', toUuidString),
  /**
   * `{ "%function": { "name": "isEven", "arguments": [42] } }` → the function's return value. A
   * function that throws, is missing, or cannot be called makes the whole rule false; the reason
   * reaches the explanation through the evaluation context.
   */
  function: (operand, compile) => {
    const spec = operand as { name?: unknown; arguments?: unknown };
    if (typeof spec !== 'object' || spec === null || typeof spec.name !== 'string') {
      throw new RuleExpressionError(`%function takes { "name": "<function>", "arguments": [...] }, got ${JSON.stringify(operand)}`);
    }
    const name = spec.name;
    const args = (spec.arguments === undefined ? [] : arrayOperand(spec.arguments, '%function arguments')).map((argument) =>
      compile.value(argument),
    );
    return withFlags(
      (context: ExpressionContext) =>
        then(
          all(args.map((argument) => () => argument(context))),
          (values) => {
            if (!context.callFunction) {
              return Promise.reject(new Error(`function not found: '${name}' (no functions runtime is attached to the rules)`));
            }
            return context.callFunction(name, values);
          },
        ),
      args,
      true,
    );
  },
};

/** `%in` / `$in` → `in` when it names an operator of `table`. */
export function operatorName(key: string, table: Readonly<Record<string, unknown>>): string | undefined {
  if ((key[0] !== '%' && key[0] !== '$') || key[1] === '%') return undefined;
  const name = key.slice(1);
  return Object.prototype.hasOwnProperty.call(table, name) ? name : undefined;
}

export function isOperatorKey(key: string): boolean {
  return (key[0] === '%' || key[0] === '$') && key[1] !== '%';
}
