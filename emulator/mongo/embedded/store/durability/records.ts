/**
 * Journal records: the store's mutations as BSON documents, and how each is applied again on
 * start-up. Documents are written as the engine holds them (BsonNumber.toBSON() gives each number
 * its exact BSON type back) and read back through the wire path's decoding and stored form, so a
 * restarted engine holds exactly what it held before.
 *
 * Records name collections by database and name; a document is identified by its `_id`. Replaying
 * is strict: a record that does not apply (a replace of a missing document, a drop of a missing
 * collection) means the files do not describe what the engine did, and start-up stops.
 */
import { Binary, serialize, UUID } from 'bson';
import type { Collection } from '../collection';
import type { Engine } from '../engine';
import type { IndexSpec } from '../indexes';
import type { Mutation } from '../mutations';
import { Document, isPlainObject, toPlainValue, toStoredDocument, toStoredValue } from '../../values/forms';

/** The records of one mutation, serialized. */
export function encodeMutation(mutation: Mutation): Uint8Array[] {
  switch (mutation.kind) {
    case 'insert':
      return [insertRecord(mutation.collection, mutation.document)];
    case 'replace':
      return [record('replace', mutation.collection, { doc: mutation.next })];
    case 'delete':
      return [record('delete', mutation.collection, { id: mutation.document._id })];
    case 'createIndex':
      return [record('createIndex', mutation.collection, { spec: mutation.spec })];
    case 'dropIndex':
      return [record('dropIndex', mutation.collection, { name: mutation.spec.name })];
    case 'createCollection':
      return collectionHeaderRecords(mutation.collection, []);
    case 'dropCollection':
      return [record('dropCollection', mutation.collection, {})];
    case 'dropDatabase':
      return [serialize({ op: 'dropDatabase', db: mutation.database })];
    case 'renameCollection': {
      const { source, target, droppedTarget } = mutation;
      return [
        record('renameCollection', source, {
          to: { db: target.database, coll: target.name },
          dropTarget: droppedTarget !== undefined,
          uuid: target.info.uuid,
        }),
      ];
    }
    case 'replaceCollection': {
      // Within one frame, so a replay sees the old collection or the whole new one, never a mix.
      const { replacement, previous } = mutation;
      const drop = previous ? [record('dropCollection', previous, {})] : [];
      const documents = [...replacement.all()].map((document) => insertRecord(replacement, document));
      return [...drop, ...collectionHeaderRecords(replacement, replacement.indexSpecs().slice(1)), ...documents];
    }
  }
}

/** The records that create a collection (options, UUID) with its indexes (`_id_` aside); documents follow. */
export function collectionHeaderRecords(collection: Collection, indexes: IndexSpec[]): Uint8Array[] {
  return [
    record('createCollection', collection, { options: collection.info.options, uuid: collection.info.uuid }),
    ...indexes.map((spec) => record('createIndex', collection, { spec })),
  ];
}

export function insertRecord(collection: Collection, document: Document): Uint8Array {
  return serialize({ op: 'insert', db: collection.database, coll: collection.name, doc: document });
}

function record(op: string, collection: Collection, fields: Document): Uint8Array {
  return serialize({ op, db: collection.database, coll: collection.name, ...fields });
}

/** Applies one decoded record to the engine (which must have no observer while replaying). */
export function applyRecord(engine: Engine, entry: Document): void {
  const op = entry.op;
  switch (op) {
    case 'insert':
      existingCollection(engine, entry).insert(toStoredDocument(field(entry, 'doc', isPlainObject)));
      return;
    case 'replace': {
      const next = toStoredDocument(field(entry, 'doc', isPlainObject));
      const collection = existingCollection(engine, entry);
      collection.replace(storedDocument(collection, next._id), next);
      return;
    }
    case 'delete': {
      const collection = existingCollection(engine, entry);
      collection.delete(storedDocument(collection, toStoredValue(entry.id)));
      return;
    }
    case 'createIndex':
      existingCollection(engine, entry).createIndex(indexSpec(field(entry, 'spec', isPlainObject)));
      return;
    case 'dropIndex': {
      const collection = existingCollection(engine, entry);
      const name = field(entry, 'name', isString);
      if (!collection.hasIndex(name)) throw new Error(`${collection.namespace} has no index ${name} to drop`);
      collection.dropIndex(name);
      return;
    }
    case 'createCollection': {
      const collection = engine.createCollection(field(entry, 'db', isString), field(entry, 'coll', isString), field(entry, 'options', isPlainObject));
      collection.info.uuid = uuid(entry.uuid);
      return;
    }
    case 'dropCollection': {
      const collection = existingCollection(engine, entry);
      engine.dropCollection(collection.database, collection.name);
      return;
    }
    case 'dropDatabase':
      engine.dropDatabase(field(entry, 'db', isString));
      return;
    case 'renameCollection': {
      const source = existingCollection(engine, entry);
      const to = field(entry, 'to', isPlainObject);
      const target = { database: field(to, 'db', isString), name: field(to, 'coll', isString) };
      engine.renameCollection({ database: source.database, name: source.name }, target, entry.dropTarget === true);
      existingCollection(engine, { db: target.database, coll: target.name }).info.uuid = uuid(entry.uuid);
      return;
    }
    default:
      throw new Error(`unknown record type ${JSON.stringify(op)}`);
  }
}

function existingCollection(engine: Engine, entry: Document): Collection {
  const database = field(entry, 'db', isString);
  const name = field(entry, 'coll', isString);
  const collection = engine.collection(database, name);
  if (!collection) throw new Error(`collection ${database}.${name} does not exist`);
  return collection;
}

function storedDocument(collection: Collection, id: unknown): Document {
  const document = collection.findById(id);
  if (!document) throw new Error(`${collection.namespace} has no document with _id ${JSON.stringify(toPlainValue(id))}`);
  return document;
}

/**
 * An index specification as createIndexes keeps it: the version and the TTL as plain numbers (the
 * store reads them), every other option as it came from the wire.
 */
function indexSpec(spec: Document): IndexSpec {
  const result = { ...spec, v: toPlainValue(spec.v) } as IndexSpec;
  if (spec.expireAfterSeconds !== undefined) result.expireAfterSeconds = toPlainValue(spec.expireAfterSeconds) as number;
  return result;
}

function uuid(value: unknown): UUID {
  if (value instanceof Binary && value.sub_type === Binary.SUBTYPE_UUID) return value.toUUID();
  throw new Error('a collection record has no UUID');
}

function field<T>(entry: Document, name: string, check: (value: unknown) => value is T): T {
  const value = entry[name];
  if (!check(value)) throw new Error(`a ${String(entry.op ?? '')} record has no valid "${name}"`);
  return value;
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}
