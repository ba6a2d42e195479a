import { Long } from 'bson';
import { compileFilter } from '../query/matcher';
import { Document, toFilter } from '../values/forms';
import { bsonSize } from '../wire/protocol';
import { Arguments } from './arguments';
import type { CommandDefinition } from './command';

export const listDatabases: CommandDefinition = {
  name: 'listDatabases',
  adminOnly: true,
  run(command, context) {
    const args = new Arguments(command, 'listDatabases');
    const nameOnly = args.boolean('nameOnly');
    const matches = compileFilter(toFilter(args.document('filter')));
    let totalSize = 0;
    const databases: Document[] = [];
    for (const name of context.engine.databaseNames()) {
      let size = 0;
      // Sizes cost a walk over every document; `nameOnly` (the harness's reset, `show dbs` clients) needs none.
      if (!nameOnly) {
        for (const collection of context.engine.collections(name)) {
          for (const document of collection.all()) size += bsonSize(document);
        }
      }
      const entry: Document = nameOnly ? { name } : { name, sizeOnDisk: Long.fromNumber(size), empty: size === 0 };
      if (!matches(entry)) continue;
      totalSize += size;
      databases.push(entry);
    }
    return nameOnly ? { databases } : { databases, totalSize: Long.fromNumber(totalSize), totalSizeMb: Long.fromNumber(Math.floor(totalSize / 1048576)) };
  },
};
