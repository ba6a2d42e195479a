/** What several benchmarks share: the median of runs, and serving a hand-written baseline. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Express } from 'express';

/** The middle value (the mean of the two middle ones for an even count): one slow run does not move it. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Serves `app` on a free loopback port; `close` also runs `cleanup` (the baseline's own client). */
export async function serveBaseline(app: Express, cleanup: () => Promise<void>): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await cleanup();
    },
  };
}

/** How many `request`s complete in `milliseconds`, `concurrency` of them in flight at all times. */
export async function completedWithin(milliseconds: number, concurrency: number, request: () => Promise<void>): Promise<number> {
  let done = 0;
  const until = performance.now() + milliseconds;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await request();
        done++;
      }
    }),
  );
  return done;
}
