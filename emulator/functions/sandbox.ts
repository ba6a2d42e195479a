/**
 * Runs inside a worker: one call at a time, each in a fresh vm2 NodeVM, so globals and built-in
 * prototypes one call changes (Object.prototype, EJSON …) are gone for the next.
 *
 * Module form (spec §5.1): a source assigns its entry point to `exports` (no `module`, no
 * `__filename`), may define helpers at top level, and calls `require` inside the function. Each
 * source is wrapped so that `exports`, `context` and `require` are its own:
 *
 *   (function (context, makeRequire) {
 *     (function (exports, module, require, __filename, __dirname) { <source> ; return exports })
 *   })
 *
 * `context` is a parameter rather than a global because a function called through
 * `context.functions.execute` may run as someone else than its caller, and must see its own.
 * The prefix and the source share their first line, so stack traces keep the file's line numbers;
 * the file is named `functions/<name>.js`, as in the export.
 *
 * Every function of a call (nested ones, the run-as script) runs in the call's VM. The time and
 * memory limits are not enforced here: the pool terminates the worker (pool.ts).
 */
import * as path from 'node:path';
import type { MongoClient } from 'mongodb';
import { makeResolverFromLegacyOptions, NodeVM, VMScript, type NodeVMOptions, type Resolver } from 'vm2';
import type { AppDefinition, FunctionDefinition } from '../app/definition';
import type { AppUser } from '../auth/user';
import type { RequestInfo } from '../http/request-info';
import type { CreateServiceForWorker, ServiceCaller } from './data-sources';
import { callDepthExceeded, FunctionError, MAX_CALL_DEPTH } from './errors';
import { createBsonGlobal, createEjsonGlobal } from './globals/bson';
import { createConsole } from './globals/console';
import { createContext } from './globals/context';
import { EndpointResponseBuilder } from './globals/endpoint-response';
import { createUtilsGlobal } from './globals/utils';
import { HOST_BUILTINS, processModule, rebuiltModules, requirePolicyJson, scopedFileSystem } from './modules';
import { PRELUDE_SOURCE } from './prelude';
import { runAsStep, scriptResultStep, userIdentity, type Identity, type RunAsStep } from './run-as';
import { CallTimers } from './timers';
import { decodeValue, encodeValue, fromWire, type CallTask, type EndpointResponse, type HostRequest } from './transport';

const PREFIX = 'return (function (vmRequire) { return function (context, makeRequire) { return (function (exports, module, require, __filename, __dirname) {';
const SUFFIX = '\n;return exports; })(undefined, undefined, makeRequire(vmRequire)); }; })(require);';

export interface SandboxOptions {
  definition: AppDefinition;
  /** The worker's own client; absent when the runtime has no database. */
  client?: MongoClient;
  createService: CreateServiceForWorker;
  memoryLimitMb: number;
  /** Where `require` looks for the app's node_modules; functions/ when absent. */
  dependenciesDirectory?: string;
  startedAt: Date;
  /** Asks the main thread (run-as user lookups). */
  hostRequest(request: HostRequest): Promise<unknown>;
}

type ModuleFactory = (context: unknown, makeRequire: unknown) => unknown;

/**
 * A VM made before the call that uses it: fresh globals, nothing of any call has run in it yet.
 * Its console writes to whichever call takes it (`sink`), and each VM serves one call only.
 */
interface PreparedVm {
  vm: NodeVM;
  makeRequire: unknown;
  vmRequire: unknown;
  timers: CallTimers;
  sink: { log: (line: string) => void };
}

export class FunctionSandbox {
  private readonly resolver: Resolver;
  private readonly scripts = new Map<string, VMScript>();
  private readonly prelude = new VMScript(PRELUDE_SOURCE, { filename: 'app-services-prelude.js' });
  /** Evaluates to vm2's `require` for a module in the dependencies directory. */
  private readonly requireAnchor: VMScript;
  private readonly policyJson = requirePolicyJson();
  /**
   * The next call's VM, made while the worker is idle: a NodeVM takes ~6 ms to build, most of a
   * short call's time. Under full load there is no idle time and calls build their own.
   */
  private spare: PreparedVm | undefined;
  private spareScheduled = false;

  constructor(readonly options: SandboxOptions) {
    const functionsDirectory = path.join(options.definition.meta.directory, 'functions');
    this.requireAnchor = new VMScript('return require;', {
      filename: path.join(options.dependenciesDirectory ?? functionsDirectory, 'app-services-require.js'),
    });
    const root = [functionsDirectory, options.dependenciesDirectory].filter((directory): directory is string => directory !== undefined);
    this.resolver = makeResolverFromLegacyOptions({
      builtin: HOST_BUILTINS,
      mock: rebuiltModules(functionsDirectory),
      // Packages are compiled inside the sandbox (they see its globals, not the host's), and
      // only from the app's own directories.
      external: true,
      context: 'sandbox',
      root,
      fs: scopedFileSystem(root),
    });
  }

  /**
   * Runs one call; resolves to the canonical EJSON of its result and, for an endpoint, what the
   * function wrote to its response object.
   */
  async run(task: CallTask, log: (line: string) => void): Promise<{ resultEJSON: string; response?: EndpointResponse }> {
    if (task.mode !== 'user-id-script') {
      const fn = this.options.definition.functions.get(task.name);
      if (!fn || fn.missing || fn.source === undefined) throw FunctionError.notFound(task.name);
    }
    const call = new SandboxCall(this, this.takeVm(log), task.request);
    const caller: Identity = { user: fromWire<AppUser>(task.caller.user), runningAsSystem: task.caller.runningAsSystem };
    try {
      const decoded = decodeValue(task.argsEJSON);
      const args = Array.isArray(decoded) ? decoded : [decoded];
      const response = task.mode === 'endpoint' ? new EndpointResponseBuilder() : undefined;
      let result: unknown;
      try {
        if (task.mode === 'user-id-script') result = await call.runAsScript(task.source ?? '', args, caller, 0);
        else result = await call.invoke(task.name, response ? [...args, response.object] : args, caller, 0, task.applyRunAs);
      } catch (error) {
        throw FunctionError.execution(describeThrown(error));
      }
      if (isCursor(result)) {
        throw FunctionError.execution('a function cannot return a cursor: call toArray() (or next()) on it and return the documents');
      }
      try {
        return { resultEJSON: encodeValue(result), ...(response ? { response: response.result() } : {}) };
      } catch (error) {
        throw FunctionError.execution(`the function's return value cannot be serialized as EJSON: ${describeThrown(error)}`);
      }
    } finally {
      call.dispose();
      this.prepareSpare();
    }
  }

  /** Makes the next call's VM once the worker has nothing else to do (after the reply is sent). */
  prepareSpare(): void {
    if (this.spare || this.spareScheduled) return;
    this.spareScheduled = true;
    setImmediate(() => {
      this.spareScheduled = false;
      this.spare ??= this.prepareVm();
    });
  }

  private takeVm(log: (line: string) => void): PreparedVm {
    const prepared = this.spare ?? this.prepareVm();
    this.spare = undefined;
    prepared.sink.log = log;
    return prepared;
  }

  private prepareVm(): PreparedVm {
    const timers = new CallTimers();
    const sink = { log: (_line: string) => undefined as void };
    const globals = { EJSON: createEjsonGlobal(), BSON: createBsonGlobal(), utils: createUtilsGlobal(), console: createConsole((line) => sink.log(line)) };
    return { ...this.newVm(globals, timers), timers, sink };
  }

  /**
   * A source wrapped in the module form, compiled once per worker. Its file name is relative
   * (`functions/<name>.js`, as in the export): vm2 hides frames of absolute paths (host files)
   * from stack traces, and `require` resolves from the dependencies directory anyway.
   */
  script(key: string, source: string, name: string): VMScript {
    let script = this.scripts.get(key);
    if (!script) {
      script = new VMScript(PREFIX + source + SUFFIX, { filename: `functions/${name}.js` });
      this.scripts.set(key, script);
    }
    return script;
  }

  newVm(globals: Record<string, unknown>, timers: CallTimers): { vm: NodeVM; makeRequire: unknown; vmRequire: unknown } {
    const options: NodeVMOptions & { bufferAllocLimit: number } = {
      console: 'off',
      sandbox: globals,
      require: this.resolver,
      wrapper: 'none',
      wasm: false,
      // Buffers live outside the V8 heap that resourceLimits caps; vm2 (3.10+, not in its
      // typings) caps each allocation.
      bufferAllocLimit: this.options.memoryLimitMb * 1024 * 1024,
    };
    const vm = new NodeVM(options);
    vm.setGlobals(timers.globals());
    // vm2 gives the sandbox a `process` with an (empty) env; App Services' is the partial module.
    vm.freeze(processModule(), 'process');
    const makeRequire = (vm.run(this.prelude, { wrapper: 'none' }) as (policy: string) => unknown)(this.policyJson);
    return { vm, makeRequire, vmRequire: vm.run(this.requireAnchor, { wrapper: 'none' }) };
  }
}

/** One top-level call: its VM, its timers, and every function it runs (nested ones included). */
class SandboxCall {
  private readonly vm: NodeVM;
  private readonly makeRequire: unknown;
  private readonly vmRequire: unknown;
  private readonly timers: CallTimers;

  constructor(
    private readonly sandbox: FunctionSandbox,
    prepared: PreparedVm,
    private readonly request: RequestInfo,
  ) {
    ({ vm: this.vm, makeRequire: this.makeRequire, vmRequire: this.vmRequire, timers: this.timers } = prepared);
  }

  dispose(): void {
    // App Services ends a call when its function returns; timers it left behind never fire.
    this.timers.clearAll();
  }

  /**
   * Runs a function as its configuration says, given who calls it; with `applyRunAs` false, as
   * `caller` itself (the caller applied the function's run-as settings already).
   */
  invoke(name: string, args: unknown[], caller: Identity, depth: number, applyRunAs = true): unknown {
    if (depth > MAX_CALL_DEPTH) throw callDepthExceeded();
    const fn = this.sandbox.options.definition.functions.get(name);
    if (!fn || fn.missing || fn.source === undefined) throw FunctionError.notFound(name);
    if (!applyRunAs) return this.execute(fn, args, caller, depth);
    const step = runAsStep(fn.runAs, caller);
    // Synchronous when the identity is known, so execute() returns what the callee returns.
    if (step.kind === 'identity') return this.execute(fn, args, step.identity, depth);
    return this.resolve(step, args, caller, depth).then((identity) => this.execute(fn, args, identity, depth));
  }

  private async resolve(step: Exclude<RunAsStep, { kind: 'identity' }>, args: unknown[], caller: Identity, depth: number): Promise<Identity> {
    let next: RunAsStep = step;
    if (next.kind === 'run-script') next = scriptResultStep(await this.runAsScript(next.source, args, caller, depth), caller);
    if (next.kind === 'identity') return next.identity;
    const user = fromWire<AppUser | undefined>(await this.sandbox.options.hostRequest({ kind: 'resolve-user', userId: next.userId }));
    if (!user) throw FunctionError.execution(`the run-as user "${next.userId}" does not exist`);
    return userIdentity(user);
  }

  /**
   * `run_as_user_id_script_source`: in module form (`exports = function (payload) {…}`) or a bare
   * function expression. It gets the function's arguments, and runs as system with the caller as
   * `context.user`.
   */
  async runAsScript(source: string, args: unknown[], caller: Identity, depth: number): Promise<unknown> {
    const identity: Identity = { user: caller.user, runningAsSystem: true };
    const moduleForm = /\bexports\s*=/.test(source) ? source : `exports = (${source}\n);`;
    const exported = this.load(`script:${source}`, moduleForm, 'run_as_user_id_script_source', identity, depth);
    return typeof exported === 'function' ? await (exported as (...args: unknown[]) => unknown)(...args) : exported;
  }

  private execute(fn: FunctionDefinition, args: unknown[], identity: Identity, depth: number): unknown {
    const exported = this.load(`function:${fn.name}`, fn.source as string, fn.name, identity, depth);
    if (typeof exported !== 'function') {
      throw FunctionError.execution(`function '${fn.name}' does not export a function: its source must assign one to exports (exports = function (…) {…})`);
    }
    return (exported as (...args: unknown[]) => unknown)(...args);
  }

  /** Evaluates a source in this call's VM, with a context for `identity`; returns its exports. */
  private load(key: string, source: string, name: string, identity: Identity, depth: number): unknown {
    const run = this.vm.run.bind(this.vm) as (script: VMScript, options: { wrapper: 'none'; require: unknown }) => unknown;
    const factory = run(this.sandbox.script(key, source, name), { wrapper: 'none', require: this.vmRequire }) as ModuleFactory;
    return factory(this.context(identity, depth), this.makeRequire);
  }

  private context(identity: Identity, depth: number): Record<string, unknown> {
    const { options } = this.sandbox;
    const services = new Map<string, unknown>();
    const caller: ServiceCaller = {
      user: identity.user,
      runningAsSystem: identity.runningAsSystem,
      request: this.request,
      executeFunction: async (name, args) => this.invoke(name, args, identity, depth + 1),
    };
    return createContext({
      definition: options.definition,
      identity,
      request: this.request,
      startedAt: options.startedAt,
      execute: (name, args) => this.invoke(name, args, identity, depth + 1),
      getService: (name) => {
        if (!options.definition.dataSources.has(name)) return undefined;
        if (!options.client) throw new Error(`data source "${name}" is not available: the function runtime was started without a database`);
        if (!services.has(name)) services.set(name, options.createService(options.client, options.definition, name, caller));
        return services.get(name);
      },
    });
  }
}

/** A driver or App Services cursor: something to read from, not a value to return. */
function isCursor(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as { toArray?: unknown; next?: unknown };
  return typeof candidate.toArray === 'function' && typeof candidate.next === 'function';
}

/**
 * The message of what a function threw. App Services reports errors as "<Type>: <message>"
 * (e.g. "TypeError: Cannot access member 'db' of undefined"); a plain Error's message is
 * reported as is, other thrown values as their EJSON.
 */
function describeThrown(error: unknown): string {
  try {
    if (typeof error === 'string') return error;
    if (error !== null && typeof error === 'object' && 'message' in error) {
      const { name, message } = error as { name?: unknown; message?: unknown };
      const type = typeof name === 'string' ? name : 'Error';
      // The emulator's own errors (a rule's refusal from the mongodb service …) carry App
      // Services' messages, which App Services reports without a type.
      return type === 'Error' || type === 'FunctionError' || type === 'AppServicesError' ? String(message) : `${type}: ${String(message)}`;
    }
    return encodeValue(error);
  } catch {
    return 'the function threw a value that cannot be described';
  }
}
