/**
 * The App Services rule expression language (spec 2.4, docs rules/expressions.txt), compiled once
 * per rule into closures:
 *
 *  - `true` / `false`; `{}` is true; several keys must all hold;
 *  - a key is an expansion (`"%%user.id"`), an expression operator (`"%or"`), or a field name,
 *    which stands for `%%root.<field>`;
 *  - a key's value is either a set of match operators (`{ "%in": [...] }`) or a value — a literal,
 *    an expansion, a value operator (`%stringToOid`, `%function` …) — that the key's value must
 *    match (see matchesValue in values.ts for the array rules).
 *
 * Extended JSON literals (`{ "$oid": "…" }`, `{ "$date": … }`) are read as the BSON values they
 * stand for, since rule files are JSON and documents hold BSON.
 */
import { EJSON } from 'bson';
import type { RuleExpression } from '../app/definition';
import type { ExpressionContext } from './context';
import {
  all,
  every,
  isPromise,
  then,
  withFlags,
  type CompiledMatcher,
  type CompiledPredicate,
  type CompiledValue,
  type MaybePromise,
} from './evaluation';
import { compileExpansion, compileFieldReference, isExpansion, RuleExpressionError } from './expansions';
import {
  EXPRESSION_OPERATORS,
  isOperatorKey,
  MATCH_OPERATORS,
  operatorName,
  VALUE_OPERATORS,
  type OperandCompiler,
} from './operators';
import { isPlainDocument, matchesValue, type Document } from './values';

export { RuleExpressionError } from './expansions';

const EJSON_WRAPPERS = new Set([
  '$oid',
  '$date',
  '$numberInt',
  '$numberLong',
  '$numberDouble',
  '$numberDecimal',
  '$binary',
  '$uuid',
  '$regularExpression',
  '$timestamp',
  '$minKey',
  '$maxKey',
  '$symbol',
  '$code',
]);

function ejsonLiteral(value: Document): unknown {
  const keys = Object.keys(value);
  if (keys.length === 0 || !EJSON_WRAPPERS.has(keys[0])) return undefined;
  try {
    return EJSON.deserialize(value, { relaxed: false });
  } catch (error) {
    throw new RuleExpressionError(`invalid Extended JSON ${JSON.stringify(value)}: ${(error as Error).message}`);
  }
}

/** Values known at compile time: literals and documents of literals, folded once. */
const constants = new WeakSet<object>();

function constant(value: unknown): CompiledValue {
  const compiled = withFlags(() => value, []);
  constants.add(compiled);
  return compiled;
}

function isConstant(value: CompiledValue): boolean {
  return constants.has(value);
}

/**
 * Rule expressions accept value operators with either prefix; filter queries only with `%`, because
 * there a `$` key is a MongoDB query operator (`$function` is one too).
 */
type Mode = 'rule' | 'query';

class Compiler implements OperandCompiler {
  constructor(private readonly mode: Mode) {}

  private valueOperator(key: string): string | undefined {
    if (key[0] === '$' && this.mode === 'query') return undefined;
    return operatorName(key, VALUE_OPERATORS);
  }

  value(operand: unknown): CompiledValue {
    if (typeof operand === 'string') {
      if (!isExpansion(operand)) return constant(operand);
      const expansion = compileExpansion(operand);
      return withFlags((context: ExpressionContext) => expansion(context), [expansion]);
    }
    if (Array.isArray(operand)) {
      const items = operand.map((item) => this.value(item));
      if (items.every(isConstant)) {
        return constant(items.map((item) => item({} as ExpressionContext)));
      }
      return withFlags((context: ExpressionContext) => all(items.map((item) => () => item(context))), items);
    }
    if (!isPlainDocument(operand)) return constant(operand);
    const keys = Object.keys(operand);
    if (keys.length === 1) {
      const operator = this.valueOperator(keys[0]);
      if (operator) return VALUE_OPERATORS[operator](operand[keys[0]], this);
      const literal = ejsonLiteral(operand);
      if (literal !== undefined) return constant(literal);
    }
    for (const key of keys) {
      if (key[0] === '%' && key[1] !== '%') {
        throw new RuleExpressionError(`unknown value operator "${key}"; known: ${Object.keys(VALUE_OPERATORS).map((n) => `%${n}`).join(', ')}`);
      }
    }
    const entries = keys.map((key) => [key, this.value(operand[key])] as const);
    if (entries.every(([, item]) => isConstant(item))) {
      return constant(Object.fromEntries(entries.map(([key, item]) => [key, item({} as ExpressionContext)])));
    }
    return withFlags(
      (context: ExpressionContext) =>
        then(
          all(entries.map(([, item]) => () => item(context))),
          (values) => Object.fromEntries(entries.map(([key], i) => [key, values[i]])),
        ),
      entries.map(([, item]) => item),
    );
  }

  plainValue(operand: unknown, operator: string): CompiledValue {
    if (isPlainDocument(operand) && ejsonLiteral(operand) === undefined) {
      throw new RuleExpressionError(`${operator} takes a literal or an expansion, not ${JSON.stringify(operand)}`);
    }
    return this.value(operand);
  }

  match(operand: unknown): CompiledMatcher {
    if (isPlainDocument(operand)) {
      const keys = Object.keys(operand);
      const operators = keys.filter(isOperatorKey);
      const isValue = keys.length === 1 && (this.valueOperator(keys[0]) !== undefined || EJSON_WRAPPERS.has(keys[0]));
      if (operators.length > 0 && !isValue) {
        if (operators.length !== keys.length) {
          throw new RuleExpressionError(`${JSON.stringify(operand)} mixes operators and field names`);
        }
        const matchers = keys.map((key) => {
          const name = operatorName(key, MATCH_OPERATORS);
          if (!name) {
            throw new RuleExpressionError(
              `unknown operator "${key}"; known: ${Object.keys(MATCH_OPERATORS).map((n) => `%${n}`).join(', ')}`,
            );
          }
          return MATCH_OPERATORS[name](operand[key], this);
        });
        if (matchers.length === 1) return matchers[0];
        return withFlags(
          (lhs: unknown, context: ExpressionContext) => every(matchers, (matcher) => matcher(lhs, context)),
          matchers,
        );
      }
    }
    const value = this.value(operand);
    if (isConstant(value)) {
      const right = value({} as ExpressionContext);
      return withFlags((lhs: unknown) => matchesValue(lhs, right), []);
    }
    return withFlags((lhs: unknown, context: ExpressionContext) => then(value(context), (right) => matchesValue(lhs, right)), [value]);
  }

  expression(operand: unknown): CompiledPredicate {
    if (operand === true || operand === false) return withFlags(() => operand, []);
    if (!isPlainDocument(operand)) {
      throw new RuleExpressionError(`an expression is true, false or an object, not ${JSON.stringify(operand)}`);
    }
    const predicates = Object.keys(operand).map((key): CompiledPredicate => {
      const operator = operatorName(key, EXPRESSION_OPERATORS);
      if (operator) return EXPRESSION_OPERATORS[operator](operand[key], this);
      if (isOperatorKey(key)) {
        throw new RuleExpressionError(
          `unknown operator "${key}" as an expression key; known: ${Object.keys(EXPRESSION_OPERATORS).map((n) => `%${n}`).join(', ')}` +
            ' (to test a function, write { "%%true": { "%function": ... } })',
        );
      }
      const lhs = isExpansion(key) ? compileExpansion(key) : compileFieldReference(key);
      const matcher = this.match(operand[key]);
      return withFlags((context: ExpressionContext) => matcher(lhs(context), context), [lhs, matcher]);
    });
    if (predicates.length === 1) return predicates[0];
    return withFlags((context: ExpressionContext) => every(predicates, (predicate) => predicate(context)), predicates);
  }
}

const ruleCompiler = new Compiler('rule');
const queryCompiler = new Compiler('query');

/** A compiled rule: call it with a context; it never throws or rejects (failures are `false`). */
export interface RuleCheck {
  (context: ExpressionContext): MaybePromise<boolean>;
  readsDocument: boolean;
  isAsync: boolean;
  /** Set when the rule is a literal (`true`, `false`, `{}`), for decisions without a context. */
  constant?: boolean;
}

/**
 * Compiles a rule expression; an absent one takes `fallback` (App Services' documented default of
 * the field it stands in). `where` names the rule in messages (`roles[0].apply_when`).
 */
export function compileRule(expression: RuleExpression | undefined, fallback: boolean, where: string): RuleCheck {
  const source = expression ?? fallback;
  let predicate: CompiledPredicate;
  try {
    predicate = ruleCompiler.expression(source);
  } catch (error) {
    if (error instanceof RuleExpressionError) throw new RuleExpressionError(`${where}: ${error.message}`);
    throw error;
  }
  const failed = (context: ExpressionContext, error: unknown): false => {
    context.onFailure?.(`${where} evaluated to false because it failed: ${(error as Error).message ?? String(error)}`);
    return false;
  };
  const check = withFlags((context: ExpressionContext): MaybePromise<boolean> => {
    try {
      const result = predicate(context);
      return isPromise(result) ? result.catch((error: unknown) => failed(context, error)) : result;
    } catch (error) {
      return failed(context, error);
    }
  }, [predicate]) as RuleCheck;
  if (source === true || source === false) check.constant = source;
  else if (isPlainDocument(source) && Object.keys(source).length === 0) check.constant = true;
  return check;
}

/**
 * Compiles a filter's `query` or `projection`: a MongoDB document in which `%%` expansions and
 * `%` value operators are replaced (`{ "owner_id": "%%user.id" }`), `$` operators left as they are.
 */
export function compileTemplate(template: unknown, where: string): CompiledValue {
  try {
    return queryCompiler.value(template);
  } catch (error) {
    if (error instanceof RuleExpressionError) throw new RuleExpressionError(`${where}: ${error.message}`);
    throw error;
  }
}
