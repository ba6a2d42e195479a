/**
 * The engine's state: databases, each a set of named collections. A database exists while it has a
 * collection, as in mongod.
 */
import { CommandError } from '../errors';
import { Document } from '../values/forms';
import { Collection } from './collection';
import type { MutationObserver } from './mutations';

export class Engine {
  private readonly databases = new Map<string, Map<string, Collection>>();
  readonly startedAt = new Date();
  #observer: MutationObserver | undefined;

  /** Who is told of every mutation (a data directory's journal); none by default. */
  get observer(): MutationObserver | undefined {
    return this.#observer;
  }

  set observer(observer: MutationObserver | undefined) {
    this.#observer = observer;
    for (const collections of this.databases.values()) {
      for (const collection of collections.values()) collection.observer = observer;
    }
  }

  databaseNames(): string[] {
    return [...this.databases.keys()].filter((name) => (this.databases.get(name)?.size ?? 0) > 0);
  }

  collections(database: string): Collection[] {
    return [...(this.databases.get(database)?.values() ?? [])];
  }

  collection(database: string, name: string): Collection | undefined {
    return this.databases.get(database)?.get(name);
  }

  /** The collection, created (implicitly, as an insert or index build does) when missing. */
  collectionForWrite(database: string, name: string): Collection {
    return this.collection(database, name) ?? this.createCollection(database, name);
  }

  createCollection(database: string, name: string, options: Document = {}): Collection {
    validateDatabaseName(database);
    validateCollectionName(name);
    if (this.collection(database, name)) {
      throw CommandError.of('NamespaceExists', `Collection ${database}.${name} already exists.`);
    }
    const collection = new Collection(database, name, options);
    this.#observer?.record({ kind: 'createCollection', collection });
    this.attach(collection);
    return collection;
  }

  /**
   * Puts a fully built collection in the place of the one with its name (or adds it), in one step:
   * how $out replaces its target without ever exposing a half-written collection.
   */
  replaceCollection(collection: Collection): void {
    validateDatabaseName(collection.database);
    validateCollectionName(collection.name);
    const previous = this.collection(collection.database, collection.name);
    this.#observer?.record({ kind: 'replaceCollection', replacement: collection, previous });
    this.attach(collection);
  }

  dropCollection(database: string, name: string): boolean {
    const collection = this.collection(database, name);
    if (!collection) return false;
    this.#observer?.record({ kind: 'dropCollection', collection });
    this.detach(collection);
    return true;
  }

  /**
   * Deletes the documents TTL indexes have expired: those whose indexed field is a date (the
   * earliest, for an array of dates) older than `expireAfterSeconds`. mongod's TTL monitor does
   * this every 60 seconds; the server calls this on the same schedule.
   */
  expireDocuments(now: Date = new Date()): number {
    let removed = 0;
    for (const collections of this.databases.values()) {
      for (const collection of collections.values()) removed += collection.expireDocuments(now);
    }
    return removed;
  }

  dropDatabase(database: string): void {
    const collections = this.collections(database);
    if (collections.length > 0) this.#observer?.record({ kind: 'dropDatabase', database, collections });
    for (const collection of collections) collection.observer = undefined;
    this.databases.delete(database);
  }

  renameCollection(from: { database: string; name: string }, to: { database: string; name: string }, dropTarget: boolean): void {
    const source = this.collection(from.database, from.name);
    if (!source) throw CommandError.of('NamespaceNotFound', `Source collection ${from.database}.${from.name} does not exist`);
    validateDatabaseName(to.database);
    validateCollectionName(to.name);
    if (from.database === to.database && from.name === to.name) {
      throw CommandError.of('IllegalOperation', "Can't rename a collection to itself");
    }
    const existing = this.collection(to.database, to.name);
    if (existing && !dropTarget) throw CommandError.of('NamespaceExists', `target namespace exists`);
    // Built detached, then swapped in: the rename is one mutation, not a copy of every document.
    const target = new Collection(to.database, to.name, source.info.options);
    for (const spec of source.indexSpecs().slice(1)) target.createIndex(spec);
    for (const document of source.all()) target.insert(document);
    this.#observer?.record({ kind: 'renameCollection', source, target, droppedTarget: existing });
    if (existing) this.detach(existing);
    this.detach(source);
    this.attach(target);
  }

  /** Adds a collection under its name (replacing any there), reporting its mutations to the observer. */
  private attach(collection: Collection): void {
    let collections = this.databases.get(collection.database);
    if (!collections) {
      collections = new Map();
      this.databases.set(collection.database, collections);
    }
    const previous = collections.get(collection.name);
    if (previous && previous !== collection) previous.observer = undefined;
    collections.set(collection.name, collection);
    collection.observer = this.#observer;
  }

  private detach(collection: Collection): void {
    const collections = this.databases.get(collection.database);
    if (collections?.get(collection.name) !== collection) return;
    collections.delete(collection.name);
    if (collections.size === 0) this.databases.delete(collection.database);
    collection.observer = undefined;
  }
}

export function validateDatabaseName(name: string): void {
  if (name.length === 0) throw CommandError.of('InvalidNamespace', 'Invalid database name: empty');
  if (name.length > 63) throw CommandError.of('InvalidNamespace', `db name is too long: '${name}'`);
  if (/[/\\. "$\0]/.test(name)) throw CommandError.of('InvalidNamespace', `Invalid database name: '${name}'`);
}

export function validateCollectionName(name: string): void {
  if (name.length === 0) throw CommandError.of('InvalidNamespace', 'Invalid namespace specified: collection name is empty');
  if (name.includes('\0') || name.includes('$')) {
    throw CommandError.of('InvalidNamespace', `Invalid collection name: ${name}`);
  }
  if (name.startsWith('.') || name.endsWith('.')) {
    throw CommandError.of('InvalidNamespace', `Invalid collection name: ${name}`);
  }
}
