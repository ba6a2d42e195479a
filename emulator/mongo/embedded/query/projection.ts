/**
 * Find projections ({a: 1}, {a: 0}, `$slice`, `$elemMatch`, positional `a.$`, and aggregation
 * expressions), applied by mingo to the documents a query selected.
 */
import { Query } from 'mingo';
import { Document, isPlainObject, toExpressionValue } from '../values/forms';
import { mingoOptions } from './context';

export type Projector = (documents: Document[]) => Document[];

export function compileProjection(spec: Document | undefined, filter: Document): Projector {
  if (!spec || Object.keys(spec).length === 0) return (documents) => documents;
  const projection = projectionForm(spec);
  // The positional operator projects the array element the filter matched, so it needs the filter.
  const positional = Object.keys(projection).some((key) => key.endsWith('.$'));
  const query = new Query(positional ? filter : {}, mingoOptions());
  const inclusion = isInclusion(projection);
  return (documents) => {
    const projected = query.find(documents, projection).all() as Document[];
    return inclusion ? projected.map((document, i) => inDocumentOrder(document, documents[i])) : projected;
  };
}

/** Projection specs hold flags and expressions: numbers become plain, `$elemMatch` stays a filter. */
function projectionForm(spec: Document): Document {
  const result: Document = {};
  for (const [key, value] of Object.entries(spec)) {
    if (isPlainObject(value) && '$elemMatch' in value) result[key] = value;
    else result[key] = toExpressionValue(value);
  }
  return result;
}

function isInclusion(projection: Document): boolean {
  return Object.entries(projection).some(([key, value]) => key !== '_id' && value !== 0 && value !== false);
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
