import { Int32 } from 'bson';
import { selectDocuments } from '../query/find';
import { toFilter } from '../values/forms';
import { Arguments, targetName } from './arguments';
import type { CommandDefinition } from './command';
import { checkHint, refuseCollation } from './shared';

export const count: CommandDefinition = {
  name: 'count',
  run(command, context) {
    const name = targetName(command, 'count');
    const args = new Arguments(command, 'count');
    refuseCollation(args);
    const collection = context.engine.collection(context.database, name);
    checkHint(args, collection);
    const query = args.document('query');
    const skip = args.count('skip') ?? 0;
    // A negative limit counts like a positive one, as mongod does.
    const limit = Math.abs(args.count('limit', { allowNegative: true }) ?? 0);
    if (!query || Object.keys(query).length === 0) {
      const total = Math.max(0, (collection?.count ?? 0) - skip);
      return { n: new Int32(limit > 0 ? Math.min(limit, total) : total) };
    }
    const matched = selectDocuments(collection, { filter: toFilter(query), skip, limit });
    return { n: new Int32(matched.length) };
  },
};
