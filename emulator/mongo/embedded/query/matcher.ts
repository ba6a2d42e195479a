/**
 * Compiles query filters (in filter form, see values/forms.ts) into predicates over stored
 * documents, with mingo doing the matching.
 */
// The base class: mingo's default export merges its own operators over the context's overrides.
import { Query } from 'mingo/query';
import { CommandError } from '../errors';
import { Document, isPlainObject } from '../values/forms';
import { mingoOptions } from './context';

export type Matcher = (document: Document) => boolean;

const GEO_OPERATORS = new Set(['$near', '$nearSphere', '$geoWithin', '$geoIntersects', '$within', '$box', '$center', '$centerSphere', '$polygon', '$geometry']);

/** Operators the engine does not evaluate, each refused with an error that says what to do instead. */
function refuseUnsupported(value: unknown): void {
  if (Array.isArray(value)) {
    for (const element of value) refuseUnsupported(element);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    if (GEO_OPERATORS.has(key)) {
      throw CommandError.of(
        'BadValue',
        `${key} is a geospatial query operator, which the embedded engine does not support; ` +
          'use --mongodb memory-server or a MongoDB URI for geospatial queries',
      );
    }
    if (key === '$text') {
      throw CommandError.of(
        'BadValue',
        '$text queries are not supported by the embedded engine (it has no text indexes); ' +
          'use $regex, or --mongodb memory-server or a MongoDB URI',
      );
    }
    if (key === '$where') {
      throw CommandError.of('BadValue', '$where is not allowed: the embedded engine does not run server-side JavaScript');
    }
    if (key === '$expr') continue;
    refuseUnsupported(value[key]);
  }
}

export function compileFilter(filter: Document, variables?: Document): Matcher {
  if (Object.keys(filter).length === 0) return () => true;
  refuseUnsupported(filter);
  const query = new Query(filter, mingoOptions(variables ? { variables } : {}));
  return (document) => query.test(document);
}
