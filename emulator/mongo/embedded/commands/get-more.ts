import { Long } from 'bson';
import { CommandError } from '../errors';
import { bsonType } from '../values/forms';
import { typeName } from '../values/types';
import { Arguments } from './arguments';
import type { CommandDefinition } from './command';

export const getMore: CommandDefinition = {
  name: 'getMore',
  run(command, context) {
    const id = command.getMore;
    if (bsonType(id) !== 'Long') {
      throw CommandError.of('TypeMismatch', `BSON field 'getMore.getMore' is the wrong type '${typeName(id)}', expected type 'long'`);
    }
    const args = new Arguments(command, 'getMore');
    const collection = args.requiredString('collection');
    const batchSize = args.count('batchSize');
    const cursor = context.cursors.getMore((id as Long).toBigInt(), `${context.database}.${collection}`, batchSize || undefined);
    return { cursor };
  },
};
