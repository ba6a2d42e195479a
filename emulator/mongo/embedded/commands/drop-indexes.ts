/** dropIndexes: by name, by key pattern, a list of names, or "*" for all but `_id_`. */
import { Int32 } from 'bson';
import { CommandError } from '../errors';
import { ID_INDEX_NAME } from '../store/collection';
import { isPlainObject, toPlainValue } from '../values/forms';
import { targetName } from './arguments';
import type { CommandDefinition } from './command';

export const dropIndexes: CommandDefinition = {
  name: 'dropIndexes',
  aliases: ['deleteIndexes'],
  run(command, context) {
    const name = targetName(command, 'dropIndexes' in command ? 'dropIndexes' : 'deleteIndexes');
    const collection = context.engine.collection(context.database, name);
    if (!collection) throw CommandError.of('NamespaceNotFound', `ns not found ${context.database}.${name}`);
    const specs = collection.indexSpecs();
    const target = command.index;
    let names: string[];
    if (target === '*') {
      names = specs.map((spec) => spec.name).filter((indexName) => indexName !== ID_INDEX_NAME);
    } else if (typeof target === 'string') {
      names = [target];
    } else if (Array.isArray(target) && target.every((item) => typeof item === 'string')) {
      names = target as string[];
    } else if (isPlainObject(target)) {
      const pattern = JSON.stringify(toPlainValue(target));
      const spec = specs.find((candidate) => JSON.stringify(toPlainValue(candidate.key)) === pattern);
      if (!spec) throw CommandError.of('IndexNotFound', `can't find index with key: ${pattern}`);
      names = [spec.name];
    } else {
      throw CommandError.of('TypeMismatch', "BSON field 'dropIndexes.index' is the wrong type, expected types '[string, object, array]'");
    }
    for (const indexName of names) {
      if (indexName === ID_INDEX_NAME) throw CommandError.of('InvalidOptions', 'cannot drop _id index');
      if (!collection.hasIndex(indexName)) throw CommandError.of('IndexNotFound', `index not found with name [${indexName}]`);
    }
    for (const indexName of names) collection.dropIndex(indexName);
    return { nIndexesWas: new Int32(specs.length) };
  },
};
