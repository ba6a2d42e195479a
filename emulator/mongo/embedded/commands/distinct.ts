/**
 * distinct: the distinct values of a field among matching documents. Array values contribute their
 * elements; the values come back in BSON order, as mongod's set of values gives them.
 */
import { CommandError } from '../errors';
import { selectDocuments } from '../query/find';
import { compareValues, EMPTY_ARRAY, pathValues } from '../values/compare';
import { toFilter } from '../values/forms';
import { equalityKey } from '../values/keys';
import { Arguments, targetName } from './arguments';
import type { CommandDefinition } from './command';
import { checkHint, refuseCollation } from './shared';

export const distinct: CommandDefinition = {
  name: 'distinct',
  run(command, context) {
    const name = targetName(command, 'distinct');
    const args = new Arguments(command, 'distinct');
    const key = args.requiredString('key');
    if (key === '') throw CommandError.of('BadValue', 'FieldPath cannot be constructed with empty string');
    refuseCollation(args);
    const collection = context.engine.collection(context.database, name);
    checkHint(args, collection);
    const documents = selectDocuments(collection, { filter: toFilter(args.document('query')) });
    const values = new Map<string, unknown>();
    for (const document of documents) {
      for (const value of pathValues(document, key)) {
        if (value === EMPTY_ARRAY) continue;
        const identity = equalityKey(value);
        if (!values.has(identity)) values.set(identity, value);
      }
    }
    return { values: [...values.values()].sort(compareValues) };
  },
};
