import type { CommandDefinition } from './command';

export const whatsmyuri: CommandDefinition = {
  name: 'whatsmyuri',
  run: (_command, context) => ({ you: context.connection.remoteAddress }),
};
