/**
 * Selecting documents: the candidates a collection offers for a filter (`_id` or index lookup, or
 * a scan), the filter, the sort, skip and limit. find, count, distinct, update, delete and
 * findAndModify all select through here, so they agree on what a filter means.
 */
import { CommandError } from '../errors';
import type { Collection } from '../store/collection';
import { SortSpec, sortDocuments } from '../values/compare';
import { Document, toPlainValue } from '../values/forms';
import { compileFilter } from './matcher';

export type Sort = { natural: 1 | -1 } | { spec: SortSpec };

export interface Selection {
  /** In filter form (values/forms.ts). */
  filter: Document;
  sort?: Sort;
  skip?: number;
  /** 0 or undefined: no limit. */
  limit?: number;
  /** `let` variables, for `$expr`. */
  variables?: Document;
}

export function selectDocuments(collection: Collection | undefined, selection: Selection): Document[] {
  if (!collection) {
    compileFilter(selection.filter, selection.variables); // an invalid filter fails even on a missing collection
    return [];
  }
  const matches = compileFilter(selection.filter, selection.variables);
  const skip = selection.skip ?? 0;
  const limit = selection.limit && selection.limit > 0 ? selection.limit : Infinity;
  const sort = selection.sort;
  const stopAt = sort ? Infinity : skip + limit;
  let selected: Document[] = [];
  for (const document of collection.candidates(selection.filter)) {
    if (matches(document)) {
      selected.push(document);
      if (selected.length >= stopAt) break;
    }
  }
  if (sort && 'spec' in sort) selected = sortDocuments(selected, sort.spec);
  if (sort && 'natural' in sort && sort.natural === -1) selected.reverse();
  return selected.slice(skip, skip + limit);
}

/** Parses a sort specification ({a: 1, b: -1}, {$natural: -1}). */
export function parseSort(spec: Document | undefined): Sort | undefined {
  if (!spec || Object.keys(spec).length === 0) return undefined;
  const plain = toPlainValue(spec) as Document;
  if ('$natural' in plain) {
    if (Object.keys(plain).length > 1) throw CommandError.of('BadValue', '$natural sort cannot be combined with other fields');
    return { natural: plain.$natural === -1 ? -1 : 1 };
  }
  const fields: SortSpec = [];
  for (const [path, direction] of Object.entries(plain)) {
    if (direction === 1 || direction === -1) fields.push([path, direction]);
    else if (typeof direction === 'object' && direction !== null && '$meta' in direction) {
      throw CommandError.of('BadValue', `$meta sort by '${String((direction as Document).$meta)}' is not supported by the embedded engine`);
    } else if (typeof direction === 'number') {
      throw new CommandError(15975, '$sort key ordering must be 1 (for ascending) or -1 (for descending)');
    } else {
      throw new CommandError(15974, `Illegal key in $sort specification: ${path}: ${JSON.stringify(direction)}`);
    }
  }
  return { spec: fields };
}
