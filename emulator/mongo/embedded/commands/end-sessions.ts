/**
 * endSessions (and the other session bookkeeping commands): sessions hold no server state in the
 * engine, since a standalone server has no transactions and no retryable writes to track.
 */
import type { CommandDefinition } from './command';

export const endSessions: CommandDefinition = {
  name: 'endSessions',
  aliases: ['killSessions', 'killAllSessions', 'refreshSessions'],
  run: () => ({}),
};
