/**
 * createIndexes: ascending/descending (and hashed, served as equality) indexes, compound, unique,
 * sparse, partial and TTL. Building a unique index over duplicate data fails with E11000 and
 * builds nothing. Text and geospatial indexes are refused by name.
 */
import { Int32 } from 'bson';
import { CommandError } from '../errors';
import type { Collection } from '../store/collection';
import type { IndexSpec } from '../store/indexes';
import { Document, isPlainObject, toPlainValue } from '../values/forms';
import { Arguments, numberValue, targetName } from './arguments';
import type { CommandDefinition } from './command';
import { assertSimpleCollation } from './shared';

const UNSUPPORTED_TYPES = new Set(['text', '2dsphere', '2d', 'geoHaystack']);
/** Options that change what an index is; two specs differing in them are different indexes. */
const SEMANTIC_OPTIONS = ['unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds'];

function defaultName(key: Document): string {
  return Object.entries(key)
    .map(([field, direction]) => `${field}_${String(toPlainValue(direction))}`)
    .join('_');
}

function parseSpec(raw: unknown, index: number): IndexSpec {
  if (!isPlainObject(raw)) throw CommandError.of('TypeMismatch', `BSON field 'createIndexes.indexes.${index}' is the wrong type, expected type 'object'`);
  const key = raw.key;
  if (!isPlainObject(key) || Object.keys(key).length === 0) {
    throw CommandError.of('CannotCreateIndex', 'Index keys cannot be an empty field.');
  }
  for (const [field, direction] of Object.entries(key)) {
    if (field === '') throw CommandError.of('CannotCreateIndex', 'Index keys cannot be an empty field.');
    if (typeof direction === 'string') {
      if (UNSUPPORTED_TYPES.has(direction)) {
        throw CommandError.of(
          'CannotCreateIndex',
          `${direction} indexes are not supported by the embedded engine; use --mongodb memory-server or a MongoDB URI`,
        );
      }
      if (direction !== 'hashed') throw CommandError.of('CannotCreateIndex', `Unknown index plugin '${direction}'`);
    } else {
      const number = numberValue(direction);
      if (number === undefined || number === 0 || Number.isNaN(number)) {
        throw CommandError.of('CannotCreateIndex', `Values in the index key pattern can't be 0 or non-numeric: ${field}`);
      }
    }
  }
  assertSimpleCollation(isPlainObject(raw.collation) ? raw.collation : undefined);
  const name = raw.name === undefined ? defaultName(key) : raw.name;
  if (typeof name !== 'string' || name === '') throw CommandError.of('CannotCreateIndex', "The field 'name' must be a non-empty string");
  const spec: IndexSpec = { v: 2, key, name };
  for (const [option, value] of Object.entries(raw)) {
    if (option === 'key' || option === 'name' || option === 'v' || option === 'ns' || option === 'background') continue;
    if (option === 'partialFilterExpression' && !isPlainObject(value)) {
      throw CommandError.of('CannotCreateIndex', 'partialFilterExpression must be an object');
    }
    if (option === 'expireAfterSeconds') {
      const seconds = numberValue(value);
      if (seconds === undefined || seconds < 0) throw CommandError.of('CannotCreateIndex', 'TTL index expireAfterSeconds must be a non-negative number');
      if (Object.keys(key).length > 1) throw CommandError.of('CannotCreateIndex', 'TTL indexes are single-field indexes, compound indexes do not support TTL');
    }
    // Flags and the TTL are held as plain values: the store reads them (see Collection.expireDocuments).
    spec[option] = option === 'unique' || option === 'sparse' || option === 'hidden' ? Boolean(toPlainValue(value)) : option === 'expireAfterSeconds' ? toPlainValue(value) : value;
  }
  if (spec.unique === false) delete spec.unique;
  if (spec.sparse === false) delete spec.sparse;
  return spec;
}

function sameKey(a: IndexSpec, b: IndexSpec): boolean {
  return JSON.stringify(toPlainValue(a.key)) === JSON.stringify(toPlainValue(b.key));
}

function sameOptions(a: IndexSpec, b: IndexSpec): boolean {
  return SEMANTIC_OPTIONS.every((option) => JSON.stringify(toPlainValue(a[option])) === JSON.stringify(toPlainValue(b[option])));
}

/** Whether the spec is new; throws when it conflicts with an existing index. */
function isNew(collection: Collection, spec: IndexSpec): boolean {
  for (const existing of collection.indexSpecs()) {
    if (existing.name === spec.name) {
      if (sameKey(existing, spec) && sameOptions(existing, spec)) return false;
      throw CommandError.of(
        sameKey(existing, spec) ? 'IndexOptionsConflict' : 'IndexKeySpecsConflict',
        `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(toPlainValue(spec))}, existing index: ${JSON.stringify(toPlainValue(existing))}`,
      );
    }
    if (sameKey(existing, spec)) {
      if (sameOptions(existing, spec)) throw CommandError.of('IndexOptionsConflict', `Index already exists with a different name: ${existing.name}`);
      throw CommandError.of('IndexOptionsConflict', `An equivalent index already exists with a different name and options. Requested index: ${JSON.stringify(toPlainValue(spec))}, existing index: ${JSON.stringify(toPlainValue(existing))}`);
    }
  }
  return true;
}

export const createIndexes: CommandDefinition = {
  name: 'createIndexes',
  run(command, context) {
    const name = targetName(command, 'createIndexes');
    const args = new Arguments(command, 'createIndexes');
    const specs = args.requiredArray('indexes').map(parseSpec);
    if (specs.length === 0) throw CommandError.of('BadValue', 'Must specify at least one index to create');
    const existed = context.engine.collection(context.database, name) !== undefined;
    const collection = context.engine.collectionForWrite(context.database, name);
    const before = collection.indexSpecs().length;
    const created: string[] = [];
    try {
      for (const spec of specs) {
        if (!isNew(collection, spec)) continue;
        collection.createIndex(spec);
        created.push(spec.name);
      }
    } catch (error) {
      for (const indexName of created) collection.dropIndex(indexName);
      if (!existed) context.engine.dropCollection(context.database, name);
      throw error;
    }
    return {
      numIndexesBefore: new Int32(before),
      numIndexesAfter: new Int32(collection.indexSpecs().length),
      createdCollectionAutomatically: !existed,
      ...(created.length === 0 ? { note: 'all indexes already exist' } : {}),
    };
  },
};
