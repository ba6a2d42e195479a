/**
 * findAndModify: updates, replaces or removes the first document the query (and sort) selects, and
 * returns it as it was before, or after with `new`, shaped by `fields`. With `upsert` and no match
 * it inserts. The reply's `lastErrorObject` says what happened: {n, updatedExisting, upserted}.
 */
import { Int32 } from 'bson';
import { CommandError } from '../errors';
import { parseSort, selectDocuments } from '../query/find';
import { compileProjection } from '../query/projection';
import { compileUpdate } from '../query/update/compile';
import { checkUpsertQuery } from '../query/update/upsert';
import { Document, toFilter } from '../values/forms';
import { Arguments, targetName } from './arguments';
import type { CommandDefinition } from './command';
import { checkHint, letVariables, refuseCollation } from './shared';

function refuse(message: string): CommandError {
  return CommandError.of('FailedToParse', message);
}

export const findAndModify: CommandDefinition = {
  name: 'findAndModify',
  aliases: ['findandmodify'],
  run(command, context) {
    const commandName = Object.keys(command)[0];
    const name = targetName(command, commandName);
    const args = new Arguments(command, commandName);
    const remove = args.boolean('remove');
    const hasUpdate = args.has('update');
    const returnNew = args.boolean('new');
    const upsert = args.boolean('upsert');
    if (!remove && !hasUpdate) throw refuse('Either an update or remove=true must be specified');
    if (remove) {
      if (hasUpdate) throw refuse('Cannot specify both an update and remove=true');
      if (upsert) throw refuse('Cannot specify both upsert=true and remove=true ');
      if (returnNew) throw refuse("Cannot specify both new=true and remove=true; 'remove' always returns the deleted document");
      if (args.has('arrayFilters')) throw refuse('Cannot specify arrayFilters and remove=true');
    }
    if (Array.isArray(args.raw('update')) && args.has('arrayFilters')) {
      throw refuse('Cannot specify arrayFilters and a pipeline update');
    }
    refuseCollation(args);

    const query = args.document('query') ?? {};
    const filter = toFilter(query);
    const variables = letVariables(args);
    const sort = parseSort(args.document('sort'));
    const project = compileProjection(args.document('fields'), filter);
    const shaped = (document: Document) => project([document])[0] ?? null;
    const update = hasUpdate
      ? compileUpdate(args.raw('update'), { filter, arrayFilters: args.array('arrayFilters'), variables })
      : undefined;
    if (upsert) checkUpsertQuery(query);
    const collection = context.engine.collection(context.database, name);
    checkHint(args, collection);

    const [found] = selectDocuments(collection, { filter, sort, limit: 1, variables });
    if (!update) {
      if (found) collection?.delete(found);
      return { lastErrorObject: { n: new Int32(found ? 1 : 0) }, value: found ? shaped(found) : null };
    }
    if (found) {
      const result = update.apply(found);
      if (result.modified) collection?.replace(found, result.document);
      return {
        lastErrorObject: { n: new Int32(1), updatedExisting: true },
        value: shaped(returnNew ? result.document : found),
      };
    }
    if (upsert) {
      const document = update.upsertDocument(query);
      context.engine.collectionForWrite(context.database, name).insert(document);
      return {
        lastErrorObject: { n: new Int32(1), updatedExisting: false, upserted: document._id },
        value: returnNew ? shaped(document) : null,
      };
    }
    return { lastErrorObject: { n: new Int32(0), updatedExisting: false }, value: null };
  },
};
