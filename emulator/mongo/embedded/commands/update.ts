/**
 * update: each statement updates the first match (or every match with `multi`), or inserts a new
 * document when `upsert` finds none. The reply counts matched-or-upserted documents (`n`), the
 * documents whose bytes changed (`nModified`), and lists upserted ids with their statement index.
 */
import { Int32 } from 'bson';
import { CommandError } from '../errors';
import { selectDocuments } from '../query/find';
import { compileUpdate } from '../query/update/compile';
import { checkUpsertQuery } from '../query/update/upsert';
import { Document, toFilter } from '../values/forms';
import { Arguments, missingField, targetName } from './arguments';
import type { CommandContext, CommandDefinition } from './command';
import { assertSimpleCollation, checkHintValue, letVariables } from './shared';
import { checkBatchSize, runBatch } from './write-batch';

/** The fields mongod 7.0 accepts in an update statement (`sort` came with 8.0). */
const STATEMENT_FIELDS = new Set([
  'q', 'u', 'c', 'multi', 'upsert', 'arrayFilters', 'hint', 'collation', 'upsertSupplied', 'sampleId',
]);

interface Statement {
  query: Document;
  u: unknown;
  args: Arguments;
  multi: boolean;
  upsert: boolean;
}

/**
 * mongod parses the whole command before running any statement: an unknown or missing field, or a
 * field of the wrong type, fails the command rather than one statement.
 */
function parseStatement(statement: Document): Statement {
  for (const field of Object.keys(statement)) {
    if (!STATEMENT_FIELDS.has(field)) throw new CommandError(40415, `BSON field 'update.updates.${field}' is an unknown field.`);
  }
  const args = new Arguments(statement, 'update.updates');
  const query = args.requiredDocument('q');
  if (statement.u === undefined || statement.u === null) throw missingField('update.updates', 'u');
  args.array('arrayFilters');
  args.document('c');
  args.document('collation');
  return { query, u: statement.u, args, multi: args.boolean('multi'), upsert: args.boolean('upsert') };
}

interface StatementResult {
  matched: number;
  modified: number;
  upsertedId?: unknown;
}

function runStatement(
  statement: Statement,
  name: string,
  variables: Document | undefined,
  context: CommandContext,
): StatementResult {
  const { query, args, multi, upsert } = statement;
  assertSimpleCollation(args.document('collation'));
  const filter = toFilter(query);
  const update = compileUpdate(statement.u, {
    filter,
    arrayFilters: args.array('arrayFilters'),
    constants: args.document('c'),
    variables,
    multi,
  });
  if (upsert) checkUpsertQuery(query);
  const collection = context.engine.collection(context.database, name);
  const hint = args.raw('hint');
  if (hint !== undefined && hint !== null) checkHintValue(hint, collection);

  const matches = selectDocuments(collection, { filter, limit: multi ? 0 : 1, variables });
  if (matches.length === 0 && upsert) {
    const document = update.upsertDocument(query);
    context.engine.collectionForWrite(context.database, name).insert(document);
    return { matched: 0, modified: 0, upsertedId: document._id };
  }
  let modified = 0;
  for (const document of matches) {
    const result = update.apply(document);
    if (result.modified) {
      collection?.replace(document, result.document);
      modified++;
    }
  }
  return { matched: matches.length, modified };
}

export const update: CommandDefinition = {
  name: 'update',
  run(command, context) {
    const name = targetName(command, 'update');
    const args = new Arguments(command, 'update');
    const statements = args.documents('updates');
    checkBatchSize(statements);
    const parsed = statements.map(parseStatement);
    const variables = letVariables(args);
    let n = 0;
    let nModified = 0;
    const upserted: Document[] = [];
    const result = runBatch(parsed, args.boolean('ordered', true), context, (statement, index) => {
      const outcome = runStatement(statement, name, variables, context);
      if (outcome.upsertedId !== undefined) {
        upserted.push({ index: new Int32(index), _id: outcome.upsertedId });
        n++;
      }
      n += outcome.matched;
      nModified += outcome.modified;
    });
    return { n: new Int32(n), nModified: new Int32(nModified), ...(upserted.length > 0 ? { upserted } : {}), ...result };
  },
};
