import { CommandError } from '../errors';
import { Arguments, targetName } from './arguments';
import type { CommandDefinition } from './command';

export const listIndexes: CommandDefinition = {
  name: 'listIndexes',
  run(command, context) {
    const name = targetName(command, 'listIndexes');
    const collection = context.engine.collection(context.database, name);
    if (!collection) throw CommandError.of('NamespaceNotFound', `ns does not exist: ${context.database}.${name}`);
    const cursorOptions = new Arguments(new Arguments(command, 'listIndexes').document('cursor') ?? {}, 'listIndexes.cursor');
    const cursor = context.cursors.open(`${context.database}.$cmd.listIndexes.${name}`, collection.indexSpecs(), {
      batchSize: cursorOptions.count('batchSize') ?? Number.MAX_SAFE_INTEGER,
    });
    return { cursor };
  },
};
