/**
 * $unwind: one document per array element, `includeArrayIndex` as a long (as mongod writes it),
 * and documents copied along the unwound path only, never changed in place (mingo's $unwind writes
 * into its input when it keeps a document with an empty array).
 */
import { Lazy } from 'mingo/lazy';
import { CommandError } from '../../../errors';
import { BsonNumber } from '../../../values/bson-number';
import { Document, isPlainObject } from '../../../values/forms';
import { describeType } from '../evaluation';
import type { StageDefinition } from './stage';

interface UnwindSpec {
  path: string[];
  includeArrayIndex?: string;
  preserveNullAndEmptyArrays: boolean;
}

const OPTIONS = new Set(['path', 'includeArrayIndex', 'preserveNullAndEmptyArrays']);

function parsePath(path: unknown): string[] {
  if (typeof path !== 'string') throw new CommandError(28808, `expected a string as the path for $unwind stage, got ${describeType(path)}`);
  if (!path.startsWith('$')) throw new CommandError(28818, `path option to $unwind stage should be prefixed with a '$': ${path}`);
  return path.slice(1).split('.');
}

function prepare(spec: unknown): UnwindSpec {
  if (typeof spec === 'string') return { path: parsePath(spec), preserveNullAndEmptyArrays: false };
  if (!isPlainObject(spec)) throw new CommandError(15981, `expected either a string or an object as specification for $unwind stage, got ${describeType(spec)}`);
  for (const key of Object.keys(spec)) {
    if (!OPTIONS.has(key)) throw new CommandError(28811, `unrecognized option to $unwind stage: ${key}`);
  }
  if (!('path' in spec)) throw new CommandError(28812, 'no path specified to $unwind stage');
  const index = spec.includeArrayIndex;
  if (index !== undefined && (typeof index !== 'string' || index.length === 0)) {
    throw new CommandError(28810, `expected a non-empty string for the includeArrayIndex option to $unwind stage, got ${describeType(index)}`);
  }
  if (typeof index === 'string' && index.startsWith('$')) {
    throw new CommandError(28822, `includeArrayIndex option to $unwind stage should not be prefixed with a '$': ${index}`);
  }
  const preserve = spec.preserveNullAndEmptyArrays ?? false;
  if (typeof preserve !== 'boolean') {
    throw new CommandError(28809, `expected a boolean for the preserveNullAndEmptyArrays option to $unwind stage, got ${describeType(preserve)}`);
  }
  return { path: parsePath(spec.path), includeArrayIndex: index as string | undefined, preserveNullAndEmptyArrays: preserve };
}

/** The value at a path of nested documents (arrays along the way are not traversed, as in mongod's $unwind). */
function valueAt(document: Document, path: string[]): unknown {
  let value: unknown = document;
  for (const part of path) {
    if (!isPlainObject(value)) return undefined;
    value = value[part];
  }
  return value;
}

/** A copy of the document with the path set to `value` (or removed, for undefined), sharing everything else. */
function withValueAt(document: Document, path: string[], value: unknown): Document {
  const [first, ...rest] = path;
  const copy = { ...document };
  if (rest.length === 0) {
    if (value === undefined) delete copy[first];
    else copy[first] = value;
  } else {
    copy[first] = withValueAt(isPlainObject(copy[first]) ? copy[first] : {}, rest, value);
  }
  return copy;
}

function withIndex(document: Document, spec: UnwindSpec, index: number | null): Document {
  if (!spec.includeArrayIndex) return document;
  const path = spec.includeArrayIndex.split('.');
  return withValueAt(document, path, index === null ? null : BsonNumber.long(BigInt(index)));
}

function unwindOne(document: Document, spec: UnwindSpec): Document[] {
  const value = valueAt(document, spec.path);
  if (Array.isArray(value)) {
    if (value.length > 0) return value.map((element, i) => withIndex(withValueAt(document, spec.path, element), spec, i));
    // An empty array disappears from a preserved document.
    return spec.preserveNullAndEmptyArrays ? [withIndex(withValueAt(document, spec.path, undefined), spec, null)] : [];
  }
  if (value === null || value === undefined) return spec.preserveNullAndEmptyArrays ? [withIndex(document, spec, null)] : [];
  // Any other value unwinds as an array of itself.
  return [withIndex(document, spec, null)];
}

export const unwindStage: StageDefinition = {
  prepare,
  operator(collection, spec: UnwindSpec) {
    let pending: Document[] = [];
    let position = 0;
    return Lazy(() => {
      while (position >= pending.length) {
        const next = collection.next();
        if (next.done) return { done: true };
        pending = unwindOne(next.value as Document, spec);
        position = 0;
      }
      return { value: pending[position++], done: false };
    });
  },
};
