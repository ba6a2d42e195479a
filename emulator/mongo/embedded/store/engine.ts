/**
 * The engine's state: databases, each a set of named collections. A database exists while it has a
 * collection, as in mongod.
 */
import { CommandError } from '../errors';
import { Document } from '../values/forms';
import { Collection } from './collection';

export class Engine {
  private readonly databases = new Map<string, Map<string, Collection>>();
  readonly startedAt = new Date();

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
    let collections = this.databases.get(database);
    if (!collections) {
      collections = new Map();
      this.databases.set(database, collections);
    }
    const collection = new Collection(database, name, options);
    collections.set(name, collection);
    return collection;
  }

  /**
   * Puts a fully built collection in the place of the one with its name (or adds it), in one step:
   * how $out replaces its target without ever exposing a half-written collection.
   */
  replaceCollection(collection: Collection): void {
    validateDatabaseName(collection.database);
    validateCollectionName(collection.name);
    let collections = this.databases.get(collection.database);
    if (!collections) {
      collections = new Map();
      this.databases.set(collection.database, collections);
    }
    collections.set(collection.name, collection);
  }

  dropCollection(database: string, name: string): boolean {
    const collections = this.databases.get(database);
    if (!collections?.delete(name)) return false;
    if (collections.size === 0) this.databases.delete(database);
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
    if (this.collection(to.database, to.name)) {
      if (!dropTarget) throw CommandError.of('NamespaceExists', `target namespace exists`);
      this.dropCollection(to.database, to.name);
    }
    const target = this.createCollection(to.database, to.name, source.info.options);
    for (const spec of source.indexSpecs().slice(1)) target.createIndex(spec);
    for (const document of source.all()) target.insert(document);
    this.dropCollection(from.database, from.name);
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
