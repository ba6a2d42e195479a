/**
 * One collection: its documents in natural (insertion) order keyed by `_id`, its indexes, and the
 * write operations that keep them consistent. Stored documents are never mutated: an update
 * replaces the document object, so cursors hold consistent snapshots of what they read.
 */
import { randomUUID } from 'node:crypto';
import { UUID } from 'bson';
import { CommandError } from '../errors';
import { compareValues, pathValues } from '../values/compare';
import { Document, isPlainObject } from '../values/forms';
import { equalityKey } from '../values/keys';
import { typeName } from '../values/types';
import { Index, IndexSpec } from './indexes';
import type { MutationObserver } from './mutations';

export const ID_INDEX_NAME = '_id_';

export interface CollectionInfo {
  uuid: UUID;
  options: Document;
}

export class Collection {
  readonly database: string;
  readonly name: string;
  readonly info: CollectionInfo;
  private readonly documents = new Map<string, Document>();
  /** Secondary indexes by name; the `_id` index is the `documents` map itself. */
  private readonly indexes = new Map<string, Index>();
  /** Set by the engine while the collection is attached to it (see store/mutations.ts). */
  observer: MutationObserver | undefined;

  constructor(database: string, name: string, options: Document = {}) {
    this.database = database;
    this.name = name;
    this.info = { uuid: new UUID(randomUUID()), options };
  }

  get namespace(): string {
    return `${this.database}.${this.name}`;
  }

  get count(): number {
    return this.documents.size;
  }

  all(): IterableIterator<Document> {
    return this.documents.values();
  }

  findById(id: unknown): Document | undefined {
    return this.documents.get(equalityKey(id));
  }

  /**
   * The documents that can match a filter: one map read for `_id` equality (or `$in`), an index
   * lookup for equality on an indexed field, every document otherwise. Callers still apply the
   * filter to each candidate.
   */
  candidates(filter: Document): Iterable<Document> {
    const ids = this.plan(filter);
    if (!ids) return this.documents.values();
    const found: Document[] = [];
    for (const id of ids) {
      const document = this.documents.get(id);
      if (document) found.push(document);
    }
    return found;
  }

  /** Ids in the order an index scan gives them: by key value, then in the order they entered the index. */
  private plan(filter: Document): Iterable<string> | undefined {
    const ids = equalityValues(filter._id);
    if (ids) return uniqueKeys(ids.sort(compareValues));
    for (const field of Object.keys(filter)) {
      if (field.startsWith('$')) continue;
      const values = equalityValues(filter[field]);
      if (!values) continue;
      const index = [...this.indexes.values()].find((candidate) => candidate.servesEqualityOn(field));
      if (!index) continue;
      const union = new Set<string>();
      for (const value of values.sort(compareValues)) for (const id of index.lookup(value)) union.add(id);
      return union;
    }
    if (Array.isArray(filter.$and)) {
      for (const clause of filter.$and) {
        if (isPlainObject(clause)) {
          const planned = this.plan(clause);
          if (planned) return planned;
        }
      }
    }
    return undefined;
  }

  insert(document: Document): void {
    const id = this.idKeyOf(document);
    if (this.documents.has(id)) throw this.duplicateIdError(document._id);
    const keys = this.indexKeys(document, id);
    this.observer?.record({ kind: 'insert', collection: this, document });
    this.documents.set(id, document);
    for (const [index, indexKeys] of keys) index.add(id, indexKeys);
  }

  /** Replaces a stored document by a new version with the same `_id`. */
  replace(current: Document, next: Document): void {
    const id = this.idKeyOf(current);
    if (this.idKeyOf(next) !== id) {
      throw CommandError.of('ImmutableField', `Performing an update on the path '_id' would modify the immutable field '_id'`);
    }
    const keys = this.indexKeys(next, id);
    this.observer?.record({ kind: 'replace', collection: this, current, next });
    for (const index of this.indexes.values()) index.remove(id, index.keysOf(current));
    this.documents.set(id, next);
    for (const [index, indexKeys] of keys) index.add(id, indexKeys);
  }

  delete(document: Document): void {
    const id = this.idKeyOf(document);
    const stored = this.documents.get(id);
    if (!stored) return;
    this.observer?.record({ kind: 'delete', collection: this, document: stored });
    for (const index of this.indexes.values()) index.remove(id, index.keysOf(stored));
    this.documents.delete(id);
  }

  /** Computes every index's keys for a document and checks unique indexes, before anything changes. */
  private indexKeys(document: Document, id: string): [Index, ReturnType<Index['keysOf']>][] {
    const result: [Index, ReturnType<Index['keysOf']>][] = [];
    for (const index of this.indexes.values()) {
      const keys = index.keysOf(document);
      const conflict = index.conflict(keys, id);
      if (conflict) throw index.duplicateKeyError(this.namespace, conflict);
      result.push([index, keys]);
    }
    return result;
  }

  private idKeyOf(document: Document): string {
    const id = document._id;
    if (id === undefined) throw CommandError.of('InvalidIdField', 'document has no _id');
    const type = typeName(id);
    if (type === 'array' || type === 'regex' || type === 'undefined') {
      throw CommandError.of('InvalidIdField', `The '_id' value cannot be of type ${type}`);
    }
    const dollarField = dollarPrefixedField(id);
    if (dollarField) {
      throw CommandError.of('DollarPrefixedFieldName', `_id fields may not contain '$'-prefixed fields: ${dollarField} is not valid for storage.`);
    }
    return equalityKey(id);
  }

  private duplicateIdError(id: unknown): CommandError {
    return new Index({ v: 2, key: { _id: 1 }, name: ID_INDEX_NAME }).duplicateKeyError(this.namespace, {
      key: '',
      first: '',
      values: [id],
    });
  }

  // ---- index management -----------------------------------------------------------------------

  indexSpecs(): IndexSpec[] {
    return [{ v: 2, key: { _id: 1 }, name: ID_INDEX_NAME }, ...[...this.indexes.values()].map((index) => index.spec)];
  }

  hasIndex(name: string): boolean {
    return name === ID_INDEX_NAME || this.indexes.has(name);
  }

  /** Builds an index over the current documents; fails (and adds nothing) on a duplicate key. */
  createIndex(spec: IndexSpec): void {
    const index = new Index(spec);
    for (const [id, document] of this.documents) {
      const keys = index.keysOf(document);
      const conflict = index.conflict(keys, id);
      if (conflict) throw index.duplicateKeyError(this.namespace, conflict);
      index.add(id, keys);
    }
    this.observer?.record({ kind: 'createIndex', collection: this, spec });
    this.indexes.set(spec.name, index);
  }

  dropIndex(name: string): void {
    const index = this.indexes.get(name);
    if (!index) return;
    this.observer?.record({ kind: 'dropIndex', collection: this, spec: index.spec });
    this.indexes.delete(name);
  }

  /** Deletes documents expired by this collection's TTL indexes; see Engine.expireDocuments. */
  expireDocuments(now: Date): number {
    let removed = 0;
    for (const index of this.indexes.values()) {
      const seconds = index.spec.expireAfterSeconds;
      if (typeof seconds !== 'number') continue;
      const cutoff = now.getTime() - seconds * 1000;
      for (const document of [...this.documents.values()]) {
        const dates = pathValues(document, index.fields[0]).filter((value): value is Date => value instanceof Date);
        if (dates.length > 0 && Math.min(...dates.map((date) => date.getTime())) <= cutoff) {
          this.delete(document);
          removed++;
        }
      }
    }
    return removed;
  }

  /** Removes every document, keeping the indexes (their entries emptied). */
  clear(): void {
    // One delete each, so an observer sees (and can journal and undo) every removal.
    for (const document of [...this.documents.values()]) this.delete(document);
  }
}

/**
 * The values a filter condition requires a field to equal (one for equality and `$eq`, several for
 * `$in`), or undefined when the condition is not a plain equality an index can answer: null
 * (also matches missing fields), arrays (also match whole-array equality), regular expressions.
 */
function equalityValues(condition: unknown): unknown[] | undefined {
  if (condition === undefined) return undefined;
  if (isPlainObject(condition)) {
    const keys = Object.keys(condition);
    if (keys.length > 0 && keys[0].startsWith('$')) {
      if ('$eq' in condition) return indexable(condition.$eq) ? [condition.$eq] : undefined;
      if ('$in' in condition && Array.isArray(condition.$in) && condition.$in.every(indexable)) return [...condition.$in];
      return undefined;
    }
  }
  return indexable(condition) ? [condition] : undefined;
}

/** MongoDB 5.0+ stores '$'-prefixed field names anywhere but inside `_id`. */
function dollarPrefixedField(value: unknown): string | undefined {
  if (!isPlainObject(value)) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (key.startsWith('$')) return key;
    const nested = dollarPrefixedField(inner);
    if (nested) return nested;
  }
  return undefined;
}

function uniqueKeys(values: unknown[]): Set<string> {
  return new Set(values.map(equalityKey));
}

function indexable(value: unknown): boolean {
  if (value === null || value === undefined || Array.isArray(value) || value instanceof RegExp) return false;
  if (isPlainObject(value)) return !Object.keys(value).some((key) => key.startsWith('$'));
  return true;
}
