/**
 * The mingo context the engine runs queries, projections and pipelines in: mingo's operators, with
 * the ones that must understand BSON values (see values/bson-number.ts) replaced by the engine's own.
 */
import { Context } from 'mingo/core';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as windowOperators from 'mingo/operators/window';
import type { Options } from 'mingo/types';
import { queryOperatorOverrides } from './operators/query';

const context = Context.init({
  accumulator: { ...accumulatorOperators },
  expression: { ...expressionOperators },
  pipeline: { ...pipelineOperators },
  projection: { ...projectionOperators },
  query: { ...queryOperators, ...queryOperatorOverrides },
  window: { ...windowOperators },
});

/** Options for every mingo call: no server-side JavaScript (App Services never ran `$where`). */
export function mingoOptions(extra: Partial<Options> = {}): Partial<Options> {
  return { context, scriptEnabled: false, useStrictMode: true, ...extra };
}
