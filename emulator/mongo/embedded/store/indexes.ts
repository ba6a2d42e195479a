/**
 * Indexes of one collection: the key specification, the entries (index key → document ids) kept up
 * to date on every write, unique and sparse and partial semantics, and equality lookups.
 *
 * Entries are keyed by canonical equality keys (values/keys.ts), so an equality lookup is one map
 * read whatever the collection's size. Range scans are not needed: range queries scan and filter.
 */
import { CommandError } from '../errors';
import { compileFilter, Matcher } from '../query/matcher';
import { pathValues, EMPTY_ARRAY } from '../values/compare';
import { Document, toFilter, toPlainValue } from '../values/forms';
import { formatDocument } from '../values/format';
import { equalityKey } from '../values/keys';

export interface IndexSpec {
  v: number;
  key: Document;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Document;
  expireAfterSeconds?: number;
  hidden?: boolean;
  [option: string]: unknown;
}

interface IndexKey {
  /** The canonical key of the whole (compound) key. */
  key: string;
  /** The canonical key of the first field alone, for equality lookups on it. */
  first: string;
  /** The values, one per key field, for error messages (`keyValue`). */
  values: unknown[];
}

export class Index {
  readonly spec: IndexSpec;
  readonly fields: string[];
  private readonly partialFilter: Matcher | undefined;
  /** Whole key → ids of the documents with that key. */
  private readonly entries = new Map<string, Set<string>>();
  /** First field's key → ids; the same map as `entries` for single-field indexes. */
  private readonly byFirstField: Map<string, Set<string>>;

  constructor(spec: IndexSpec) {
    this.spec = spec;
    this.fields = Object.keys(spec.key);
    this.partialFilter = spec.partialFilterExpression ? compileFilter(toFilter(spec.partialFilterExpression)) : undefined;
    this.byFirstField = this.fields.length === 1 ? this.entries : new Map();
  }

  get name(): string {
    return this.spec.name;
  }

  get unique(): boolean {
    return this.spec.unique === true || this.name === '_id_';
  }

  /** Usable for an equality lookup on `field`: it leads the key and holds every document. */
  servesEqualityOn(field: string): boolean {
    return this.fields[0] === field && !this.spec.sparse && !this.partialFilter && this.spec.key[field] !== 'hashed';
  }

  /**
   * The keys a document has in this index (several for arrays: one per element), or none when a
   * sparse index skips it (every key field missing) or a partial filter excludes it.
   */
  keysOf(document: Document): IndexKey[] {
    if (this.partialFilter && !this.partialFilter(document)) return [];
    const perField = this.fields.map((field) => pathValues(document, field));
    if (this.spec.sparse && perField.every((values) => values.length === 0)) return [];
    const multiValued = this.fields.filter((_, i) => perField[i].length > 1);
    if (multiValued.length > 1) {
      throw CommandError.of(
        'CannotIndexParallelArrays',
        `cannot index parallel arrays [${multiValued[1]}] [${multiValued[0]}]`,
      );
    }
    const choices = perField.map((values) => (values.length === 0 ? [null] : values.map((v) => (v === EMPTY_ARRAY ? [] : v))));
    const keys: IndexKey[] = [];
    const seen = new Set<string>();
    for (const values of cartesian(choices)) {
      const parts = values.map(equalityKey);
      const key = parts.length === 1 ? parts[0] : JSON.stringify(parts);
      if (seen.has(key)) continue;
      seen.add(key);
      keys.push({ key, first: parts[0], values });
    }
    return keys;
  }

  /** The first key of `keys` already held by another document, for unique indexes. */
  conflict(keys: IndexKey[], ownId: string): IndexKey | undefined {
    if (!this.unique) return undefined;
    for (const key of keys) {
      const holders = this.entries.get(key.key);
      if (holders && (holders.size > 1 || !holders.has(ownId))) return key;
    }
    return undefined;
  }

  add(id: string, keys: IndexKey[]): void {
    for (const key of keys) {
      addTo(this.entries, key.key, id);
      if (this.byFirstField !== this.entries) addTo(this.byFirstField, key.first, id);
    }
  }

  remove(id: string, keys: IndexKey[]): void {
    for (const key of keys) {
      removeFrom(this.entries, key.key, id);
      if (this.byFirstField !== this.entries) removeFrom(this.byFirstField, key.first, id);
    }
  }

  /** Ids of documents whose first key field equals the value (arrays: contains it). */
  lookup(value: unknown): ReadonlySet<string> {
    return this.byFirstField.get(equalityKey(value)) ?? EMPTY_SET;
  }

  duplicateKeyError(namespace: string, key: IndexKey): CommandError {
    const keyValue: Document = {};
    this.fields.forEach((field, i) => {
      keyValue[field] = key.values[i] ?? null;
    });
    const printed = formatDocument(Object.fromEntries(this.fields.map((field, i) => [field, key.values[i] ?? null])));
    return CommandError.of(
      'DuplicateKey',
      `E11000 duplicate key error collection: ${namespace} index: ${this.name} dup key: ${printed}`,
      { keyPattern: toPlainValue(this.spec.key), keyValue },
    );
  }
}

const EMPTY_SET: ReadonlySet<string> = new Set();

function addTo(map: Map<string, Set<string>>, key: string, id: string): void {
  const ids = map.get(key);
  if (ids) ids.add(id);
  else map.set(key, new Set([id]));
}

function removeFrom(map: Map<string, Set<string>>, key: string, id: string): void {
  const ids = map.get(key);
  if (!ids) return;
  ids.delete(id);
  if (ids.size === 0) map.delete(key);
}

function* cartesian(choices: unknown[][], prefix: unknown[] = []): Generator<unknown[]> {
  if (prefix.length === choices.length) {
    yield prefix;
    return;
  }
  for (const value of choices[prefix.length]) yield* cartesian(choices, [...prefix, value]);
}
