/**
 * The limits. Timing assertions only say what happened first, with margins a slow, busy 2-core
 * machine keeps; how fast anything is belongs in the benchmarks.
 */
import { FunctionError, type FunctionRuntime } from '../../emulator/functions';
import { rejection, startRuntime, user } from './helpers';

const call = (runtime: FunctionRuntime, name: string, ...args: unknown[]) => runtime.call({ name, args, user: user() });

describe('the time limit', () => {
  let runtime: FunctionRuntime;
  const timeoutMs = 3_000;

  beforeAll(async () => {
    ({ runtime } = await startRuntime({ workers: 2, timeoutMs }));
    await runtime.warm();
  }, 60_000);

  afterAll(() => runtime.stop());

  it('stops a synchronous infinite loop while the main thread and the other worker keep serving', async () => {
    const started = Date.now();
    const events: string[] = [];
    const loop = rejection<FunctionError>(call(runtime, 'limits/loop')).then((error) => {
      events.push('loop stopped');
      return error;
    });
    // The main thread is free: a timer fires long before the loop is stopped.
    const timerLateness = await new Promise<number>((resolve) => {
      const due = Date.now() + 200;
      setTimeout(() => resolve(Date.now() - due), 200);
    });
    events.push('timer fired');
    // The other worker serves a call meanwhile.
    expect((await call(runtime, 'module/plain', 20, 22)).result).toBe(42);
    events.push('other call answered');

    const error = await loop;
    expect(timerLateness).toBeLessThan(timeoutMs / 2);
    expect(events).toEqual(['timer fired', 'other call answered', 'loop stopped']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(timeoutMs - 50);
    expect(error.code).toBe('FunctionExecutionError');
    expect(error.message).toBe('execution time limit exceeded: the function ran longer than 3 s');
    expect(error.logs).toEqual(['looping']);
  });

  it('replaces the stopped worker: later calls succeed, two at a time', async () => {
    await runtime.warm();
    const [first, second] = await Promise.all([call(runtime, 'limits/span', 1_000), call(runtime, 'limits/span', 1_000)]);
    const a = first.result as { start: number; end: number };
    const b = second.result as { start: number; end: number };
    // Both ran at once, on two workers.
    expect(a.start).toBeLessThan(b.end);
    expect(b.start).toBeLessThan(a.end);
  });

  it('queues calls while every worker is busy, and answers them all', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, (_, index) => call(runtime, 'module/plain', index, 1)));
    expect(results.map((result) => result.result)).toEqual([1, 2, 3, 4, 5]);
  });

  it('stops asynchronous waits and nested calls at the same limit', async () => {
    const errors = await Promise.all([
      rejection<FunctionError>(call(runtime, 'limits/wait', timeoutMs + 1_000)),
      rejection<FunctionError>(call(runtime, 'limits/callsLoop')),
    ]);
    for (const error of errors) expect(error.message).toMatch(/^execution time limit exceeded/);
  });
});

describe('the memory limit', () => {
  let runtime: FunctionRuntime;

  beforeAll(async () => {
    // Generous time, small heap: the call must fail for memory, not time. (Under jest the
    // worker also holds ts-node, some 40 MB of the heap.)
    ({ runtime } = await startRuntime({ workers: 1, memoryLimitMb: 128, timeoutMs: 120_000 }));
    await runtime.warm();
  }, 60_000);

  afterAll(() => runtime.stop());

  it('stops a memory blow-up with the memory error, then serves the next call on a new worker', async () => {
    const error = await rejection<FunctionError>(call(runtime, 'limits/memory'));
    expect(error.code).toBe('FunctionExecutionError');
    expect(error.message).toBe('memory limit exceeded: the function used more than 128 MB');
    expect((await call(runtime, 'module/plain', 1, 2)).result).toBe(3);
  }, 120_000);
});
