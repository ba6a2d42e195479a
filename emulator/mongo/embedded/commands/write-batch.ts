/**
 * What insert, update and delete share: batch size limits, ordered and unordered execution, and
 * `writeErrors` entries carrying the index of the failing operation.
 */
import { CommandError, asCommandError } from '../errors';
import type { Document } from '../values/forms';
import { MAX_WRITE_BATCH_SIZE } from '../wire/protocol';
import type { CommandContext } from './command';

export function checkBatchSize(operations: unknown[]): void {
  if (operations.length === 0 || operations.length > MAX_WRITE_BATCH_SIZE) {
    throw new CommandError(16, `Write batch sizes must be between 1 and ${MAX_WRITE_BATCH_SIZE}. Got ${operations.length} operations.`);
  }
}

/**
 * Runs each operation in turn. A failing operation becomes a write error; an ordered batch stops
 * at the first one, an unordered batch carries on.
 */
export function runBatch<T>(
  operations: T[],
  ordered: boolean,
  context: CommandContext,
  run: (operation: T, index: number) => void,
): { writeErrors?: Document[] } {
  const writeErrors: Document[] = [];
  for (let index = 0; index < operations.length; index++) {
    try {
      run(operations[index], index);
    } catch (thrown) {
      const { error, unexpected } = asCommandError(thrown);
      if (unexpected) context.log.error({ err: thrown }, 'write failed with an internal error');
      writeErrors.push(error.toWriteError(index));
      if (ordered) break;
    }
  }
  return writeErrors.length > 0 ? { writeErrors } : {};
}
