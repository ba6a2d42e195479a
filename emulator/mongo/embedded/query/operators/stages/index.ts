/** The pipeline stages the engine runs, by name: how each is prepared, and who runs it (the engine or mingo). */
import { bucketAutoStage, bucketStage } from './bucket';
import { facetStage, graphLookupStage, lookupStage, unionWithStage } from './lookup';
import { matchStage } from './match';
import { countStage, limitStage, sampleStage, skipStage } from './paging';
import {
  addFieldsStages,
  documentsStage,
  groupStage,
  projectStage,
  redactStage,
  replaceRootStage,
  replaceWithStage,
  unsetStage,
} from './shaping';
import { sortByCountStage, sortStage } from './sort';
import type { PipelineOperator, StageDefinition } from './stage';
import { unwindStage } from './unwind';
import { densifyStage, fillStage, setWindowFieldsStage } from './windows';

export const STAGES: Record<string, StageDefinition> = {
  ...addFieldsStages,
  $bucket: bucketStage,
  $bucketAuto: bucketAutoStage,
  $count: countStage,
  $densify: densifyStage,
  $documents: documentsStage,
  $facet: facetStage,
  $fill: fillStage,
  $graphLookup: graphLookupStage,
  $group: groupStage,
  $limit: limitStage,
  $lookup: lookupStage,
  $match: matchStage,
  $project: projectStage,
  $redact: redactStage,
  $replaceRoot: replaceRootStage,
  $replaceWith: replaceWithStage,
  $sample: sampleStage,
  $setWindowFields: setWindowFieldsStage,
  $skip: skipStage,
  $sort: sortStage,
  $sortByCount: sortByCountStage,
  $unionWith: unionWithStage,
  $unset: unsetStage,
  $unwind: unwindStage,
};

/** The engine's own stage operators, which replace mingo's of the same name in the context. */
export const stageOperators: Record<string, PipelineOperator> = Object.fromEntries(
  Object.entries(STAGES).flatMap(([name, stage]) => (stage.operator ? [[name, stage.operator]] : [])),
);

export { REFUSED_STAGES } from './refused';
export type { PreparePipeline, StageDefinition } from './stage';
