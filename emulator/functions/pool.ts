/**
 * The worker pool: functions run in worker threads, one call per worker at a time, so that a
 * runaway call can be stopped by terminating its worker without touching any other call.
 *
 *  - Time limit: enforced here, on the main thread. A synchronous `while (true) {}` never yields,
 *    so nothing inside the worker could stop it; `worker.terminate()` can.
 *  - Memory limit: the worker's V8 heap is capped with `resourceLimits`; a call that exceeds it
 *    takes its worker down with ERR_WORKER_OUT_OF_MEMORY, and only that call fails.
 *  - A worker that ended for any reason is replaced; calls wait in a queue while every worker is
 *    busy or still starting, and a worker counts as available only once it said it is ready, so
 *    start-up time (ts-node under jest) never counts against a call's time limit.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { FunctionError, deserializeError, memoryLimitExceeded, serializeError, timeLimitExceeded } from './errors';
import type { CallTask, EndpointResponse, FromWorker, HostRequest, ToWorker, WorkerInit } from './transport';

export interface PoolOptions {
  size: number;
  timeoutMs: number;
  memoryLimitMb: number;
  init: WorkerInit;
  /** Answers what a worker asks the main thread during a call (e.g. a run-as user lookup). */
  onHostRequest(request: HostRequest): Promise<unknown>;
  logger: Logger;
}

export interface PoolResult {
  resultEJSON: string;
  /** What an endpoint function wrote to its response object. */
  response?: EndpointResponse;
  logs: string[];
}

/** Console output kept per call; a function logging in a loop must not exhaust the main thread. */
const MAX_LOG_LINES = 1000;

interface Job {
  task: CallTask;
  logs: string[];
  droppedLogLines: number;
  resolve(result: PoolResult): void;
  reject(error: FunctionError): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: Job;
  timer?: NodeJS.Timeout;
  /** The pool ended this worker on purpose (a limit, stop()); its exit is expected. */
  ending: boolean;
  /** Why the worker failed, from its 'error' event, read when it exits. */
  failure?: Error & { code?: string };
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextCallId = 1;
  private stopped = false;
  /** drain() callers, told when no call is running or waiting. */
  private readonly idleWaiters: Array<() => void> = [];
  /** warm() callers, told when every worker is ready (or that one could not start). */
  private warmWaiters: Array<{ resolve(): void; reject(error: FunctionError): void }> = [];

  constructor(private readonly options: PoolOptions) {}

  run(task: Omit<CallTask, 'callId'>): Promise<PoolResult> {
    if (this.stopped) return Promise.reject(new FunctionError('InternalServerError', 'the function runtime is stopped'));
    return new Promise((resolve, reject) => {
      this.queue.push({ task: { ...task, callId: this.nextCallId++ }, logs: [], droppedLogLines: 0, resolve, reject });
      this.pump();
    });
  }

  /** Starts workers up to the pool size; resolves once all of them are ready for calls. */
  warm(): Promise<void> {
    while (!this.stopped && this.workerCount < this.options.size) this.spawn();
    return new Promise((resolve, reject) => {
      this.warmWaiters.push({ resolve, reject });
      this.notifyWarm();
    });
  }

  private notifyWarm(): void {
    const live = this.slots.filter((slot) => !slot.ending);
    if (this.stopped || (live.length >= this.options.size && live.every((slot) => slot.ready))) {
      for (const waiter of this.warmWaiters.splice(0)) waiter.resolve();
    }
  }

  /** Workers currently alive (starting, idle or busy). */
  get workerCount(): number {
    return this.slots.filter((slot) => !slot.ending).length;
  }

  /**
   * Resolves once no call is running or waiting. Each call is bounded by the time limit, so a
   * drain ends; a hot reload waits for it before it stops the previous version's workers.
   */
  drain(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.notifyIdle();
    });
  }

  private notifyIdle(): void {
    if (this.queue.length > 0 || this.slots.some((slot) => slot.job)) return;
    for (const waiter of this.idleWaiters.splice(0)) waiter();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.notifyWarm();
    for (const job of this.queue.splice(0)) job.reject(new FunctionError('InternalServerError', 'the function runtime was stopped'));
    await Promise.all(
      this.slots.map(async (slot) => {
        slot.ending = true;
        this.settle(slot, (job) => job.reject(withLogs(new FunctionError('InternalServerError', 'the function runtime was stopped'), job)));
        const exited = new Promise((resolve) => slot.worker.once('exit', resolve));
        // A worker closes its MongoClient when asked; one stuck in a loop is terminated.
        post(slot.worker, { type: 'stop' });
        const force = setTimeout(() => void slot.worker.terminate(), 2_000);
        await exited;
        clearTimeout(force);
      }),
    );
    for (const waiter of this.idleWaiters.splice(0)) waiter();
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const idle = this.slots.find((slot) => slot.ready && !slot.job && !slot.ending);
      if (!idle) break;
      this.dispatch(idle, this.queue.shift() as Job);
    }
    const starting = this.slots.filter((slot) => !slot.ready && !slot.ending).length;
    let wanted = Math.min(this.queue.length - starting, this.options.size - this.workerCount);
    while (wanted-- > 0) this.spawn();
  }

  private dispatch(slot: Slot, job: Job): void {
    slot.job = job;
    slot.timer = setTimeout(() => this.timeOut(slot), this.options.timeoutMs);
    post(slot.worker, { type: 'call', task: job.task });
  }

  private timeOut(slot: Slot): void {
    this.settle(slot, (job) => job.reject(withLogs(timeLimitExceeded(this.options.timeoutMs), job)));
    this.end(slot);
  }

  private end(slot: Slot): void {
    slot.ending = true;
    void slot.worker.terminate();
  }

  /** Finishes the slot's job (at most once) and frees the slot. */
  private settle(slot: Slot, finish: (job: Job) => void): void {
    const job = slot.job;
    if (slot.timer) clearTimeout(slot.timer);
    slot.job = undefined;
    slot.timer = undefined;
    if (job) finish(job);
    if (job) queueMicrotask(() => this.notifyIdle());
  }

  private spawn(): void {
    const { entry, evalCode } = workerEntry();
    const worker = new Worker(entry, {
      eval: evalCode,
      workerData: this.options.init,
      // The worker never needs the host's environment; an escape would find nothing there.
      env: {},
      resourceLimits: { maxOldGenerationSizeMb: this.options.memoryLimitMb },
    });
    // Idle workers must not keep the process alive; a call in flight keeps its timer.
    worker.unref();
    const slot: Slot = { worker, ready: false, ending: false };
    this.slots.push(slot);
    worker.on('message', (message: FromWorker) => this.onMessage(slot, message));
    worker.on('error', (error: Error) => {
      slot.failure = error;
    });
    worker.on('exit', () => this.onExit(slot));
  }

  private onMessage(slot: Slot, message: FromWorker): void {
    switch (message.type) {
      case 'ready':
        slot.ready = true;
        this.pump();
        this.notifyWarm();
        return;
      case 'log': {
        const job = slot.job;
        if (!job || job.task.callId !== message.callId) return;
        if (job.logs.length < MAX_LOG_LINES) job.logs.push(message.line);
        else job.droppedLogLines++;
        return;
      }
      case 'host-request':
        this.options.onHostRequest(message.request).then(
          (value) => post(slot.worker, { type: 'host-reply', requestId: message.requestId, ok: true, value }),
          (error: unknown) =>
            post(slot.worker, { type: 'host-reply', requestId: message.requestId, ok: false, error: serializeError(asFunctionError(error)) }),
        );
        return;
      case 'result': {
        if (slot.job?.task.callId !== message.callId) return;
        const resultMessage = message;
        this.settle(slot, (job) => {
          if (resultMessage.ok) job.resolve({ resultEJSON: resultMessage.resultEJSON, response: resultMessage.response, logs: finalLogs(job) });
          else job.reject(deserializeError(resultMessage.error, finalLogs(job)));
        });
        this.pump();
        return;
      }
    }
  }

  private onExit(slot: Slot): void {
    this.slots.splice(this.slots.indexOf(slot), 1);
    const failure = slot.failure;
    if (!slot.ready && !slot.ending && !this.stopped) {
      // A worker that cannot even start would fail again: fail the waiting calls instead of looping.
      const error = new FunctionError('InternalServerError', `a function worker could not start: ${failure?.message ?? 'it exited'}`);
      this.options.logger.error({ err: failure }, 'a function worker could not start');
      for (const waiter of this.warmWaiters.splice(0)) waiter.reject(error);
      if (this.workerCount === 0) for (const job of this.queue.splice(0)) job.reject(error);
      this.notifyIdle();
      return;
    }
    this.settle(slot, (job) => {
      const error =
        failure?.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? memoryLimitExceeded(this.options.memoryLimitMb)
          : FunctionError.execution(`the function's worker stopped unexpectedly${failure ? `: ${failure.message}` : ''}`);
      job.reject(withLogs(error, job));
    });
    if (failure && failure.code !== 'ERR_WORKER_OUT_OF_MEMORY') {
      this.options.logger.warn({ err: failure }, 'a function worker failed; it is replaced');
    }
    if (this.stopped) return;
    // Keep the pool as large as it was: the next call should not wait for a worker to start.
    this.spawn();
    this.pump();
  }
}

function finalLogs(job: Job): string[] {
  return job.droppedLogLines > 0 ? [...job.logs, `… ${job.droppedLogLines} more log lines dropped`] : job.logs;
}

function withLogs(error: FunctionError, job: Job): FunctionError {
  error.logs = finalLogs(job);
  return error;
}

function asFunctionError(error: unknown): FunctionError {
  if (error instanceof FunctionError) return error;
  return new FunctionError('InternalServerError', error instanceof Error ? error.message : String(error));
}

/** A worker that has exited ignores messages; posting to it must not throw into the pool. */
function post(worker: Worker, message: ToWorker): void {
  try {
    worker.postMessage(message);
  } catch {
    // The worker is gone; its 'exit' handler settles whatever it was doing.
  }
}

/**
 * Worker threads load JavaScript, not TypeScript. From dist/ (npm run build) the compiled
 * worker.js sits next to this file. From the TypeScript sources (jest, ts-node) the worker first
 * registers ts-node (transpile only) and then loads worker.ts, so both run the same code.
 */
function workerEntry(): { entry: string; evalCode: boolean } {
  if (path.extname(__filename) === '.js') return { entry: path.join(__dirname, 'worker.js'), evalCode: false };
  const tsNode = require.resolve('ts-node');
  const project = path.resolve(__dirname, '..', '..', 'tsconfig.json');
  const source = path.join(__dirname, 'worker.ts');
  return {
    entry: `require(${JSON.stringify(tsNode)}).register({ transpileOnly: true, project: ${JSON.stringify(project)} });\nrequire(${JSON.stringify(source)});`,
    evalCode: true,
  };
}
