/**
 * Parsing an operator-style update ({$set: {…}, $inc: {…}}) the way mongod's UpdateDriver does:
 * modifiers are checked in order, each field's path is validated, each argument is checked by
 * its operator, and every path is merged into one tree so that two operators touching the same
 * path (or a path and its prefix) are refused with "Updating the path … would create a conflict".
 */
import { CommandError } from '../../errors';
import { formatDocument } from '../../values/format';
import { Document, isPlainObject } from '../../values/forms';
import { typeName } from '../../values/types';
import { ARRAY_OPERATORS } from './array-operators';
import { FIELD_OPERATORS } from './field-operators';
import { ParseContext, UpdateOperator } from './operator';
import type { ArrayFilters } from './positional';
import { arrayFilterIdentifier, describeElement, isPathPrefix, isPositionalPart, parseUpdatePath } from './paths';

const OPERATORS: Record<string, UpdateOperator<unknown>> = { ...FIELD_OPERATORS, ...ARRAY_OPERATORS };

export interface FieldOperation {
  operator: string;
  /** The path as written, split on dots; positional parts (`$`, `$[]`, `$[x]`) kept. */
  path: string[];
  implementation: UpdateOperator<unknown>;
  argument: unknown;
}

export interface RenameOperation {
  operator: '$rename';
  /** The destination: the rename takes effect in the destination's place in the update order. */
  path: string[];
  from: string[];
}

export type Operation = FieldOperation | RenameOperation;

export function isRename(operation: Operation): operation is RenameOperation {
  return operation.operator === '$rename';
}

// ---- the conflict tree --------------------------------------------------------------------------

/** mongod's update tree: object nodes (fields and `$`), array nodes (`$[…]` children), leaves. */
type TreeNode = { kind: 'leaf' } | { kind: 'object' | 'array'; children: Map<string, TreeNode> };

function conflict(path: string[], at: string[]): CommandError {
  return CommandError.of(
    'ConflictingUpdateOperators',
    `Updating the path '${path.join('.')}' would create a conflict at '${at.join('.')}'`,
  );
}

class ConflictTree {
  private readonly root: TreeNode = { kind: 'object', children: new Map() };

  constructor(private readonly arrayFilters: ArrayFilters) {}
  readonly usedIdentifiers = new Set<string>();

  add(path: string[]): void {
    let node = this.root as Extract<TreeNode, { children: unknown }>;
    for (let i = 0; i < path.length; i++) {
      const name = this.childName(path, i);
      const last = i === path.length - 1;
      const existing = node.children.get(name);
      if (last) {
        if (existing) throw conflict(path, path);
        node.children.set(name, { kind: 'leaf' });
        return;
      }
      const kind = arrayFilterIdentifier(path[i + 1]) !== undefined ? 'array' : 'object';
      if (existing) {
        if (existing.kind !== kind) throw conflict(path, path.slice(0, i + 1));
        node = existing as Extract<TreeNode, { children: unknown }>;
      } else {
        const child: TreeNode = { kind, children: new Map() };
        node.children.set(name, child);
        node = child;
      }
    }
  }

  private childName(path: string[], i: number): string {
    const identifier = arrayFilterIdentifier(path[i]);
    if (identifier === undefined) return path[i];
    if (i === 0) {
      throw CommandError.of(
        'BadValue',
        `Cannot have array filter identifier (i.e. '$[<id>]') element in the first position in path '${path.join('.')}'`,
      );
    }
    if (identifier !== '') {
      if (!this.arrayFilters.has(identifier)) {
        throw CommandError.of('BadValue', `No array filter found for identifier '${identifier}' in path '${path.join('.')}'`);
      }
      this.usedIdentifiers.add(identifier);
    }
    return identifier;
  }
}

// ---- parsing ------------------------------------------------------------------------------------

function checkPositional(path: string[]): void {
  const positions = path.flatMap((part, i) => (isPositionalPart(part) ? [i] : []));
  if (positions.length > 1) {
    throw CommandError.of('BadValue', `Too many positional (i.e. '$') elements found in path '${path.join('.')}'`);
  }
  if (positions[0] === 0) {
    throw CommandError.of('BadValue', `Cannot have positional (i.e. '$') element in the first position in path '${path.join('.')}'`);
  }
}

function isDynamic(path: string[]): boolean {
  return path.some((part) => isPositionalPart(part) || arrayFilterIdentifier(part) !== undefined);
}

function parseRename(field: string, to: unknown, tree: ConflictTree): RenameOperation {
  const from = parseUpdatePath(field);
  checkPositional(from);
  tree.add(from);
  if (typeof to !== 'string') {
    throw CommandError.of('BadValue', `The 'to' field for $rename must be a string: ${describeElement(field, to)}`);
  }
  const destination = parseUpdatePath(to);
  checkPositional(destination);
  const spec = describeElement(field, to);
  if (to.includes('\0')) throw CommandError.of('BadValue', "The 'to' field for $rename cannot contain an embedded null byte");
  if (field === to) throw CommandError.of('BadValue', `The source and target field for $rename must differ: ${spec}`);
  if (isPathPrefix(from, destination) || isPathPrefix(destination, from)) {
    throw CommandError.of('BadValue', `The source and target field for $rename must not be on the same path: ${spec}`);
  }
  if (isDynamic(from)) throw CommandError.of('BadValue', `The source field for $rename may not be dynamic: ${field}`);
  if (isDynamic(destination)) throw CommandError.of('BadValue', `The destination field for $rename may not be dynamic: ${to}`);
  tree.add(destination);
  return { operator: '$rename', path: destination, from };
}

export function parseOperatorUpdate(update: Document, arrayFilters: ArrayFilters, context: ParseContext): Operation[] {
  const tree = new ConflictTree(arrayFilters);
  const operations: Operation[] = [];
  for (const [modifier, fields] of Object.entries(update)) {
    const implementation = OPERATORS[modifier];
    if (!implementation && modifier !== '$rename') {
      throw CommandError.of(
        'FailedToParse',
        `Unknown modifier: ${modifier}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
    if (!isPlainObject(fields)) {
      throw CommandError.of(
        'FailedToParse',
        `Modifiers operate on fields but we found type ${typeName(fields)} instead. For example: {$mod: {<field>: ...}} not {${describeElement(modifier, fields)}}`,
      );
    }
    // mongod ≥ 5.0 accepts an empty modifier ({$set: {}}) as a no-op.
    for (const [field, value] of Object.entries(fields)) {
      if (modifier === '$rename') {
        operations.push(parseRename(field, value, tree));
        continue;
      }
      const path = parseUpdatePath(field);
      checkPositional(path);
      const argument = implementation.parse(field, value, context);
      tree.add(path);
      operations.push({ operator: modifier, path, implementation, argument });
    }
  }
  for (const identifier of arrayFilters.keys()) {
    if (!tree.usedIdentifiers.has(identifier)) {
      throw CommandError.of(
        'FailedToParse',
        `The array filter for identifier '${identifier}' was not used in the update ${formatDocument(update)}`,
      );
    }
  }
  return operations;
}
