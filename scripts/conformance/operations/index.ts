/**
 * The operation table: every operation name the runner knows, from one family file each (reads,
 * writes, admin, cursors, testRunner). An unknown name or a name used on the wrong kind of entity
 * is a runner error, as the format requires, not a silent skip.
 */
import type { Operation } from '../format';
import { adminOperations } from './admin';
import { Args } from './arguments';
import { cursorOperations } from './cursors';
import type { OperationContext, OperationDefinition, OperationTable } from './operation';
import { readOperations } from './reads';
import { testRunnerOperations } from './test-runner';
import { writeOperations } from './writes';

export type { FailPointRecord, OperationContext, OperationDefinition } from './operation';

const OPERATIONS: OperationTable = {
  ...readOperations,
  ...writeOperations,
  ...adminOperations,
  ...cursorOperations,
  ...testRunnerOperations,
};

/** Raised for what the runner cannot do, so the report tells runner gaps from engine failures. */
export class RunnerError extends Error {
  override readonly name = 'RunnerError';
}

export function definitionOf(operation: Operation): OperationDefinition {
  const definition = Object.prototype.hasOwnProperty.call(OPERATIONS, operation.name) ? OPERATIONS[operation.name] : undefined;
  if (!definition) throw new RunnerError(`unsupported operation ${operation.name}`);
  return definition;
}

export async function executeOperation(operation: Operation, context: OperationContext): Promise<unknown> {
  const definition = definitionOf(operation);
  let target: unknown;
  if (operation.object === 'testRunner') {
    if (!definition.on.includes('testRunner')) throw new RunnerError(`${operation.name} is not a testRunner operation`);
  } else {
    const kind = context.entities.kindOf(operation.object);
    if (!definition.on.includes(kind)) throw new RunnerError(`${operation.name} is not an operation on a ${kind}`);
    target = context.entities.any(operation.object);
  }
  return definition.run(target, new Args(operation.arguments ?? {}, context.entities), context);
}
