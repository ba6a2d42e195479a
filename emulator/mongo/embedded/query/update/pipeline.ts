/**
 * Pipeline-style updates (`u: [{$set: …}, {$unset: …}]`): the stages run in mingo over the one
 * document, and the result replaces it (mongod's PipelineExecutor). `c` constants and `let`
 * variables are `$$` variables of the stages.
 */
import { Aggregator } from 'mingo';
import { CommandError } from '../../errors';
import { isBsonNumber } from '../../values/bson-number';
import { Document, isPlainObject, toExpressionValue, toStoredDocument } from '../../values/forms';
import { mingoOptions } from '../context';
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
  private readonly aggregator: Aggregator;

  constructor(stages: unknown[], variables: Document | undefined) {
    stages.forEach(checkStage);
    this.aggregator = new Aggregator(toExpressionValue(stages) as Document[], mingoOptions(variables ? { variables } : {}));
  }

  apply(original: Document): Document {
    const [output] = this.aggregator.run([toExpressionValue(original) as Document]) as Document[];
    if (!isPlainObject(output)) throw CommandError.of('BadValue', 'the update pipeline did not produce a document');
    const stored = toStoredDocument(restoreUnchangedNumbers(output, original) as Document);
    return replaceDocument(original, stored, { allowTopLevelDollarFields: true });
  }
}

/**
 * In expression form Int32 and Double values are plain JavaScript numbers (mingo's operators need
 * them), which loses their type: a Double(2.0) would come back as an Int32(2). A number that is
 * still at its original path with its original value keeps its original type.
 */
function restoreUnchangedNumbers(output: unknown, original: unknown): unknown {
  if (typeof output === 'number') {
    const sameNumber = isBsonNumber(original) && (original.kind === 'int' || original.kind === 'double');
    return sameNumber && Object.is(original.toNumber(), output) ? original : output;
  }
  if (Array.isArray(output)) {
    return Array.isArray(original) ? output.map((element, i) => restoreUnchangedNumbers(element, original[i])) : output;
  }
  if (isPlainObject(output) && isPlainObject(original)) {
    const restored: Document = {};
    for (const key of Object.keys(output)) restored[key] = restoreUnchangedNumbers(output[key], original[key]);
    return restored;
  }
  return output;
}
