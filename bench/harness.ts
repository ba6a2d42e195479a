/**
 * Harness benchmark: how long `reset()` takes, the call a test suite makes in every beforeEach.
 * The tutorial app on the embedded engine, seeded with sample_training:small and a few users; each
 * reset starts from that state again (restored untimed). Baselines measured beside it in the same
 * run: one driver `ping` round trip, and a driver `deleteMany({})` on one seeded collection (the
 * cheapest way a test could empty the one collection it used). Medians of ROUNDS runs; ratios are
 * what to compare across machines.
 *
 * The emulator is loaded from dist/ (`npm run bench` builds it), as `serve` runs it.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { median } from './support';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startEmulator } = require('../dist/index') as typeof import('../emulator/index');

const APP = path.resolve(__dirname, '../fixtures/apps/data-api-blog');
const SECRETS = { jwtSecret: 'change-me-to-a-secret-of-32-chars' };
const ROUNDS = 15;
const USERS = 5;

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

export async function runHarnessBenchmark(): Promise<boolean> {
  const emulator = await startEmulator({ app: APP, seed: ['sample_training:small'], secrets: SECRETS });
  try {
    const db = emulator.asSystem().db('sample_training');
    const documents = (await db.stats()).objects as number;
    /** The state every timed reset starts from: the seed, a few users with sessions, an API key. */
    const restore = async () => {
      await emulator.reset({ users: true, reseed: true });
      for (let i = 0; i < USERS; i++) await emulator.loginAs({ jwtClaims: { sub: `bench-${i}` } });
      await emulator.createApiKey('bench');
    };
    const samples: Record<string, number[]> = { ping: [], deleteMany: [], reset: [], resetUsers: [], resetReseed: [] };
    await restore();
    for (let round = 0; round < ROUNDS; round++) {
      samples.ping.push(await timed(() => db.command({ ping: 1 })));
      samples.deleteMany.push(await timed(() => db.collection('routes').deleteMany({})));
      await restore();
      samples.reset.push(await timed(() => emulator.reset()));
      await restore();
      samples.resetUsers.push(await timed(() => emulator.reset({ users: true })));
      await restore();
      samples.resetReseed.push(await timed(() => emulator.reset({ reseed: true })));
    }
    const ping = median(samples.ping);
    const deleteMany = median(samples.deleteMany);
    console.log(`\nHarness: reset() on the tutorial app, sample_training:small (${documents} documents) and ${USERS} users; medians of ${ROUNDS}`);
    const row = (label: string, ms: number) =>
      console.log(`  ${label.padEnd(44)} ${ms.toFixed(2).padStart(8)} ms   ${(ms / ping).toFixed(1).padStart(7)}x ping   ${(ms / deleteMany).toFixed(2).padStart(6)}x deleteMany`);
    row('baseline: driver ping', ping);
    row('baseline: driver deleteMany({}) on routes', deleteMany);
    row('reset()', median(samples.reset));
    row('reset({ users: true })', median(samples.resetUsers));
    row('reset({ reseed: true })', median(samples.resetReseed));
    return true;
  } finally {
    await emulator.stop();
  }
}

if (require.main === module) {
  runHarnessBenchmark().then(
    (ok) => process.exit(ok ? 0 : 1),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
