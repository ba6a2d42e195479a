/**
 * explain: the engine has no query planner to describe (it scans, or reads the `_id` or an equality
 * index), so explain is refused with a clear error rather than answered with a made-up plan.
 */
import { CommandError } from '../errors';
import type { CommandDefinition } from './command';

export function explainNotSupported(): CommandError {
  return CommandError.of(
    'CommandNotSupported',
    'explain is not supported by the embedded engine; use --mongodb memory-server or a MongoDB URI to see query plans',
  );
}

export const explain: CommandDefinition = {
  name: 'explain',
  run() {
    throw explainNotSupported();
  },
};
