import type { CommandDefinition } from './command';

export const dropDatabase: CommandDefinition = {
  name: 'dropDatabase',
  run(_command, context) {
    context.engine.dropDatabase(context.database);
    return { dropped: context.database };
  },
};
