import { compileFilter } from '../query/matcher';
import { Document, toFilter } from '../values/forms';
import { Arguments } from './arguments';
import type { CommandDefinition } from './command';

export const listCollections: CommandDefinition = {
  name: 'listCollections',
  run(command, context) {
    const args = new Arguments(command, 'listCollections');
    const nameOnly = args.boolean('nameOnly');
    const matches = compileFilter(toFilter(args.document('filter')));
    const entries: Document[] = [];
    for (const collection of context.engine.collections(context.database)) {
      const entry: Document = nameOnly
        ? { name: collection.name, type: 'collection' }
        : {
            name: collection.name,
            type: 'collection',
            options: collection.info.options,
            info: { readOnly: false, uuid: collection.info.uuid },
            idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
          };
      if (matches(entry)) entries.push(entry);
    }
    const cursorOptions = new Arguments(args.document('cursor') ?? {}, 'listCollections.cursor');
    const cursor = context.cursors.open(`${context.database}.$cmd.listCollections`, entries, {
      batchSize: cursorOptions.count('batchSize') ?? Number.MAX_SAFE_INTEGER,
    });
    return { cursor };
  },
};
