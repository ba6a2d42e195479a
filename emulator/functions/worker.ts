/**
 * A function worker's entry point. It owns one MongoClient (ARCHITECTURE.md: each worker has its
 * own) and one FunctionSandbox, and runs the calls the pool sends, one at a time.
 *
 * Nothing here may let a function's own asynchronous failure take the worker down: an error
 * thrown from a timer or an unhandled rejection ends up in the current call's log instead.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { MongoClient } from 'mongodb';
import { FunctionError, deserializeError, serializeError } from './errors';
import { loadServiceFactory } from './data-sources';
import { FunctionSandbox } from './sandbox';
import type { CallTask, FromWorker, HostRequest, ToWorker, WorkerInit } from './transport';

const port = parentPort;
if (!port) throw new Error('worker.ts runs as a worker thread of the function runtime');

const init = workerData as WorkerInit;
// The driver connects on first use, so a worker that never touches a data source opens no socket.
const client = init.mongoUri ? new MongoClient(init.mongoUri) : undefined;

let nextRequestId = 1;
const pendingRequests = new Map<number, { resolve(value: unknown): void; reject(error: FunctionError): void }>();
let currentCall: { callId: number; log(line: string): void } | undefined;

function send(message: FromWorker): void {
  (port as NonNullable<typeof port>).postMessage(message);
}

function hostRequest(request: HostRequest): Promise<unknown> {
  const requestId = nextRequestId++;
  return new Promise((resolve, reject) => {
    pendingRequests.set(requestId, { resolve, reject });
    send({ type: 'host-request', requestId, request });
  });
}

const sandbox = new FunctionSandbox({
  definition: init.definition,
  client,
  createService: loadServiceFactory(init.serviceModule),
  memoryLimitMb: init.memoryLimitMb,
  dependenciesDirectory: init.dependenciesDirectory,
  startedAt: new Date(init.startedAt),
  hostRequest,
});

async function runCall(task: CallTask): Promise<void> {
  const log = (line: string) => send({ type: 'log', callId: task.callId, line });
  currentCall = { callId: task.callId, log };
  try {
    const { resultEJSON, response } = await sandbox.run(task, log);
    send({ type: 'result', callId: task.callId, ok: true, resultEJSON, ...(response ? { response } : {}) });
  } catch (error) {
    const failure = error instanceof FunctionError ? error : FunctionError.execution(String(error));
    send({ type: 'result', callId: task.callId, ok: false, error: serializeError(failure) });
  } finally {
    currentCall = undefined;
  }
}

function logStray(kind: string, error: unknown): void {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  currentCall?.log(`${kind}: ${text}`);
}

process.on('uncaughtException', (error) => logStray('uncaught exception', error));
process.on('unhandledRejection', (reason) => logStray('unhandled promise rejection', reason));

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'call':
      void runCall(message.task);
      return;
    case 'host-reply': {
      const pending = pendingRequests.get(message.requestId);
      pendingRequests.delete(message.requestId);
      if (!pending) return;
      if (message.ok) pending.resolve(message.value);
      else pending.reject(deserializeError(message.error, []));
      return;
    }
    case 'stop':
      void (client ? client.close() : Promise.resolve()).finally(() => process.exit(0));
      return;
  }
});

send({ type: 'ready' });
// The first call's VM, built while the worker waits for it.
sandbox.prepareSpare();
