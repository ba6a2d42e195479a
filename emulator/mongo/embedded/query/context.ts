/**
 * The mingo context the engine runs queries, projections and pipelines in: mingo's operators, with
 * the ones that must understand BSON values (see values/bson-number.ts) replaced or adapted by the
 * engine's own (operators/registry.ts), and the engine's pipeline stages (operators/stages/).
 *
 * The operator maps are built by spreading, because `Context.addOps` keeps existing operators.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { Context, evalExpr } from 'mingo/core';
import type { Options } from 'mingo/types';

type Operators = NonNullable<Parameters<typeof Context.init>[0]>;

let context: Context | undefined;

/**
 * Built on first use: the operator tables are hundreds of modules, most of the engine's start-up
 * time, and a server that only answers handshakes, inserts and pings never needs them.
 */
function engineContext(): Context {
  if (context) return context;
  const pipelineOperators = require('mingo/operators/pipeline') as typeof import('mingo/operators/pipeline');
  const projectionOperators = require('mingo/operators/projection') as typeof import('mingo/operators/projection');
  const registry = require('./operators/registry') as typeof import('./operators/registry');
  const { stageOperators } = require('./operators/stages') as typeof import('./operators/stages');
  context = Context.init({
    // The engine's operators are typed by what they read; mingo's tables by mingo's own signatures.
    accumulator: registry.accumulatorOperators as unknown as Operators['accumulator'],
    expression: registry.expressionOperators as unknown as Operators['expression'],
    pipeline: { ...pipelineOperators, ...stageOperators } as unknown as Operators['pipeline'],
    projection: { ...projectionOperators },
    query: registry.queryOperators as unknown as Operators['query'],
    window: registry.windowOperators as unknown as Operators['window'],
  });
  return context;
}

/** Options for every mingo call: no server-side JavaScript (App Services never ran `$where`). */
export function mingoOptions(extra: Partial<Options> = {}): Partial<Options> {
  return { context: engineContext(), scriptEnabled: false, useStrictMode: true, ...extra };
}

/** Evaluates an aggregation expression outside a pipeline (a command's `let`, $merge's `let`). */
export function evaluateExpression(document: unknown, expression: unknown, variables?: Record<string, unknown>): unknown {
  return evalExpr(document, expression, mingoOptions(variables ? { variables } : {}) as Options);
}
