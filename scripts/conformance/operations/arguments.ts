/**
 * An operation's `arguments`, turned into what the driver's methods take. Data (filters, updates,
 * documents, pipelines) keeps the exact BSON types the file wrote; options become JS values,
 * because the driver checks options with `typeof x === 'number'`; `session` and `readPreference`
 * become driver objects, as the format's "Special Handling for Arguments" requires.
 */
import type { Document } from 'mongodb';
import { EntityMap, readPreferenceOf, toPlain } from '../entities';

/** Arguments that are data sent to the server as they are, never rewritten. */
const DATA = new Set(['filter', 'update', 'replacement', 'document', 'documents', 'pipeline', 'let', 'comment', 'arrayFilters', 'command', 'validator']);

export class Args {
  constructor(
    private readonly raw: Document,
    private readonly entities: EntityMap,
  ) {}

  has(name: string): boolean {
    return this.raw[name] !== undefined;
  }

  /** A required argument, as the file wrote it. */
  required<T = unknown>(name: string): T {
    if (this.raw[name] === undefined) throw new Error(`missing argument ${name}`);
    return this.raw[name] as T;
  }

  optional<T = unknown>(name: string): T | undefined {
    return this.raw[name] as T | undefined;
  }

  string(name: string): string {
    return String(this.required(name));
  }

  /** Every argument but the positional ones, as driver options. */
  options(...positional: string[]): Document {
    const options: Document = {};
    for (const [name, value] of Object.entries(this.raw)) {
      if (positional.includes(name) || value === undefined) continue;
      options[name] = this.option(name, value);
    }
    return options;
  }

  private option(name: string, value: unknown): unknown {
    if (name === 'session') return this.entities.get(String(value), 'session');
    if (name === 'readPreference' && value && typeof value === 'object') return readPreferenceOf(toPlain(value) as Document);
    if (name === 'returnDocument') return String(value).toLowerCase();
    return DATA.has(name) ? value : toPlain(value);
  }
}

/**
 * A bulk write model ({insertOne: {…}} in the file) as the driver takes it: data fields exact,
 * options plain. Collection bulkWrite keeps the nesting; client bulkWrite wants `name` inside.
 */
export function writeModel(model: Document): { name: string; fields: Document } {
  const [name, spec] = Object.entries(model)[0] as [string, Document];
  const fields: Document = {};
  for (const [key, value] of Object.entries(spec)) fields[key] = DATA.has(key) ? value : toPlain(value);
  return { name, fields };
}
