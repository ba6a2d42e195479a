import type { CommandDefinition } from './command';

export const ping: CommandDefinition = {
  name: 'ping',
  run: () => ({}),
};
