/**
 * The document an upsert starts from when nothing matched: the query's equality conditions
 * (`{a: 1}`, `{a: {$eq: 1}}`, a one-value `$in`, `$all` values, and these inside `$and`), with
 * dotted paths building nested documents, as mongod's extractEqualityMatches does on the
 * canonical query. A replacement-style upsert takes only `_id` from the query.
 */
import { CommandError } from '../../errors';
import { Document, isPlainObject, toStoredValue } from '../../values/forms';
import { typeName } from '../../values/types';
import { cloneValue, comparePaths, createAt, locate } from './paths';

type Equalities = Map<string, unknown>;
type Style = 'operators' | 'replacement';

function isOperatorObject(value: unknown): value is Document {
  return isPlainObject(value) && Object.keys(value).length > 0 && Object.keys(value)[0].startsWith('$');
}

function isEqualityValue(value: unknown): boolean {
  return typeName(value) !== 'regex' && !isOperatorObject(value);
}

function addEquality(equalities: Equalities, path: string, value: unknown): void {
  for (const existing of equalities.keys()) {
    if (existing === path) {
      throw CommandError.of('NotSingleValueField', `cannot infer query fields to set, path '${path}' is matched twice`);
    }
    const [longer, shorter] = path.length > existing.length ? [path, existing] : [existing, path];
    if (longer.startsWith(`${shorter}.`)) {
      throw CommandError.of('NotSingleValueField', `cannot infer query fields to set, both paths '${longer}' and '${shorter}' are matched`);
    }
  }
  equalities.set(path, value);
}

function collectEqualities(query: Document, equalities: Equalities, style: Style): void {
  for (const [key, condition] of Object.entries(query)) {
    if (key === '$and' || (key === '$or' && Array.isArray(condition) && condition.length === 1)) {
      // A one-clause $or is that clause once the query is canonical.
      for (const clause of condition as unknown[]) if (isPlainObject(clause)) collectEqualities(clause, equalities, style);
      continue;
    }
    // A replacement takes only `_id` from the query; mongod does not even check the other paths.
    if (key.startsWith('$') || (style === 'replacement' && key.split('.')[0] !== '_id')) continue;
    if (!isOperatorObject(condition)) {
      if (isEqualityValue(condition)) addEquality(equalities, key, condition);
      continue;
    }
    if ('$eq' in condition) addEquality(equalities, key, condition.$eq);
    if (Array.isArray(condition.$in) && condition.$in.length === 1 && isEqualityValue(condition.$in[0])) {
      addEquality(equalities, key, condition.$in[0]);
    }
    if (Array.isArray(condition.$all)) {
      for (const value of condition.$all) if (isEqualityValue(value)) addEquality(equalities, key, value);
    }
  }
}

/**
 * mongod cannot tell which fields an expression would set, so it refuses `$expr` in the query of
 * any update that may upsert, whether or not a document matches.
 */
export function checkUpsertQuery(query: Document): void {
  for (const [key, condition] of Object.entries(query)) {
    if (key === '$expr') {
      throw CommandError.of('QueryFeatureNotAllowed', '$expr is not allowed in the query predicate for an upsert');
    }
    if ((key === '$and' || key === '$or' || key === '$nor') && Array.isArray(condition)) {
      for (const clause of condition) if (isPlainObject(clause)) checkUpsertQuery(clause);
    }
  }
}

/** The starting document of an upsert, in stored form. */
export function upsertSeed(query: Document, style: Style): Document {
  const equalities: Equalities = new Map();
  collectEqualities(query, equalities, style);
  const seed: Document = {};
  const paths = [...equalities.keys()].map((path) => path.split('.')).sort(comparePaths);
  for (const parts of paths) {
    const path = parts.join('.');
    if (style === 'replacement' && parts.length > 1) {
      throw CommandError.of('NotExactValueField', `field at '_id' must be exactly specified, field at sub-path '${path}'found`);
    }
    createAt(locate(seed, parts), parts, cloneValue(toStoredValue(equalities.get(path))));
  }
  return seed;
}
