/**
 * The entity map of one test: clients, databases, collections, sessions, cursors and saved results,
 * each under its unique name. Every test gets new clients (the format forbids sharing state between
 * tests), and everything is closed when the test ends.
 */
import {
  ClientSession,
  Collection,
  Db,
  Document,
  MongoClient,
  MongoClientOptions,
  ReadPreference,
  ReadPreferenceMode,
} from 'mongodb';
import { numberOf } from './format';
import type { EntityValues } from './matcher';

export type EntityKind = 'client' | 'database' | 'collection' | 'session' | 'cursor' | 'value';

interface Cursor {
  close(): Promise<void>;
}

interface EntityTypes {
  client: MongoClient;
  database: Db;
  collection: Collection<Document>;
  session: ClientSession;
  cursor: Cursor;
  value: unknown;
}

interface Entry {
  kind: EntityKind;
  value: unknown;
}

export class EntityMap implements EntityValues {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly uri: string) {}

  has(name: string): boolean {
    return this.entries.has(name);
  }

  kindOf(name: string): EntityKind {
    return this.entry(name).kind;
  }

  get<K extends EntityKind>(name: string, kind: K): EntityTypes[K] {
    const entry = this.entry(name);
    if (entry.kind !== kind) throw new Error(`entity ${name} is a ${entry.kind}, not a ${kind}`);
    return entry.value as EntityTypes[K];
  }

  /** Any entity, whatever its kind (an operation's target). */
  any(name: string): unknown {
    return this.entry(name).value;
  }

  set(name: string, kind: EntityKind, value: unknown): void {
    if (this.entries.has(name)) throw new Error(`entity ${name} already exists`);
    this.entries.set(name, { kind, value });
  }

  value(name: string): unknown {
    return this.entry(name).value;
  }

  sessionLsid(name: string): unknown {
    return this.get(name, 'session').id;
  }

  /** createEntities. observeEvents and friends are accepted and ignored: events are not checked. */
  async create(descriptions: Document[]): Promise<void> {
    for (const description of descriptions) {
      const [kind, spec] = Object.entries(description)[0] as [string, Document];
      const id = String(spec.id);
      switch (kind) {
        case 'client':
          this.set(id, 'client', await this.connect(spec));
          break;
        case 'database':
          this.set(id, 'database', this.get(String(spec.client), 'client').db(String(spec.databaseName), plainOptions(spec.databaseOptions)));
          break;
        case 'collection':
          this.set(
            id,
            'collection',
            this.get(String(spec.database), 'database').collection(String(spec.collectionName), plainOptions(spec.collectionOptions)),
          );
          break;
        case 'session':
          this.set(id, 'session', this.get(String(spec.client), 'client').startSession(plainOptions(spec.sessionOptions)));
          break;
        default:
          throw new Error(`unsupported entity type ${kind}`);
      }
    }
  }

  /** Ends sessions, closes cursors, then clients; errors here must not hide the test's result. */
  async close(): Promise<void> {
    const entries = [...this.entries.values()];
    for (const entry of entries) {
      if (entry.kind === 'cursor') await (entry.value as Cursor).close().catch(() => undefined);
      if (entry.kind === 'session') await (entry.value as ClientSession).endSession().catch(() => undefined);
    }
    for (const entry of entries) {
      if (entry.kind === 'client') await (entry.value as MongoClient).close(true).catch(() => undefined);
    }
    this.entries.clear();
  }

  private entry(name: string): Entry {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`no entity named ${name}`);
    return entry;
  }

  private async connect(spec: Document): Promise<MongoClient> {
    // uriOptions are connection-string options (retryReads, w, readConcernLevel, appname…), so they
    // go into the URI, where the driver parses and validates them as it would for a user.
    const query = Object.entries((spec.uriOptions ?? {}) as Document)
      .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(numberOf(value) ?? value))}`)
      .join('&');
    const options: MongoClientOptions = { serverSelectionTimeoutMS: 5000 };
    if (spec.serverApi) options.serverApi = plainOptions(spec.serverApi) as MongoClientOptions['serverApi'];
    const client = new MongoClient(query ? withQuery(this.uri, query) : this.uri, options);
    await client.connect();
    return client;
  }
}

/** Appends options to a connection string, which may list several hosts (so no URL parsing). */
function withQuery(uri: string, query: string): string {
  if (uri.includes('?')) return `${uri}&${query}`;
  const afterScheme = uri.indexOf('//') + 2;
  return uri.indexOf('/', afterScheme) === -1 ? `${uri}/?${query}` : `${uri}?${query}`;
}

/**
 * Options objects with the wrappers EJSON produced turned into JS numbers (the driver tests
 * `typeof w === 'number'`), and readPreference documents into ReadPreference instances.
 */
export function plainOptions(options: unknown): Document {
  if (!options || typeof options !== 'object') return {};
  const plain = toPlain(options) as Document;
  if (plain.readPreference && typeof plain.readPreference === 'object') plain.readPreference = readPreferenceOf(plain.readPreference as Document);
  return plain;
}

export function readPreferenceOf(spec: Document): ReadPreference {
  const { mode, tagSets, ...options } = spec;
  return new ReadPreference(String(mode) as ReadPreferenceMode, tagSets as Document[] | undefined, options);
}

/** Int32, Double and safe Longs become JS numbers, recursively; other BSON values stay as they are. */
export function toPlain(value: unknown): unknown {
  const number = numberOf(value);
  // A Long beyond 2^53 stays a Long: as a JS number it would silently become another value.
  const isLong = typeof value === 'object' && (value as { _bsontype?: string } | null)?._bsontype === 'Long';
  if (number !== undefined && (!isLong || Number.isSafeInteger(number))) return number;
  if (Array.isArray(value)) return value.map(toPlain);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, toPlain(inner)]));
  }
  return value;
}
