/**
 * find: filter, sort, projection, skip, limit, batchSize, singleBatch; the first batch in the
 * reply and a cursor for the rest.
 */
import { CommandError } from '../errors';
import { compileProjection } from '../query/projection';
import { parseSort, selectDocuments } from '../query/find';
import { toFilter } from '../values/forms';
import { Arguments, targetName } from './arguments';
import type { CommandDefinition } from './command';
import { checkHint, letVariables, refuseCollation } from './shared';

export const find: CommandDefinition = {
  name: 'find',
  run(command, context) {
    const name = targetName(command, 'find');
    const args = new Arguments(command, 'find');
    if (args.boolean('tailable') || args.boolean('awaitData')) {
      throw CommandError.of('BadValue', 'tailable cursors need a capped collection, which the embedded engine does not support');
    }
    if (args.boolean('returnKey')) throw CommandError.of('BadValue', 'returnKey is not supported by the embedded engine');
    if (args.has('min') || args.has('max')) {
      throw CommandError.of('BadValue', 'min/max index bounds are not supported by the embedded engine');
    }
    refuseCollation(args);
    const collection = context.engine.collection(context.database, name);
    checkHint(args, collection);
    const filter = toFilter(args.document('filter'));
    const documents = selectDocuments(collection, {
      filter,
      sort: parseSort(args.document('sort')),
      skip: args.count('skip'),
      limit: args.count('limit'),
      variables: letVariables(args),
    });
    const projected = compileProjection(args.document('projection'), filter)(documents);
    const cursor = context.cursors.open(`${context.database}.${name}`, projected, {
      batchSize: args.count('batchSize'),
      singleBatch: args.boolean('singleBatch'),
      noCursorTimeout: args.boolean('noCursorTimeout'),
    });
    return { cursor };
  },
};
