/**
 * What an update operator is to the update engine: a parser for its argument (run when the update
 * is parsed, so a bad argument fails even when nothing matches, as in mongod), and what it does
 * to the value at one concrete path of one document.
 */
import type { Document } from '../../values/forms';

/** Returned by `update` when the operator leaves the value as it is (a no-op). */
export const UNCHANGED: unique symbol = Symbol('unchanged');
/** Returned by `update` when the operator removes the value. */
export const REMOVE: unique symbol = Symbol('remove');

export type UpdateResult = unknown;

/** Where an operator applies, for its computations and its error messages. */
export interface Target {
  /** The concrete dotted path (positional parts resolved). */
  path: string;
  /** The target's own field name (the last part of its path). */
  fieldName: string;
  /** The document's `_id` as mongod prints it in messages (`_id: 1`). */
  documentId: string;
  /** One time for the whole update, for `$currentDate`. */
  now: Date;
}

export interface ParseContext {
  /** `let` variables and `c` constants, for `$expr` in `$pull` conditions. */
  variables?: Document;
}

export interface UpdateOperator<Argument> {
  parse(field: string, value: unknown, context: ParseContext): Argument;
  /**
   * Where the path does not exist: create it (with `create`'s value), do nothing, or do nothing
   * unless the path could not have been created either (then mongod reports PathNotViable).
   */
  onMissing: 'create' | 'ignore' | 'ignore-if-viable';
  /** The new value for an existing one, or UNCHANGED, or REMOVE. */
  update(current: unknown, argument: Argument, target: Target): UpdateResult;
  create?(argument: Argument, target: Target): unknown;
}

/** Declares an operator with its argument type inferred. */
export function defineOperator<Argument>(operator: UpdateOperator<Argument>): UpdateOperator<Argument> {
  return operator;
}
