/**
 * What a pipeline stage is to the engine: a `prepare` step that validates the stage's specification
 * as mongod parses it (so errors come before any document is read) and converts it into the form
 * the stage reads, and the operator mingo runs, when the engine replaces mingo's own.
 */
import type { Iterator } from 'mingo/lazy';
import type { Options } from 'mingo/types';
import type { Document } from '../../../values/forms';

export type PipelineOperator = (collection: Iterator, spec: never, options: Options) => Iterator;

/** Prepares a sub-pipeline ($facet, $lookup, $unionWith …); `within` names the stage holding it. */
export type PreparePipeline = (pipeline: unknown, within: string) => Document[];

export interface StageDefinition {
  prepare(spec: unknown, preparePipeline: PreparePipeline): unknown;
  /** Absent: mingo's operator of the same name runs the prepared specification. */
  operator?: PipelineOperator;
}
