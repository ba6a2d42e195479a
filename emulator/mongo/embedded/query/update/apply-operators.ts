/**
 * Applying a parsed operator update to one document, in mongod's order: positional parts are
 * resolved against the document to concrete paths, concrete paths that collide are refused
 * ("Update created a conflict at …"), and the operations run in the order of their paths (field
 * names compared as mongod ≥ 5.0 compares them), so new fields are appended in that order while
 * existing fields keep their place. The stored document is never touched: the work happens on a
 * copy.
 */
import { CommandError } from '../../errors';
import { Document, isPlainObject } from '../../values/forms';
import { FieldOperation, Operation, RenameOperation, isRename } from './parse-operators';
import { REMOVE, Target, UNCHANGED } from './operator';
import {
  Location,
  arrayFilterIdentifier,
  arrayIndex,
  assertViable,
  cloneValue,
  comparePaths,
  createAt,
  describeDocumentId,
  describeElement,
  isPathPrefix,
  isPositionalPart,
  locate,
  removeAt,
  writeAt,
} from './paths';
import type { ArrayFilters, PositionalMatcher } from './positional';
import { identicalValues } from './identity';

export interface OperatorUpdate {
  operations: Operation[];
  arrayFilters: ArrayFilters;
}

export interface ApplyOptions {
  /** True when the update builds an upserted document: `$setOnInsert` applies, `$` cannot. */
  isInsert: boolean;
  /** Finds the array position the query matched, for `$`; absent for upserts. */
  positional?: PositionalMatcher;
}

/** Operators whose writes mongod validates for storage (the others only remove). */
const WRITING_OPERATORS = new Set([
  '$set', '$setOnInsert', '$inc', '$mul', '$min', '$max', '$currentDate', '$bit', '$push', '$addToSet', '$rename',
]);

export function applyOperators(original: Document, update: OperatorUpdate, options: ApplyOptions): Document {
  const working = cloneValue(original);
  const concrete: { operation: Operation; path: string[] }[] = [];
  for (const operation of update.operations) {
    if (operation.operator === '$setOnInsert' && !options.isInsert) continue;
    for (const path of resolvePaths(original, operation.path, update.arrayFilters, options)) {
      concrete.push({ operation, path });
    }
  }
  concrete.sort((a, b) => comparePaths(a.path, b.path));
  for (let i = 1; i < concrete.length; i++) {
    if (isPathPrefix(concrete[i - 1].path, concrete[i].path)) {
      throw CommandError.of('ConflictingUpdateOperators', `Update created a conflict at '${concrete[i - 1].path.join('.')}'`);
    }
  }
  const context: ApplyContext = {
    working,
    hadId: Object.prototype.hasOwnProperty.call(original, '_id'),
    documentId: describeDocumentId(original),
    now: new Date(),
    isInsert: options.isInsert,
  };
  for (const { operation, path } of concrete) {
    if (isRename(operation)) applyRename(operation, context);
    else applyFieldOperation(operation, path, context);
  }
  return withIdFirst(working);
}

/** mongod keeps `_id` as the first field of every document it writes. */
export function withIdFirst(document: Document): Document {
  const keys = Object.keys(document);
  if (keys[0] === '_id' || !keys.includes('_id')) return document;
  const { _id, ...rest } = document;
  return { _id, ...rest };
}

// ---- resolving positional parts -----------------------------------------------------------------

function positionalNotFound(): CommandError {
  return CommandError.of('BadValue', 'The positional operator did not find the match needed from the query.');
}

function resolvePaths(document: Document, path: string[], arrayFilters: ArrayFilters, options: ApplyOptions): string[][] {
  let resolved: string[][] = [[]];
  for (const part of path) {
    if (isPositionalPart(part)) {
      resolved = resolved.map((prefix) => {
        const index = options.positional?.matchedIndex(document, prefix);
        if (index === undefined) throw positionalNotFound();
        return [...prefix, index];
      });
      continue;
    }
    const identifier = arrayFilterIdentifier(part);
    if (identifier === undefined) {
      resolved = resolved.map((prefix) => [...prefix, part]);
      continue;
    }
    const filter = identifier === '' ? undefined : arrayFilters.get(identifier);
    resolved = resolved.flatMap((prefix) => {
      const location = locate(document, prefix);
      if (!location.exists) {
        throw CommandError.of('BadValue', `The path '${prefix.join('.')}' must exist in the document in order to apply array updates.`);
      }
      if (!Array.isArray(location.element)) {
        throw CommandError.of(
          'BadValue',
          `Cannot apply array updates to non-array element ${describeElement(location.elementName, location.element)}`,
        );
      }
      return location.element.flatMap((element, index) => (!filter || filter(element) ? [[...prefix, String(index)]] : []));
    });
  }
  return resolved;
}

// ---- applying -----------------------------------------------------------------------------------

interface ApplyContext {
  working: Document;
  hadId: boolean;
  documentId: string;
  now: Date;
  isInsert: boolean;
}

function applyFieldOperation(operation: FieldOperation, path: string[], context: ApplyContext): void {
  const { implementation, argument } = operation;
  const target: Target = {
    path: path.join('.'),
    fieldName: path[path.length - 1],
    documentId: context.documentId,
    now: context.now,
  };
  const location = locate(context.working, path);
  if (location.exists) {
    const result = implementation.update(location.element, argument, target);
    if (result === UNCHANGED) return;
    checkWrite(operation.operator, path, context, 'update');
    if (result === REMOVE) removeAt(location);
    else writeAt(location, result);
    return;
  }
  if (implementation.onMissing === 'ignore') return;
  if (implementation.onMissing === 'ignore-if-viable') {
    assertViable(location, path);
    return;
  }
  checkWrite(operation.operator, path, context, 'update');
  createAt(location, path, (implementation.create as NonNullable<typeof implementation.create>)(argument, target));
}

/** The checks mongod makes on every change: `_id` is immutable, top-level `$` fields are not storable. */
function checkWrite(operator: string, path: string[], context: ApplyContext, kind: 'update' | 'rename-source'): void {
  if (path[0] === '_id' && context.hadId) {
    throw CommandError.of(
      'ImmutableField',
      kind === 'rename-source'
        ? `Unsetting the path '${path.join('.')}' using $rename would modify the immutable field '_id'`
        : `Performing an update on the path '${path.join('.')}' would modify the immutable field '_id'`,
    );
  }
  // Upserted documents are checked as inserts are, which allows top-level `$` fields.
  if (kind === 'update' && !context.isInsert && WRITING_OPERATORS.has(operator) && path[0].startsWith('$')) {
    throw dollarPrefixedField(path[0]);
  }
}

export function dollarPrefixedField(name: string): CommandError {
  return CommandError.of(
    'DollarPrefixedFieldName',
    `The dollar ($) prefixed field '${name}' in '${name}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`,
  );
}

// ---- $rename ------------------------------------------------------------------------------------

/** The elements along a path (below the document itself), with their field names. */
function elementsAlong(document: Document, path: string[], count: number): [string, unknown][] {
  const elements: [string, unknown][] = [];
  let value: unknown = document;
  for (let i = 0; i < count; i++) {
    value = Array.isArray(value) ? value[Number(path[i])] : (value as Document)[path[i]];
    elements.push([path[i], value]);
  }
  return elements;
}

function renameSource(document: Document, from: string[]): Location | undefined {
  let element: unknown = document;
  for (let i = 0; i < from.length; i++) {
    const part = from[i];
    const viable = isPlainObject(element) || (Array.isArray(element) && arrayIndex(part) !== undefined);
    if (!viable) {
      throw CommandError.of(
        'PathNotViable',
        `cannot use the part (${from[i - 1]} of ${from.join('.')}) to traverse the element ({${describeElement(from[i - 1], element)}})`,
      );
    }
    const exists = isPlainObject(element)
      ? Object.prototype.hasOwnProperty.call(element, part)
      : (arrayIndex(part) as number) < (element as unknown[]).length;
    if (!exists) return undefined;
    element = isPlainObject(element) ? element[part] : (element as unknown[])[Number(part)];
  }
  return locate(document, from);
}

function applyRename({ from, path: to }: RenameOperation, context: ApplyContext): void {
  const { working, documentId } = context;
  const source = renameSource(working, from);
  if (!source) return;
  const throughArray = (parts: string[], count: number, role: 'source' | 'destination') => {
    // mongod names the array nearest to the renamed field.
    const array = elementsAlong(working, parts, count).reverse().find(([, value]) => Array.isArray(value));
    if (array) {
      throw CommandError.of(
        'BadValue',
        `The ${role} field cannot be an array element, '${parts.join('.')}' in doc with ${documentId} has an array field called '${array[0]}'`,
      );
    }
  };
  throughArray(from, from.length - 1, 'source');
  const destination = locate(working, to);
  throughArray(to, destination.exists ? to.length - 1 : destination.depth, 'destination');
  const value = source.element;
  if (destination.exists) {
    if (!identicalValues(destination.element, value)) {
      checkWrite('$rename', to, context, 'update');
      writeAt(destination, value);
    }
  } else {
    checkWrite('$rename', to, context, 'update');
    createAt(destination, to, value);
  }
  checkWrite('$rename', from, context, 'rename-source');
  removeAt(locate(working, from));
}
