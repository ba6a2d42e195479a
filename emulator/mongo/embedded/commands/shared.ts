/** Checks several commands share: collation and index hints. */
import { CommandError } from '../errors';
import { evaluateExpression } from '../query/context';
import type { Collection } from '../store/collection';
import { Document, isPlainObject, toExpressionValue, toPlainValue } from '../values/forms';
import type { Arguments } from './arguments';

/**
 * Collations (locale-aware string comparison) are not implemented by the embedded engine; the
 * simple binary collation is what it always uses, so `{locale: "simple"}` is accepted.
 */
export function refuseCollation(args: Arguments, field = 'collation'): void {
  assertSimpleCollation(args.document(field));
}

export function assertSimpleCollation(collation: Document | undefined): void {
  if (!collation) return;
  if (collation.locale === 'simple') return;
  throw CommandError.of(
    'BadValue',
    'collations are not supported by the embedded engine (it compares strings by code point); ' +
      'use --mongodb memory-server or a MongoDB URI for locale-aware collation',
  );
}

/** A hint must name an existing index (by name or key pattern), as mongod's planner requires. */
export function checkHint(args: Arguments, collection: Collection | undefined, field = 'hint'): void {
  const hint = args.raw(field);
  if (hint === undefined || hint === null) return;
  checkHintValue(hint, collection);
}

export function checkHintValue(hint: unknown, collection: Collection | undefined): void {
  if (!collection) return;
  const specs = collection.indexSpecs();
  const matches =
    typeof hint === 'string'
      ? specs.some((spec) => spec.name === hint)
      : isPlainObject(hint) &&
        ('$natural' in hint ||
          specs.some((spec) => JSON.stringify(toPlainValue(spec.key)) === JSON.stringify(toPlainValue(hint))));
  if (!matches) {
    throw CommandError.of('BadValue', 'error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index');
  }
}

/**
 * `let` variables of a command, usable as `$$name`. Each value is an expression evaluated once,
 * before the command runs (`{y: {$literal: "$x"}}` binds the string "$x", `{r: {$rand: {}}}` one
 * number for every document), as mongod does.
 */
export function letVariables(args: Arguments): Document | undefined {
  const variables = args.document('let');
  if (!variables) return undefined;
  const values: Document = {};
  for (const [name, expression] of Object.entries(variables)) values[name] = evaluateExpression({}, toExpressionValue(expression));
  return values;
}
