/**
 * Data API benchmark: requests per second of `findOne` by `_id` and of `find` with a filter through
 * the Data API — an API key, a rule whose filter is `{"owner_id": "%%user.id"}`, JSON bodies and
 * answers — against a hand-written express route making the same driver call with no
 * authentication and no rules, on the same embedded engine, in the same run. Figures are ratios
 * (Data API / express) because these machines are noisy; absolute requests per second are printed
 * for context. Target: at least 0.7.
 *
 * The emulator is loaded from dist/ (`npm run bench` builds it), as `serve` runs it.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { MongoClient, ObjectId } from 'mongodb';
import { completedWithin, serveBaseline } from './support';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startEmulator } = require('../dist/index') as typeof import('../emulator/index');

const APP_ID = 'data-api-bench-abcde';
const DOCUMENTS = 10_000;
const CATEGORIES = 500;
/** Requests in flight at once: enough to keep both sides busy on a 2-core machine. */
const CONCURRENCY = 8;
const WARM_UP_MS = 1_000;
const ROUNDS = 6;
const ROUND_MS = 750;
const TARGET = 0.7;

/** The app: API keys, and bench.orders readable by its owner only, through a %%user filter. */
function writeApp(): string {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'data-api-bench-'));
  const files: Record<string, object> = {
    'root_config.json': { app_id: APP_ID, config_version: 20210101, name: 'data-api-bench', location: 'US-VA', deployment_model: 'GLOBAL' },
    'auth/providers.json': { 'api-key': { name: 'api-key', type: 'api-key', disabled: false } },
    'data_sources/mongodb-atlas/config.json': { name: 'mongodb-atlas', type: 'mongodb-atlas', config: { clusterName: 'Cluster0' } },
    'data_sources/mongodb-atlas/bench/orders/rules.json': {
      database: 'bench',
      collection: 'orders',
      roles: [{ name: 'owner', apply_when: {}, read: true, write: true, insert: true, delete: true, search: true }],
      filters: [{ name: 'mine', apply_when: {}, query: { owner_id: '%%user.id' }, projection: {} }],
    },
    'http_endpoints/data_api_config.json': { disabled: false, versions: ['v1'], return_type: 'JSON', create_user_on_auth: true, validation_method: 'NO_VALIDATION' },
  };
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(directory, file)), { recursive: true });
    writeFileSync(path.join(directory, file), JSON.stringify(content));
  }
  return directory;
}

type Load = { url: string; headers: Record<string, string>; bodies: string[] };

/** POSTs completed in `milliseconds`, CONCURRENCY at a time, each with the next of the load's bodies. */
async function completed(load: Load, agent: http.Agent, milliseconds: number): Promise<number> {
  let next = 0;
  const post = () =>
    new Promise<void>((resolve, reject) => {
      const body = load.bodies[next++ % load.bodies.length];
      const headers = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...load.headers };
      const sent = http.request(load.url, { method: 'POST', agent, headers }, (response) => {
        if (response.statusCode !== 200) reject(new Error(`${load.url} answered ${response.statusCode}`));
        response.resume();
        response.on('end', resolve);
      });
      sent.on('error', reject);
      sent.end(body);
    });
  return completedWithin(milliseconds, CONCURRENCY, post);
}

/**
 * Requests per second of both loads, measured in alternating rounds (Data API, then express, ROUNDS
 * times) after a warm-up of each: whatever else the machine does slows both sides alike.
 */
async function compare(dataApi: Load, baseline: Load): Promise<{ dataApi: number; express: number }> {
  const agents = [dataApi, baseline].map(() => new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY }));
  await completed(dataApi, agents[0], WARM_UP_MS);
  await completed(baseline, agents[1], WARM_UP_MS);
  const totals = [0, 0];
  for (let round = 0; round < ROUNDS; round++) {
    totals[0] += await completed(dataApi, agents[0], ROUND_MS);
    totals[1] += await completed(baseline, agents[1], ROUND_MS);
  }
  agents.forEach((agent) => agent.destroy());
  const seconds = (ROUNDS * ROUND_MS) / 1000;
  return { dataApi: totals[0] / seconds, express: totals[1] / seconds };
}

/** The hand-written equivalent: the same driver calls, no authentication, no rules. */
async function expressBaseline(mongoUri: string): Promise<{ url: string; close(): Promise<void> }> {
  const client = await new MongoClient(mongoUri).connect();
  const orders = client.db('bench').collection('orders');
  const app = express();
  app.use(express.json());
  app.post('/findOne', async (request, response) => {
    response.json({ document: await orders.findOne({ _id: new ObjectId(request.body.id as string) }) });
  });
  app.post('/find', async (request, response) => {
    response.json({ documents: await orders.find({ category: request.body.category }).limit(1000).toArray() });
  });
  return serveBaseline(app, () => client.close());
}

export async function runDataApiBenchmark(): Promise<boolean> {
  const directory = writeApp();
  const emulator = await startEmulator({ app: directory });
  const baseline = await expressBaseline(emulator.mongoUri);
  try {
    const { key } = await emulator.auth.createServerApiKey('bench');
    const owner = (await emulator.auth.authenticateCredentials({ apiKey: key }, { createUserOnAuth: true })).id;
    const orders = emulator.mongo.client.db('bench').collection('orders');
    const documents = Array.from({ length: DOCUMENTS }, (_, i) => ({
      _id: new ObjectId(),
      owner_id: owner,
      category: `c${i % CATEGORIES}`,
      total: (i * 7919) % 1000,
      status: i % 3 === 0 ? 'shipped' : 'open',
      lines: [{ sku: `sku${i % 97}`, quantity: 1 + (i % 4) }],
    }));
    await orders.insertMany(documents);
    await orders.createIndex({ category: 1 });

    const ids = documents.filter((_, i) => i % 37 === 0).map((document) => document._id.toHexString());
    const categories = Array.from({ length: 50 }, (_, i) => `c${(i * 11) % CATEGORIES}`);
    const namespace = { dataSource: 'mongodb-atlas', database: 'bench', collection: 'orders' };
    const dataApi = `${emulator.dataApiUrl}/action`;
    const credentials = { apiKey: key, Accept: 'application/json' };

    console.log(
      `\nData API: requests per second, ${CONCURRENCY} in flight, ${ROUNDS} alternating rounds of ${ROUND_MS} ms ` +
        '(Data API with an API key and a %%user filter / hand-written express route, same driver call, no auth or rules)',
    );
    const cases: Array<[string, Load, Load]> = [
      [
        'findOne by _id',
        { url: `${dataApi}/findOne`, headers: credentials, bodies: ids.map((id) => JSON.stringify({ ...namespace, filter: { _id: { $oid: id } } })) },
        { url: `${baseline.url}/findOne`, headers: {}, bodies: ids.map((id) => JSON.stringify({ id })) },
      ],
      [
        `find with a filter (${DOCUMENTS / CATEGORIES} documents)`,
        { url: `${dataApi}/find`, headers: credentials, bodies: categories.map((category) => JSON.stringify({ ...namespace, filter: { category } })) },
        { url: `${baseline.url}/find`, headers: {}, bodies: categories.map((category) => JSON.stringify({ category })) },
      ],
    ];
    let met = true;
    for (const [label, viaDataApi, viaExpress] of cases) {
      const rates = await compare(viaDataApi, viaExpress);
      const ratio = rates.dataApi / rates.express;
      met &&= ratio >= TARGET;
      console.log(
        `  ${label.padEnd(38)} Data API ${rates.dataApi.toFixed(0).padStart(6)}/s   express ${rates.express.toFixed(0).padStart(6)}/s   ratio ${ratio.toFixed(2)}x` +
          (ratio >= TARGET ? '' : `  (below the ${TARGET} target)`),
      );
    }
    return met;
  } finally {
    await baseline.close();
    await emulator.mongo.client.db('bench').dropDatabase();
    await emulator.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runDataApiBenchmark().then(
    (ok) => process.exit(ok ? 0 : 1),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
