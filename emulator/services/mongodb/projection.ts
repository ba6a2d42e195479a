/**
 * Projections applied here rather than by the database, for the one case where the service holds
 * the document itself: the before or after image a findOneAnd* under rules returns. Inclusion and
 * exclusion of (dotted) fields, as MongoDB applies them: field order of the document kept, `_id`
 * included unless excluded, arrays of embedded documents projected element by element. Projection
 * operators (`$slice`, `$elemMatch`, `$`, expressions) are refused there with a clear error.
 */
import type { Document } from 'mongodb';
import { isPlainDocument } from '../../rules/values';
import { notSupportedUnderRules } from './errors';

type PathTree = { [field: string]: PathTree | true };

function pathTree(paths: string[]): PathTree {
  const tree: PathTree = {};
  for (const path of paths) {
    let node = tree;
    const segments = path.split('.');
    segments.forEach((segment, i) => {
      if (i === segments.length - 1) node[segment] = true;
      else if (node[segment] !== true) node = (node[segment] ??= {}) as PathTree;
    });
  }
  return tree;
}

function include(document: Document, tree: PathTree): Document {
  const result: Document = {};
  for (const [key, value] of Object.entries(document)) {
    const node = tree[key];
    if (node === undefined) continue;
    if (node === true) result[key] = value;
    else if (isPlainDocument(value)) result[key] = include(value, node);
    else if (Array.isArray(value)) result[key] = value.filter(isPlainDocument).map((item) => include(item, node));
  }
  return result;
}

function exclude(document: Document, tree: PathTree): Document {
  const result: Document = {};
  for (const [key, value] of Object.entries(document)) {
    const node = tree[key];
    if (node === true) continue;
    if (node === undefined) result[key] = value;
    else if (isPlainDocument(value)) result[key] = exclude(value, node);
    else if (Array.isArray(value)) result[key] = value.map((item) => (isPlainDocument(item) ? exclude(item, node) : item));
    else result[key] = value;
  }
  return result;
}

export function applyProjection(document: Document, projection: Document | undefined): Document {
  if (!projection || Object.keys(projection).length === 0) return document;
  const entries = Object.entries(projection);
  for (const [field, value] of entries) {
    if (typeof value === 'object' || field.includes('$')) {
      throw notSupportedUnderRules(`the projection operator in "${field}" of a findOneAndUpdate/Replace/Delete result`);
    }
  }
  const excluded = (value: unknown) => value === 0 || value === false;
  const idShown = !excluded(projection._id);
  const others = entries.filter(([field]) => field !== '_id');
  if (others.length === 0) return idShown ? include(document, { _id: true }) : exclude(document, { _id: true });
  if (!excluded(others[0][1])) {
    const tree = pathTree(others.filter(([, value]) => !excluded(value)).map(([field]) => field));
    if (idShown) tree._id = true;
    return include(document, tree);
  }
  const tree = pathTree(others.map(([field]) => field));
  if (!idShown) tree._id = true;
  return exclude(document, tree);
}
