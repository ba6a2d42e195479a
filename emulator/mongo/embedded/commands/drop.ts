import { Int32 } from 'bson';
import { targetName } from './arguments';
import type { CommandDefinition } from './command';

/** drop: as in MongoDB 7.0, dropping a collection that does not exist succeeds. */
export const drop: CommandDefinition = {
  name: 'drop',
  run(command, context) {
    const name = targetName(command, 'drop');
    const collection = context.engine.collection(context.database, name);
    if (!collection) return {};
    const indexes = collection.indexSpecs().length;
    context.engine.dropCollection(context.database, name);
    return { nIndexesWas: new Int32(indexes), ns: collection.namespace };
  },
};
