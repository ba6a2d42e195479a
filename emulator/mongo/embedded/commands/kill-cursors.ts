import { Long } from 'bson';
import { CommandError } from '../errors';
import { bsonType } from '../values/forms';
import { Arguments } from './arguments';
import type { CommandDefinition } from './command';

export const killCursors: CommandDefinition = {
  name: 'killCursors',
  run(command, context) {
    const ids = new Arguments(command, 'killCursors').requiredArray('cursors').map((id, index) => {
      if (bsonType(id) !== 'Long') {
        throw CommandError.of('TypeMismatch', `BSON field 'killCursors.cursors.${index}' is the wrong type, expected type 'long'`);
      }
      return (id as Long).toBigInt();
    });
    const { killed, notFound } = context.cursors.kill(ids);
    return {
      cursorsKilled: killed.map((id) => Long.fromBigInt(id)),
      cursorsNotFound: notFound.map((id) => Long.fromBigInt(id)),
      cursorsAlive: [],
      cursorsUnknown: [],
    };
  },
};
