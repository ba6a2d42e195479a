/**
 * A role's `document_filters` (docs mongodb/tables/role-configuration.rst): whether the role's
 * other permissions may be evaluated for a document at all.
 */
import type { ExpressionContext } from './context';
import { then, type MaybePromise } from './evaluation';
import type { CompiledRole } from './roles';

/**
 * Read flowchart, step 2: `document_filters.read` holds, or else `document_filters.write` does.
 * An undefined `read` half lets the role go on (it "counts as true" without Sync); a `read` that
 * is false with `write` undefined denies the document, as the role table says.
 */
export function documentFiltersAllowRead(role: CompiledRole, context: ExpressionContext): MaybePromise<boolean> {
  const filters = role.documentFilters;
  if (!filters || filters.read === undefined) return true;
  const write = filters.write;
  return then(filters.read(context), (readable) => readable || (write !== undefined && write(context)));
}

/** Write flowchart, step 1: `document_filters.write`, when defined, must hold. */
export function documentFiltersAllowWrite(role: CompiledRole, context: ExpressionContext): MaybePromise<boolean> {
  const write = role.documentFilters?.write;
  return write === undefined ? true : write(context);
}
