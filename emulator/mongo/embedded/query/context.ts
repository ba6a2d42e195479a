/**
 * The mingo context the engine runs queries, projections and pipelines in: mingo's operators, with
 * the ones that must understand BSON values (see values/bson-number.ts) replaced or adapted by the
 * engine's own (operators/registry.ts), and the engine's pipeline stages (operators/stages/).
 *
 * The operator maps are built by spreading, because `Context.addOps` keeps existing operators.
 */
import { Context, evalExpr } from 'mingo/core';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import type { Options } from 'mingo/types';
import { accumulatorOperators, expressionOperators, queryOperators, windowOperators } from './operators/registry';
import { stageOperators } from './operators/stages';

type Operators = NonNullable<Parameters<typeof Context.init>[0]>;

const context = Context.init({
  // The engine's operators are typed by what they read; mingo's tables by mingo's own signatures.
  accumulator: accumulatorOperators as unknown as Operators['accumulator'],
  expression: expressionOperators as unknown as Operators['expression'],
  pipeline: { ...pipelineOperators, ...stageOperators } as unknown as Operators['pipeline'],
  projection: { ...projectionOperators },
  query: queryOperators as unknown as Operators['query'],
  window: windowOperators as unknown as Operators['window'],
});

/** Options for every mingo call: no server-side JavaScript (App Services never ran `$where`). */
export function mingoOptions(extra: Partial<Options> = {}): Partial<Options> {
  return { context, scriptEnabled: false, useStrictMode: true, ...extra };
}

/** Evaluates an aggregation expression outside a pipeline (a command's `let`, $merge's `let`). */
export function evaluateExpression(document: unknown, expression: unknown, variables?: Record<string, unknown>): unknown {
  return evalExpr(document, expression, mingoOptions(variables ? { variables } : {}) as Options);
}
