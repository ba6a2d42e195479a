/**
 * Aggregation pipelines: parsed and validated as mongod does before anything runs (stage names,
 * stage positions, each stage's specification), then run by mingo in the engine's context.
 *
 * Three kinds of stage are not mingo stages: a first stage that reads server state instead of
 * documents ($collStats, $listLocalSessions: sources.ts), and a last stage that writes ($out,
 * $merge: output.ts). The command runs those around the mingo pipeline.
 */
import { Aggregator } from 'mingo/aggregator';
import { CommandError } from '../../errors';
import { copyDocument, Document, isPlainObject } from '../../values/forms';
import { mingoOptions } from '../context';
import { REFUSED_STAGES, STAGES } from '../operators/stages';
import { OutputStage, prepareOutputStage } from './output';
import { prepareSourceStage, SOURCE_STAGES, SourceStage } from './sources';

export interface PreparedPipeline {
  source?: SourceStage;
  stages: Document[];
  output?: OutputStage;
}

const OUTPUT_STAGES = new Set(['$out', '$merge']);
/** Stages that produce documents rather than transform their input, so they must come first. */
const FIRST_STAGES = new Set(['$documents', ...SOURCE_STAGES]);
/** What an `{aggregate: 1}` pipeline may start with. */
const COLLECTIONLESS_STAGES = new Set(['$documents', '$listLocalSessions']);

function stageName(stage: unknown): string {
  if (!isPlainObject(stage)) throw CommandError.of('TypeMismatch', "Each element of the 'pipeline' array must be an object");
  const keys = Object.keys(stage);
  if (keys.length !== 1) throw new CommandError(40323, 'A pipeline stage specification object must contain exactly one field.');
  return keys[0];
}

/** Refusals and misplacements that apply to any pipeline, top-level or nested. */
function checkStage(name: string, position: number): void {
  const refuse = REFUSED_STAGES[name];
  if (refuse) throw refuse();
  if (!STAGES[name] && !OUTPUT_STAGES.has(name) && !SOURCE_STAGES.includes(name)) {
    throw new CommandError(40324, `Unrecognized pipeline stage name: '${name}'`);
  }
  if (FIRST_STAGES.has(name) && position > 0) throw new CommandError(40602, `${name} is only valid as the first stage in a pipeline`);
}

const NESTED_OUTPUT_ERRORS: Record<string, [number, (stage: string) => string]> = {
  $facet: [40600, (stage) => `${stage} is not allowed to be used within a $facet stage`],
  $lookup: [51047, (stage) => `${stage} is not allowed within a $lookup's sub-pipeline`],
  $unionWith: [31441, (stage) => `${stage} is not allowed within a $unionWith's sub-pipeline`],
};

/**
 * A pipeline inside a stage ($facet, $lookup, $unionWith) or an update: mingo stages only. `within`
 * names what holds it, for the errors of misplaced stages.
 */
export function prepareSubPipeline(pipeline: unknown, within: string): Document[] {
  if (!Array.isArray(pipeline)) throw CommandError.of('FailedToParse', `${within} 'pipeline' must be an array`);
  return pipeline.map((stage, position) => {
    const name = stageName(stage);
    checkStage(name, position);
    if (OUTPUT_STAGES.has(name) || SOURCE_STAGES.includes(name) || (within === '$facet' && name === '$facet')) {
      const [code, message] = NESTED_OUTPUT_ERRORS[within] ?? NESTED_OUTPUT_ERRORS.$lookup;
      throw new CommandError(code, message(name));
    }
    return { [name]: STAGES[name].prepare((stage as Document)[name], prepareSubPipeline) };
  });
}

export function preparePipeline(pipeline: unknown[], collectionless: boolean): PreparedPipeline {
  const prepared: PreparedPipeline = { stages: [] };
  pipeline.forEach((stage, position) => {
    const name = stageName(stage);
    checkStage(name, position);
    const spec = (stage as Document)[name];
    if (OUTPUT_STAGES.has(name)) {
      if (position !== pipeline.length - 1) throw new CommandError(40601, `${name} can only be the final stage in the pipeline`);
      prepared.output = prepareOutputStage(name, spec, prepareSubPipeline);
    } else if (name === '$documents' && !collectionless) {
      throw CommandError.of('InvalidNamespace', "'$documents' can only be run with {aggregate: 1}");
    } else if (SOURCE_STAGES.includes(name)) {
      prepared.source = prepareSourceStage(name, spec, collectionless);
    } else {
      prepared.stages.push({ [name]: STAGES[name].prepare(spec, prepareSubPipeline) });
    }
  });
  if (collectionless) {
    const first = pipeline.length > 0 ? stageName(pipeline[0]) : undefined;
    if (!first || !COLLECTIONLESS_STAGES.has(first)) {
      throw CommandError.of('InvalidNamespace', `{aggregate: 1} is not valid for '${first ?? 'an empty pipeline'}'; a collection is required.`);
    }
  }
  return prepared;
}

export interface RunOptions {
  /** `let` variables, evaluated. */
  variables?: Document;
  /** The stored documents of another collection of the database, for $lookup, $graphLookup, $unionWith. */
  resolveCollection(name: string): Document[];
}

/**
 * Stages that never write into the documents they receive. mingo's other stages may ($addFields
 * sets nested paths in place, $unwind rewrites arrays …), and stored documents are shared with
 * every cursor, so the documents are copied before the first stage not listed here — after the
 * $match that usually leads a pipeline, so only the documents that get that far are copied.
 */
const READ_ONLY_STAGES = new Set(['$match', '$sort', '$limit', '$skip', '$count', '$group', '$sortByCount', '$bucket', '$sample']);

/** Runs the mingo stages. */
export function runStages(input: Iterable<Document>, stages: Document[], options: RunOptions): Document[] {
  const run = (documents: Iterable<Document>, part: Document[]) =>
    new Aggregator(
      part,
      mingoOptions({ variables: options.variables, collectionResolver: options.resolveCollection }),
    ).run(documents as Iterable<Document>) as Document[];
  const firstWriter = stages.findIndex((stage) => !READ_ONLY_STAGES.has(Object.keys(stage)[0]));
  if (firstWriter === -1) return run(input, stages);
  const readOnly = firstWriter === 0 ? [...input] : run(input, stages.slice(0, firstWriter));
  return run(readOnly.map(copyDocument), stages.slice(firstWriter));
}
