import { Int32 } from 'bson';
import { bsonSize } from '../wire/protocol';
import { Arguments } from './arguments';
import type { CommandDefinition } from './command';

export const dbStats: CommandDefinition = {
  name: 'dbStats',
  aliases: ['dbstats'],
  run(command, context) {
    const scale = new Arguments(command, 'dbStats').count('scale') || 1;
    const collections = context.engine.collections(context.database);
    let objects = 0;
    let size = 0;
    let indexes = 0;
    for (const collection of collections) {
      objects += collection.count;
      indexes += collection.indexSpecs().length;
      for (const document of collection.all()) size += bsonSize(document);
    }
    return {
      db: context.database,
      collections: new Int32(collections.length),
      views: new Int32(0),
      objects,
      avgObjSize: objects === 0 ? 0 : size / objects,
      dataSize: size / scale,
      storageSize: size / scale,
      indexes: new Int32(indexes),
      indexSize: 0,
      totalSize: size / scale,
      scaleFactor: new Int32(scale),
    };
  },
};
