/**
 * Find projections ({a: 1}, {a: 0}, `$slice`, `$elemMatch`, positional `a.$`, and aggregation
 * expressions), applied by mingo to the documents a query selected.
 */
// The base class: mingo's default export merges its own operators over the context's overrides.
import { Query } from 'mingo/query';
import { CommandError } from '../errors';
import { Document, isPlainObject, toExpressionValue, toFilterValue, toPlainValue } from '../values/forms';
import { compileFilter } from './matcher';
import { mingoOptions } from './context';

export type Projector = (documents: Document[]) => Document[];

export function compileProjection(spec: Document | undefined, filter: Document): Projector {
  if (!spec || Object.keys(spec).length === 0) return (documents) => documents;
  const projection = projectionForm(spec);
  const inclusion = isInclusion(projection);
  const slices = inclusion ? [] : sliceEntries(projection);
  for (const [path] of slices) delete projection[path];
  // $elemMatch fields are included by mingo's projection, then cut down to their first match here.
  const elemMatches = elemMatchEntries(projection);
  for (const [path] of elemMatches) projection[path] = 1;
  const mingoProjection = Object.keys(projection).length > 0 ? projection : undefined;
  // The positional operator projects the array element the filter matched, so it needs the filter.
  const positional = Object.keys(projection).some((key) => key.endsWith('.$'));
  const query = new Query(positional ? filter : {}, mingoOptions());
  return (documents) => {
    let projected = mingoProjection ? (query.find(documents, mingoProjection).all() as Document[]) : documents;
    if (inclusion) projected = projected.map((document, i) => inDocumentOrder(document, documents[i]));
    if (slices.length > 0) projected = projected.map((document) => applySlices(document, slices));
    if (elemMatches.length > 0) projected = projected.map((document) => applyElemMatches(document, elemMatches));
    return projected;
  };
}

/**
 * Projection specs hold flags (1, 0, true), `$slice` counts, `$elemMatch` filters and aggregation
 * expressions, each in the form its reader takes.
 */
function projectionForm(spec: Document): Document {
  const result: Document = {};
  for (const [key, value] of Object.entries(spec)) {
    if (isPlainObject(value) && '$elemMatch' in value) result[key] = { $elemMatch: toFilterValue(value.$elemMatch) };
    else if (isPlainObject(value) && '$slice' in value) result[key] = toPlainValue(value);
    else if (isPlainObject(value) || Array.isArray(value) || typeof value === 'string') result[key] = toExpressionValue(value);
    else result[key] = toPlainValue(value);
  }
  return result;
}

// ---- $elemMatch -----------------------------------------------------------------------------------

type ElemMatch = [path: string, matches: (element: unknown) => boolean];

function elemMatchEntries(projection: Document): ElemMatch[] {
  const entries: ElemMatch[] = [];
  for (const [path, value] of Object.entries(projection)) {
    if (!isPlainObject(value) || !('$elemMatch' in value)) continue;
    if (path.includes('.')) throw CommandError.of('BadValue', `Cannot use $elemMatch projection on a nested field: ${path}`);
    const criteria = value.$elemMatch;
    if (!isPlainObject(criteria)) throw CommandError.of('BadValue', '$elemMatch needs an Object');
    // Operator-only criteria ({$gt: 5}) apply to the element itself, as in a query's $elemMatch.
    const onElement = Object.keys(criteria).length > 0 && Object.keys(criteria).every((key) => key.startsWith('$') && !['$and', '$or', '$nor'].includes(key));
    const matcher = compileFilter(onElement ? { element: criteria } : criteria);
    entries.push([path, (element) => (onElement ? matcher({ element }) : isPlainObject(element) && matcher(element))]);
  }
  return entries;
}

function applyElemMatches(document: Document, entries: ElemMatch[]): Document {
  const result = { ...document };
  for (const [path, matches] of entries) {
    const value = result[path];
    const first = Array.isArray(value) ? value.find(matches) : undefined;
    if (first === undefined) delete result[path];
    else result[path] = [first];
  }
  return result;
}

function isInclusion(projection: Document): boolean {
  return Object.entries(projection).some(([key, value]) => key !== '_id' && value !== 0 && value !== false && !isSlice(value));
}

function isSlice(value: unknown): boolean {
  return isPlainObject(value) && Object.keys(value).length === 1 && '$slice' in value;
}

// ---- $slice ---------------------------------------------------------------------------------------
// In an exclusion projection (or on its own) `$slice` keeps every other field, which mingo's
// projection does not do, so the engine slices those arrays itself.

type Slice = [path: string, skip: number | undefined, limit: number];

function sliceEntries(projection: Document): Slice[] {
  const slices: Slice[] = [];
  for (const [path, value] of Object.entries(projection)) {
    if (!isSlice(value)) continue;
    const argument = (value as Document).$slice;
    if (typeof argument === 'number') slices.push([path, undefined, argument]);
    else if (Array.isArray(argument) && argument.length === 2 && argument.every((n) => typeof n === 'number')) {
      if ((argument[1] as number) <= 0) throw CommandError.of('BadValue', `$slice limit must be positive`);
      slices.push([path, argument[0] as number, argument[1] as number]);
    } else {
      throw CommandError.of('BadValue', '$slice only supports numbers and [skip, limit] arrays');
    }
  }
  return slices;
}

function sliceArray(array: unknown[], skip: number | undefined, limit: number): unknown[] {
  if (skip === undefined) return limit >= 0 ? array.slice(0, limit) : array.slice(Math.max(0, array.length + limit));
  const start = skip >= 0 ? skip : Math.max(0, array.length + skip);
  return array.slice(start, start + limit);
}

function applySlices(document: Document, slices: Slice[]): Document {
  const result = { ...document };
  for (const [path, skip, limit] of slices) {
    const parts = path.split('.');
    let container: Document = result;
    for (const part of parts.slice(0, -1)) {
      if (!isPlainObject(container[part])) {
        container = {};
        break;
      }
      container[part] = { ...(container[part] as Document) };
      container = container[part] as Document;
    }
    const last = parts[parts.length - 1];
    if (Array.isArray(container[last])) container[last] = sliceArray(container[last] as unknown[], skip, limit);
  }
  return result;
}

/** mongod keeps the document's field order (with `_id` first), not the projection's. */
function inDocumentOrder(projected: Document, original: Document | undefined): Document {
  if (!original) return projected;
  const position = new Map(Object.keys(original).map((key, i) => [key, i]));
  const keys = Object.keys(projected).sort(
    (a, b) => (position.get(a) ?? Number.MAX_SAFE_INTEGER) - (position.get(b) ?? Number.MAX_SAFE_INTEGER),
  );
  const ordered: Document = {};
  for (const key of keys) ordered[key] = projected[key];
  return ordered;
}
