/** getLog: shells ask for "startupWarnings" on connect; the engine keeps no server log to return. */
import { Int32 } from 'bson';
import { CommandError } from '../errors';
import type { CommandDefinition } from './command';

export const getLog: CommandDefinition = {
  name: 'getLog',
  adminOnly: true,
  run(command) {
    const name = command.getLog;
    if (name === '*') return { names: ['global', 'startupWarnings'] };
    if (name === 'global' || name === 'startupWarnings') return { totalLinesWritten: new Int32(0), log: [] };
    throw CommandError.of('BadValue', `No log named '${String(name)}'`);
  },
};
