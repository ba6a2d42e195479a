/** delete: each statement removes every match (limit 0) or the first one (limit 1). */
import { Int32 } from 'bson';
import { CommandError } from '../errors';
import { selectDocuments } from '../query/find';
import { toFilter } from '../values/forms';
import { Arguments, missingField, numberValue, targetName } from './arguments';
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
    const variables = letVariables(args);
    // Statements are parsed before any runs: a malformed one fails the whole command, as in mongod.
    const parsed = statements.map((statement) => {
      const statementArgs = new Arguments(statement, 'delete.deletes');
      const limit = numberValue(statement.limit);
      if (limit === undefined) throw missingField('delete.deletes', 'limit');
      if (limit !== 0 && limit !== 1) throw CommandError.of('FailedToParse', `The limit field in delete objects must be 0 or 1. Got ${limit}`);
      assertSimpleCollation(statementArgs.document('collation'));
      return { filter: toFilter(statementArgs.requiredDocument('q')), limit, hint: statement.hint };
    });
    let deleted = 0;
    const result = runBatch(parsed, args.boolean('ordered', true), context, ({ filter, limit, hint }) => {
      if (hint !== undefined) checkHintValue(hint, collection);
      const matches = selectDocuments(collection, { filter, limit, variables });
      for (const document of matches) collection?.delete(document);
      deleted += matches.length;
    });
    return { n: new Int32(deleted), ...result };
  },
};
