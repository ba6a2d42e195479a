/**
 * Functions benchmark: calls per second of two custom HTTPS endpoints served by the emulator — a
 * trivial function (`GET /hello` → `{hello: "world"}`) and one that runs a `findOne` through the
 * mongodb service — against a hand-written express route doing the same work in the same process
 * and on the same database, in the same run. Figures are ratios (emulator / express) because these
 * machines are noisy; absolute calls per second are printed for context.
 *
 * The emulator is loaded from dist/ (`npm run bench` builds it), so the function workers run the
 * compiled JavaScript as `serve` does.
 */
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import express from 'express';
import { MongoClient } from 'mongodb';
import { completedWithin, serveBaseline } from './support';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startEmulator } = require('../dist/index') as typeof import('../emulator/index');

const APP = path.resolve(__dirname, '../fixtures/apps/endpoints-http');
const SECRETS = { endpointSecret: 'bench-secret', endpointsJwtKey: 'bench-signing-key-of-32-characters-or-more' };
/** Requests in flight at once: enough to keep both sides busy on a 2-core machine. */
const CONCURRENCY = 8;
const WARM_UP_MS = 1_000;
const MEASURE_MS = 4_000;

/** Completed requests per second against `url`, CONCURRENCY at a time, after a warm-up. */
async function callsPerSecond(url: string): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const get = () =>
    new Promise<void>((resolve, reject) => {
      http
        .get(url, { agent }, (response) => {
          if (response.statusCode !== 200) reject(new Error(`${url} answered ${response.statusCode}`));
          response.resume();
          response.on('end', resolve);
        })
        .on('error', reject);
    });
  const run = (milliseconds: number) => completedWithin(milliseconds, CONCURRENCY, get);
  await run(WARM_UP_MS);
  const started = performance.now();
  const done = await run(MEASURE_MS);
  agent.destroy();
  return done / ((performance.now() - started) / 1000);
}

/** The hand-written equivalent of the two endpoint functions. */
async function expressBaseline(mongoUri: string): Promise<{ url: string; close(): Promise<void> }> {
  const client = await new MongoClient(mongoUri).connect();
  const items = client.db('shop').collection('items');
  const app = express();
  app.get('/hello', (_request, response) => {
    response.json({ hello: 'world' });
  });
  app.get('/items/first', async (_request, response) => {
    response.json(await items.findOne({ sku: 'first' }));
  });
  return serveBaseline(app, () => client.close());
}

export async function runFunctionsBenchmark(): Promise<boolean> {
  const emulator = await startEmulator({ app: APP, secrets: SECRETS });
  const baseline = await expressBaseline(emulator.mongoUri);
  try {
    await emulator.mongo.client.db('shop').collection('items').insertOne({ sku: 'first', name: 'the first item', price: 5 });
    await emulator.functions.warm();
    const endpoint = `${emulator.url}/app/${emulator.appId}/endpoint`;
    console.log(`\nFunctions: endpoint calls per second, ${CONCURRENCY} in flight, ${MEASURE_MS / 1000} s each (emulator / hand-written express route)`);
    for (const [label, route] of [
      ['trivial function (GET /hello)', '/hello'],
      ['findOne function (GET /items/first)', '/items/first'],
    ] as const) {
      const emulated = await callsPerSecond(`${endpoint}${route}`);
      const direct = await callsPerSecond(`${baseline.url}${route}`);
      console.log(`  ${label.padEnd(38)} emulator ${emulated.toFixed(0).padStart(6)}/s   express ${direct.toFixed(0).padStart(6)}/s   ratio ${(emulated / direct).toFixed(2)}x`);
    }
    return true;
  } finally {
    await baseline.close();
    await emulator.mongo.client.db('shop').dropDatabase();
    await emulator.stop();
  }
}

if (require.main === module) {
  runFunctionsBenchmark().then(
    (ok) => process.exit(ok ? 0 : 1),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
