/**
 * Filters (docs rules/filters.txt): before the query runs, every filter whose `apply_when` holds
 * for the request adds its `query` (ANDed into the operation's query) and its `projection` (merged
 * into the operation's projection). Their `apply_when` cannot read the document: App Services
 * evaluates it before reading any, so `%%root` is simply absent here.
 */
import { AppServicesError } from '../http/errors';
import type { ExpressionContext } from './context';
import { all, then, type MaybePromise } from './evaluation';
import type { CompiledFilter } from './roles';
import { isPlainDocument, type Document } from './values';

export interface FilterDecision {
  name: string;
  applied: boolean;
}

export interface AppliedFilters {
  decisions: FilterDecision[];
  /** The applying filters' queries, each with its expansions replaced. */
  queries: Document[];
  /** The applying filters' projections merged, or undefined when none has one. */
  projection?: Document;
}

export function applyFilters(filters: readonly CompiledFilter[], context: ExpressionContext): MaybePromise<AppliedFilters> {
  if (filters.length === 0) return { decisions: [], queries: [] };
  return then(
    all(filters.map((filter) => () => filter.applyWhen(context))),
    (applies) => {
      const applying = filters.filter((_, i) => applies[i]);
      const queries = applying.filter((filter) => filter.query).map((filter) => () => filter.query!(context));
      const projections = applying.filter((filter) => filter.projection).map((filter) => () => filter.projection!(context));
      return then(all(queries), (expandedQueries) =>
        then(all(projections), (expandedProjections) => ({
          decisions: filters.map((filter, i) => ({ name: filter.name, applied: applies[i] })),
          queries: (expandedQueries as Document[])
            .map((query, i) => closedIfIncomplete(query, applying.filter((filter) => filter.query)[i].name, context))
            .filter((query) => Object.keys(query).length > 0),
          projection:
            expandedProjections.length === 0 ? undefined : mergeProjections(...(expandedProjections as Document[])),
        })),
      );
    },
  );
}

function containsUndefined(value: unknown): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return value.some(containsUndefined);
  return isPlainDocument(value) && Object.values(value).some(containsUndefined);
}

/**
 * A filter query whose expansion found nothing (`{ "tenant": "%%user.custom_data.tenant" }` for a
 * user without a tenant) would reach MongoDB as `null` and match every document lacking the field.
 * Rules fail closed instead: such a filter matches nothing, and the explanation says why.
 */
function closedIfIncomplete(query: Document, name: string, context: ExpressionContext): Document {
  if (!containsUndefined(query)) return query;
  context.onFailure?.(`filter "${name}": its query uses an expansion with no value, so it matches no document`);
  return { _id: { $exists: false } };
}

/** The operation's query ANDed with the filters' queries. */
export function mergeQuery(query: Document | undefined, filterQueries: readonly Document[]): Document {
  const parts = [query ?? {}, ...filterQueries].filter((part) => Object.keys(part).length > 0);
  if (parts.length === 0) return {};
  if (parts.length === 1) return parts[0];
  return { $and: parts };
}

function isExclusion(value: unknown): boolean {
  return value === 0 || value === false;
}

/**
 * Projections merged key by key, later ones (the filters') winning. A projection cannot mix
 * inclusion and exclusion (other than of `_id`), which App Services reports as an error rather than
 * guessing (spec 2.2).
 */
export function mergeProjections(...projections: (Document | undefined)[]): Document | undefined {
  const present = projections.filter((projection): projection is Document => projection !== undefined);
  if (present.length === 0) return undefined;
  const merged: Document = Object.assign({}, ...present);
  const kinds = new Set(
    Object.entries(merged)
      .filter(([key]) => key !== '_id')
      .map(([, value]) => (isExclusion(value) ? 'exclusion' : 'inclusion')),
  );
  if (kinds.size > 1) {
    throw AppServicesError.badRequest(
      'InvalidParameter',
      `the projection ${JSON.stringify(merged)} (the request's merged with the rules' filters) mixes inclusion and exclusion`,
    );
  }
  return merged;
}
