/** collStats: document count and sizes (BSON sizes; the engine keeps no separate storage size). */
import { Int32 } from 'bson';
import { CommandError } from '../errors';
import { bsonSize } from '../wire/protocol';
import { Arguments, targetName } from './arguments';
import type { CommandDefinition } from './command';

export const collStats: CommandDefinition = {
  name: 'collStats',
  run(command, context) {
    const name = targetName(command, 'collStats');
    const collection = context.engine.collection(context.database, name);
    if (!collection) throw CommandError.of('NamespaceNotFound', `Collection [${context.database}.${name}] not found.`);
    const scale = new Arguments(command, 'collStats').count('scale') || 1;
    let size = 0;
    for (const document of collection.all()) size += bsonSize(document);
    const indexNames = collection.indexSpecs().map((spec) => spec.name);
    return {
      ns: collection.namespace,
      size: Math.floor(size / scale),
      count: collection.count,
      avgObjSize: collection.count === 0 ? 0 : Math.floor(size / collection.count),
      storageSize: Math.floor(size / scale),
      freeStorageSize: 0,
      capped: false,
      nindexes: new Int32(indexNames.length),
      indexBuilds: [],
      totalIndexSize: 0,
      totalSize: Math.floor(size / scale),
      indexSizes: Object.fromEntries(indexNames.map((indexName) => [indexName, 0])),
      scaleFactor: new Int32(scale),
    };
  },
};
