/** delete: each statement removes every match (limit 0) or the first one (limit 1). */
import { Int32 } from 'bson';
import { CommandError } from '../errors';
import { selectDocuments } from '../query/find';
import { toFilter } from '../values/forms';
import { Arguments, numberValue, targetName } from './arguments';
import type { CommandDefinition } from './command';
import { assertSimpleCollation, checkHintValue, letVariables } from './shared';
import { checkBatchSize, runBatch } from './write-batch';

export const deleteCommand: CommandDefinition = {
  name: 'delete',
  run(command, context) {
    const name = targetName(command, 'delete');
    const args = new Arguments(command, 'delete');
    const statements = args.documents('deletes');
    checkBatchSize(statements);
    const collection = context.engine.collection(context.database, name);
    let deleted = 0;
    const result = runBatch(statements, args.boolean('ordered', true), context, (statement) => {
      const statementArgs = new Arguments(statement, 'delete.deletes');
      const limit = numberValue(statement.limit);
      if (limit === undefined) throw new CommandError(40414, "BSON field 'delete.deletes.limit' is missing but a required field");
      if (limit !== 0 && limit !== 1) throw CommandError.of('FailedToParse', `The limit field in delete objects must be 0 or 1. Got ${limit}`);
      assertSimpleCollation(statementArgs.document('collation'));
      if (statement.hint !== undefined) checkHintValue(statement.hint, collection);
      const filter = toFilter(statementArgs.requiredDocument('q'));
      const matches = selectDocuments(collection, { filter, limit, variables: letVariables(args) });
      for (const document of matches) collection?.delete(document);
      deleted += matches.length;
    });
    return { n: new Int32(deleted), ...result };
  },
};
