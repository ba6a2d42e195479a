/**
 * The function runtime as the rest of the emulator uses it (main thread): checks a call the way
 * App Services checks it before running anything (the function exists, a client may call it, its
 * `can_evaluate` allows it), then hands it to the worker pool and decodes what comes back.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { Binary } from 'bson';
import pino, { type Logger } from 'pino';
import type { AppDefinition, RuleExpression } from '../app/definition';
import type { AppUser } from '../auth/user';
import { NO_REQUEST, type RequestInfo } from '../http/request-info';
import { DEFAULT_SERVICE_MODULE } from './data-sources';
import { dependenciesDirectory } from './dependencies';
import { FunctionError } from './errors';
import { WorkerPool, type PoolResult } from './pool';
import { scriptAnswer, type Identity } from './run-as';
import { decodeValue, encodeValue, toWire, type CallTask, type EndpointResponse, type HostRequest } from './transport';

/** App Services' limits (spec §9): 300 s per request, 350 MB per function. */
export const DEFAULT_TIMEOUT_MS = 300_000;
export const DEFAULT_MEMORY_LIMIT_MB = 350;

export interface FunctionRuntimeOptions {
  definition: AppDefinition;
  /** The MongoDB every worker opens its own MongoClient to; without it, data sources fail. */
  mongoUri?: string;
  /** Worker threads, i.e. calls running at once; default min(4, cores). */
  workers?: number;
  /** Per-call time limit (nested calls share it); default 300 000 ms (`--function-timeout`). */
  timeoutMs?: number;
  /** V8 heap limit per worker, in MB; default 350. */
  memoryLimitMb?: number;
  logger?: Logger;
  /**
   * Evaluates a rule expression, for `can_evaluate` (emulator/rules/expressions.ts). Without it,
   * calling a function whose `can_evaluate` is not trivially true fails with InternalServerError.
   */
  evaluateExpression?: (expression: RuleExpression, context: CanEvaluateContext) => Promise<boolean>;
  /** Finds a user by id, for `run_as_user_id` (the auth module's user store). */
  resolveUser?: (userId: string) => Promise<AppUser | undefined>;
  /** Module whose `createServiceForWorker` builds what `context.services.get()` returns. */
  serviceModule?: string;
}

/** What `can_evaluate` is evaluated against. */
export interface CanEvaluateContext {
  /** `%%user`: the calling user. */
  user: AppUser;
  /** `%%request`. */
  request: RequestInfo;
  /** `%function`: runs an app function as the caller, private ones included. */
  callFunction(name: string, args: unknown[]): Promise<unknown>;
}

export type CallOrigin = 'client' | 'endpoint' | 'internal';

export interface FunctionCall {
  name: string;
  args?: unknown[];
  /** The calling user: `context.user`, `%%user`. Pass SYSTEM_USER when nobody is logged in. */
  user: AppUser;
  /** The caller itself runs as system (a system endpoint, the Data API as system …); default: user.type === 'system'. */
  runAsSystem?: boolean;
  /** `context.request`; NO_REQUEST when absent. */
  request?: RequestInfo;
  /**
   * Who asks. `client` (the SDKs' functions/call): private functions are refused and
   * `can_evaluate` applies. `endpoint` (HTTPS endpoints): `can_evaluate` applies. `internal`
   * (rules' %function, auth hooks, the harness; the default): neither.
   */
  origin?: CallOrigin;
}

export interface FunctionCallResult {
  /** The returned value: numbers as numbers, other BSON types (Long, Decimal128, ObjectId …) kept. */
  result: unknown;
  /** The returned value as canonical EJSON text, as the client API answers it. */
  resultEJSON: string;
  /** Console output of the call, one entry per line. */
  logs: string[];
}

/** The `request` an HTTPS endpoint function receives as its first argument (spec §4.2). */
export interface EndpointRequest {
  /** The first value of each query parameter. */
  query: Record<string, string>;
  /** Header name → every value sent for it. */
  headers: Record<string, string[]>;
  /** The body's bytes (a BSON.Binary in the function); absent when the request has none. */
  body?: Uint8Array;
}

/**
 * An HTTPS endpoint's call. `user` and `runAsSystem` are who the function runs as: the endpoint
 * already applied the function's run-as settings when it authenticated the request, so the
 * runtime does not apply them again. Private functions may be called; `can_evaluate` applies.
 */
export interface EndpointCall {
  name: string;
  httpRequest: EndpointRequest;
  user: AppUser;
  runAsSystem: boolean;
  request: RequestInfo;
}

export interface EndpointCallResult extends FunctionCallResult {
  /** What the function wrote to its response object. */
  response: EndpointResponse;
}

/** A `run_as_user_id_script_source` run for a request (Data API, endpoints). */
export interface UserIdScriptCall {
  source: string;
  /** `context.user` of the script; SYSTEM_USER when the request has no user yet. */
  user: AppUser;
  request: RequestInfo;
  args?: unknown[];
}

export interface FunctionRuntime {
  /** Runs a function; rejects with FunctionError (its `logs` hold the output up to the failure). */
  call(call: FunctionCall): Promise<FunctionCallResult>;
  /** Runs an endpoint's function with `(request, response)`; resolves with what it wrote too. */
  callEndpoint(call: EndpointCall): Promise<EndpointCallResult>;
  /**
   * Runs a run-as script as system and resolves to what it names: a user id, or system
   * (`{ runAsSystem: true }`); anything else rejects with FunctionExecutionError.
   */
  runUserIdScript(call: UserIdScriptCall): Promise<string | { runAsSystem: true }>;
  /**
   * Starts every worker now and resolves when all are ready, so that the first calls do not wait
   * for a worker to start (a server calls it at start-up; workers otherwise start on demand).
   */
  warm(): Promise<void>;
  /** Resolves once no call is running or waiting (each is bounded by the time limit). */
  drain(): Promise<void>;
  /** Ends every worker; calls in flight fail. */
  stop(): Promise<void>;
}

export function createFunctionRuntime(options: FunctionRuntimeOptions): FunctionRuntime {
  return new WorkerFunctionRuntime(options);
}

class WorkerFunctionRuntime implements FunctionRuntime {
  private readonly pool: WorkerPool;
  private readonly logger: Logger;

  constructor(private readonly options: FunctionRuntimeOptions) {
    this.logger = options.logger ?? pino({ level: 'silent' });
    const memoryLimitMb = options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
    let dependencies: string | undefined;
    try {
      dependencies = dependenciesDirectory(options.definition);
    } catch (error) {
      // The app still runs; only requiring its packages fails ("Cannot find module").
      this.logger.warn({ err: error }, "the app's dependency archive cannot be unpacked; its packages cannot be required");
    }
    this.pool = new WorkerPool({
      size: Math.max(1, options.workers ?? Math.min(4, os.availableParallelism())),
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      memoryLimitMb,
      init: {
        definition: options.definition,
        mongoUri: options.mongoUri,
        memoryLimitMb,
        dependenciesDirectory: dependencies,
        serviceModule: options.serviceModule ? path.resolve(options.serviceModule) : DEFAULT_SERVICE_MODULE,
        startedAt: new Date().toISOString(),
      },
      onHostRequest: (request) => this.answer(request),
      logger: this.logger,
    });
  }

  async call(call: FunctionCall): Promise<FunctionCallResult> {
    const origin = call.origin ?? 'internal';
    const request = call.request ?? NO_REQUEST;
    const runningAsSystem = call.runAsSystem ?? call.user.type === 'system';
    await this.admit(call.name, origin, { user: call.user, runAsSystem: runningAsSystem, request });
    const { resultEJSON, logs } = await this.run(
      { name: call.name, mode: 'function', applyRunAs: true, argsEJSON: encodeArguments(call.args ?? []), caller: wireCaller(call.user, runningAsSystem), request },
      origin,
    );
    return { result: decodeValue(resultEJSON), resultEJSON, logs };
  }

  async callEndpoint(call: EndpointCall): Promise<EndpointCallResult> {
    await this.admit(call.name, 'endpoint', call);
    const { query, headers, body } = call.httpRequest;
    const httpRequest = { query, headers, ...(body === undefined ? {} : { body: new Binary(body) }) };
    const { resultEJSON, response, logs } = await this.run(
      {
        name: call.name,
        mode: 'endpoint',
        applyRunAs: false,
        argsEJSON: encodeArguments([httpRequest]),
        caller: wireCaller(call.user, call.runAsSystem),
        request: call.request,
      },
      'endpoint',
    );
    return { result: decodeValue(resultEJSON), resultEJSON, logs, response: response ?? { headers: {} } };
  }

  async runUserIdScript(call: UserIdScriptCall): Promise<string | { runAsSystem: true }> {
    const { resultEJSON } = await this.run(
      {
        name: 'run_as_user_id_script_source',
        mode: 'user-id-script',
        source: call.source,
        applyRunAs: false,
        argsEJSON: encodeArguments(call.args ?? []),
        caller: wireCaller(call.user, true),
        request: call.request,
      },
      'internal',
    );
    return scriptAnswer(decodeValue(resultEJSON));
  }

  /** What App Services checks before running anything: the function exists, the caller may call it. */
  private async admit(name: string, origin: CallOrigin, caller: { user: AppUser; runAsSystem: boolean; request: RequestInfo }): Promise<void> {
    const fn = this.options.definition.functions.get(name);
    if (!fn || fn.missing || fn.source === undefined) throw FunctionError.notFound(name);
    if (origin === 'client' && fn.private) {
      throw new FunctionError('NotCallable', `function '${name}' is private: it can be called by other functions, rules and endpoints, not by clients`);
    }
    if (origin !== 'internal' && !(await this.canEvaluate(name, fn.canEvaluate, caller))) {
      throw new FunctionError('NotCallable', `function '${name}' cannot be called: its can_evaluate expression is false for this request`);
    }
  }

  private async run(task: Omit<CallTask, 'callId'>, origin: CallOrigin): Promise<PoolResult> {
    const started = Date.now();
    try {
      const result = await this.pool.run(task);
      this.logger.debug({ function: task.name, origin, durationMs: Date.now() - started }, 'function call');
      return result;
    } catch (error) {
      this.logger.debug({ function: task.name, origin, durationMs: Date.now() - started, error: (error as Error).message }, 'function call failed');
      throw error;
    }
  }

  warm(): Promise<void> {
    return this.pool.warm();
  }

  drain(): Promise<void> {
    return this.pool.drain();
  }

  stop(): Promise<void> {
    return this.pool.stop();
  }

  private async canEvaluate(name: string, expression: RuleExpression | undefined, call: { user: AppUser; runAsSystem: boolean; request: RequestInfo }): Promise<boolean> {
    if (expression === undefined || expression === true) return true;
    if (expression === false) return false;
    if (Object.keys(expression).length === 0) return true;
    if (!this.options.evaluateExpression) {
      throw new FunctionError(
        'InternalServerError',
        `function '${name}' has a can_evaluate expression, and this function runtime was created without a rule expression evaluator (evaluateExpression)`,
      );
    }
    return this.options.evaluateExpression(expression, {
      user: call.user,
      request: call.request,
      callFunction: async (callee, args) =>
        (await this.call({ name: callee, args, user: call.user, runAsSystem: call.runAsSystem, request: call.request })).result,
    });
  }

  private async answer(request: HostRequest): Promise<unknown> {
    switch (request.kind) {
      case 'resolve-user': {
        if (!this.options.resolveUser) {
          throw new FunctionError('InternalServerError', 'run_as_user_id needs a user lookup, and this function runtime was created without one (resolveUser)');
        }
        return toWire(await this.options.resolveUser(request.userId));
      }
    }
  }
}

/** Who a call runs as, ready for the message to the worker. */
function wireCaller(user: AppUser, runningAsSystem: boolean): Identity {
  return { user: toWire(user) as AppUser, runningAsSystem };
}

function encodeArguments(args: unknown[]): string {
  try {
    return encodeValue(args);
  } catch (error) {
    throw FunctionError.execution(`the arguments cannot be serialized as EJSON: ${(error as Error).message}`);
  }
}
