/**
 * aggregate: a pipeline over a collection's documents (or, with `{aggregate: 1}`, over documents a
 * first stage produces, such as $documents), answered with a cursor; with $out or $merge the results
 * are written and the cursor is empty. A missing collection is an empty input, as in mongod.
 */
import { CommandError } from '../errors';
import { writeOutput } from '../query/aggregate/output';
import { preparePipeline, runStages } from '../query/aggregate/pipeline';
import { sourceDocuments } from '../query/aggregate/sources';
import type { Collection } from '../store/collection';
import { copyDocument, Document, isPlainObject } from '../values/forms';
import { Arguments, numberValue, targetName } from './arguments';
import type { CommandDefinition } from './command';
import { explainNotSupported } from './explain';
import { checkHint, letVariables, refuseCollation } from './shared';

/** A leading $match reads only the documents the `_id` or an equality index offers; the stage still filters them. */
function inputDocuments(collection: Collection, stages: Document[]): Iterable<Document> {
  const first = stages[0];
  return first && isPlainObject(first.$match) ? collection.candidates(first.$match) : collection.all();
}

export const aggregate: CommandDefinition = {
  name: 'aggregate',
  run(command, context) {
    const collectionless = numberValue(command.aggregate) === 1;
    const name = collectionless ? undefined : targetName(command, 'aggregate');
    const args = new Arguments(command, 'aggregate');
    const pipeline = args.requiredArray('pipeline');
    if (args.boolean('explain')) throw explainNotSupported();
    const cursorOptions = args.document('cursor');
    if (!cursorOptions) {
      throw CommandError.of('FailedToParse', "The 'cursor' option is required, except for aggregate with the explain argument");
    }
    const batchSize = new Arguments(cursorOptions, 'aggregate.cursor').count('batchSize');
    refuseCollation(args);
    args.boolean('allowDiskUse');
    args.boolean('bypassDocumentValidation');
    args.number('maxTimeMS');
    const { engine, database } = context;
    const collection = name === undefined ? undefined : engine.collection(database, name);
    checkHint(args, collection);

    const prepared = preparePipeline(pipeline, collectionless);
    const variables = letVariables(args);
    // Copies, because stages may write into the documents they read.
    const resolveCollection = (other: string) => [...(engine.collection(database, other)?.all() ?? [])].map(copyDocument);
    const namespace = name === undefined ? `${database}.$cmd.aggregate` : `${database}.${name}`;
    const input = prepared.source
      ? sourceDocuments(prepared.source, {
          collection,
          namespace,
          host: `${context.server.host}:${context.server.port}`,
          session: isPlainObject(command.lsid) ? command.lsid : undefined,
        })
      : collection
        ? inputDocuments(collection, prepared.stages)
        : [];
    const results = runStages(input, prepared.stages, { variables, resolveCollection });

    if (prepared.output) {
      writeOutput(results, prepared.output, {
        engine,
        database,
        variables,
        runUpdatePipeline: (document, stages, letVariables) =>
          runStages([document], stages, { variables: { ...variables, ...letVariables }, resolveCollection })[0],
      });
      return { cursor: context.cursors.open(namespace, [], { batchSize }) };
    }
    return { cursor: context.cursors.open(namespace, results, { batchSize }) };
  },
};
