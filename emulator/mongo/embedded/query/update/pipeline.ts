/**
 * Pipeline-style updates (`u: [{$set: …}, {$unset: …}]`): the stages run in mingo over the one
 * document, and the result replaces it (mongod's PipelineExecutor). `c` constants and `let`
 * variables are `$$` variables of the stages.
 */
import { CommandError } from '../../errors';
import { Document, isPlainObject, toStoredDocument } from '../../values/forms';
import { prepareSubPipeline, runStages } from '../aggregate/pipeline';
import { replaceDocument } from './replacement';

const UPDATE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith', '$fill']);

/** Stages mongod knows but refuses in an update pipeline (InvalidOptions), as opposed to unknown names. */
const OTHER_STAGES = new Set([
  '$match', '$group', '$sort', '$limit', '$skip', '$lookup', '$unwind', '$count', '$facet', '$bucket', '$bucketAuto',
  '$sortByCount', '$geoNear', '$graphLookup', '$merge', '$out', '$sample', '$redact', '$setWindowFields', '$densify',
  '$unionWith', '$documents', '$indexStats', '$collStats', '$currentOp', '$listSessions', '$listLocalSessions',
  '$changeStream', '$search', '$searchMeta', '$vectorSearch', '$planCacheStats',
]);

function checkStage(stage: unknown): void {
  if (!isPlainObject(stage)) throw CommandError.of('TypeMismatch', 'Each element of the update pipeline must be an object');
  const names = Object.keys(stage);
  if (names.length !== 1) throw new CommandError(40323, 'A pipeline stage specification object must contain exactly one field.');
  const [name] = names;
  if (UPDATE_STAGES.has(name)) {
    // $fill with sortBy runs a $sort, which mongod refuses inside an update.
    if (name === '$fill' && isPlainObject(stage.$fill) && stage.$fill.sortBy !== undefined) {
      throw CommandError.of('InvalidOptions', '$sort is not allowed to be used within an update');
    }
    return;
  }
  if (OTHER_STAGES.has(name)) throw CommandError.of('InvalidOptions', `${name} is not allowed to be used within an update`);
  throw new CommandError(40324, `Unrecognized pipeline stage name: '${name}'`);
}

export class PipelineUpdate {
  private readonly stages: Document[];
  private readonly variables: Document | undefined;

  constructor(stages: unknown[], variables: Document | undefined) {
    stages.forEach(checkStage);
    this.stages = prepareSubPipeline(stages, 'update');
    this.variables = variables;
  }

  apply(original: Document): Document {
    // An update pipeline sees only its document: $lookup and $unionWith are refused above.
    const [output] = runStages([original], this.stages, { variables: this.variables, resolveCollection: () => [] });
    if (!isPlainObject(output)) throw CommandError.of('BadValue', 'the update pipeline did not produce a document');
    return replaceDocument(original, toStoredDocument(output), { allowTopLevelDollarFields: true });
  }
}
