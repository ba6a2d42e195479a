/**
 * Update paths: how an update operator's dotted path is read, and how a document is walked and
 * written along it the way mongod's update nodes do it: a numeric part indexes an array, missing
 * documents are created on the way, and an array grows to a new index by padding with nulls.
 */
import { CommandError } from '../../errors';
import { compareStrings } from '../../values/compare';
import { formatValue } from '../../values/format';
import { Document, isPlainObject } from '../../values/forms';

/** mongod refuses to pad an array by more than this many nulls (pathsupport::kMaxPaddingAllowed). */
const MAX_PADDING = 1_500_000;

export function parseUpdatePath(dotted: string): string[] {
  if (dotted === '') throw CommandError.of('EmptyFieldName', 'An empty update path is not valid.');
  const parts = dotted.split('.');
  if (parts.some((part) => part === '')) {
    throw CommandError.of('EmptyFieldName', `The update path '${dotted}' contains an empty field name, which is not allowed.`);
  }
  return parts;
}

export function isPositionalPart(part: string): boolean {
  return part === '$';
}

/** The identifier of an array filter part: "" for `$[]`, "x" for `$[x]`; undefined for any other part. */
export function arrayFilterIdentifier(part: string): string | undefined {
  return part.length >= 3 && part.startsWith('$[') && part.endsWith(']') ? part.slice(2, -1) : undefined;
}

export function arrayIndex(part: string): number | undefined {
  return /^\d+$/.test(part) ? Number(part) : undefined;
}

/**
 * mongod's order of field names within one update level (pathsupport::cmpPathsAndArrayIndexes):
 * numbers (without leading zeros) in numeric order, everything else by bytes.
 */
export function comparePathParts(a: string, b: string): number {
  const numeric = (part: string) => /^\d+$/.test(part) && !(part.length > 1 && part.startsWith('0'));
  if (numeric(a) && numeric(b)) return a.length - b.length || compareStrings(a, b);
  return compareStrings(a, b);
}

export function comparePaths(a: string[], b: string[]): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const order = comparePathParts(a[i], b[i]);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/** Whether `prefix` is `path` or one of its ancestors. */
export function isPathPrefix(prefix: string[], path: string[]): boolean {
  return prefix.length <= path.length && prefix.every((part, i) => part === path[i]);
}

/** An element as mongod prints one in messages: `a: 1`. */
export function describeElement(name: string, value: unknown): string {
  return `${name}: ${formatValue(value)}`;
}

/** The document's `_id` as mongod names a document in messages (`_id: 1`, or "no id"). */
export function describeDocumentId(document: Document): string {
  return Object.prototype.hasOwnProperty.call(document, '_id') ? describeElement('_id', document._id) : 'no id';
}

// ---- walking a document -------------------------------------------------------------------------

export interface Location {
  /** Whether the whole path exists. */
  exists: boolean;
  /** How many parts of the path exist. */
  depth: number;
  /** The deepest existing element (the document itself when no part exists) and its field name. */
  element: unknown;
  elementName: string;
  /** Where the path exists: the container holding its value, and the key in it. */
  parent?: Document | unknown[];
  key?: string | number;
}

/** Follows a path through documents and (by numeric parts) arrays, without expanding arrays. */
export function locate(root: Document, parts: string[]): Location {
  let element: unknown = root;
  let elementName = '';
  let parent: Document | unknown[] | undefined;
  let key: string | number | undefined;
  let depth = 0;
  for (; depth < parts.length; depth++) {
    const part = parts[depth];
    if (isPlainObject(element) && Object.prototype.hasOwnProperty.call(element, part)) {
      parent = element;
      key = part;
      element = element[part];
    } else if (Array.isArray(element)) {
      const index = arrayIndex(part);
      if (index === undefined || index >= element.length) break;
      parent = element;
      key = index;
      element = element[index];
    } else {
      break;
    }
    elementName = part;
  }
  const exists = depth === parts.length;
  return exists ? { exists, depth, element, elementName, parent, key } : { exists, depth, element, elementName };
}

/** The value at a path, or undefined where it does not exist. */
export function valueAt(root: Document, parts: string[]): unknown {
  const location = locate(root, parts);
  return location.exists ? location.element : undefined;
}

/** Creates the missing rest of a path below the deepest existing element and puts `value` at its end. */
export function createAt(location: Location, parts: string[], value: unknown): void {
  const part = parts[location.depth];
  const container = location.element;
  if (isPlainObject(container)) {
    container[part] = nested(parts, location.depth + 1, value);
    return;
  }
  const index = Array.isArray(container) ? arrayIndex(part) : undefined;
  if (!Array.isArray(container) || index === undefined) {
    throw CommandError.of(
      'PathNotViable',
      `Cannot create field '${part}' in element {${describeElement(location.elementName, container)}}`,
    );
  }
  if (index - container.length > MAX_PADDING) {
    throw CommandError.of('CannotBackfillArray', `can't backfill more than ${MAX_PADDING} elements`);
  }
  while (container.length < index) container.push(null);
  container[index] = nested(parts, location.depth + 1, value);
}

function nested(parts: string[], from: number, value: unknown): unknown {
  let result = value;
  for (let i = parts.length - 1; i >= from; i--) result = { [parts[i]]: result };
  return result;
}

/**
 * The error mongod gives when an operator that never creates paths ($pop, $pull, $pullAll) meets a
 * path it could not even have created: one that goes through a scalar, or names a field of an array.
 */
export function assertViable(location: Location, parts: string[]): void {
  const container = location.element;
  const part = parts[location.depth];
  if (isPlainObject(container)) return;
  if (Array.isArray(container) && arrayIndex(part) !== undefined) return;
  const taken = parts.slice(0, location.depth).join('.');
  const toCreate = parts.slice(location.depth).join('.');
  throw CommandError.of(
    'PathNotViable',
    `Cannot use the part (${part}) of (${taken}.${toCreate}) to traverse the element ({${describeElement(location.elementName, container)}})`,
  );
}

/** Replaces the value at an existing location. */
export function writeAt(location: Location, value: unknown): void {
  (location.parent as Record<string | number, unknown>)[location.key as string | number] = value;
}

/** Removes the value at an existing location; an array element becomes null, as `$unset` leaves it. */
export function removeAt(location: Location): void {
  if (Array.isArray(location.parent)) location.parent[location.key as number] = null;
  else delete (location.parent as Document)[location.key as string];
}

/**
 * A deep copy of the documents and arrays in a value. Other values (numbers, ObjectIds, dates …)
 * are immutable by convention in the engine and are shared.
 */
export function cloneValue<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneValue) as T;
  if (isPlainObject(value)) {
    const copy: Document = {};
    for (const key of Object.keys(value)) copy[key] = cloneValue(value[key]);
    return copy as T;
  }
  return value;
}
