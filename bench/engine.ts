/**
 * Engine benchmark: the embedded engine through the official driver (wire protocol, BSON, the
 * value layer, indexes) against the same work done by mingo directly on an in-memory array, in the
 * same run, at 10k and 100k documents. Figures are ratios (engine time / mingo time) because these
 * machines are noisy; absolute milliseconds are printed for context.
 *
 * The engine must scale for `_id` and indexed lookups: their per-lookup time may not grow by more
 * than 1.5x from 10k to 100k documents (mingo's scan grows ~10x).
 */
import { performance } from 'node:perf_hooks';
import { Aggregator } from 'mingo/aggregator';
import { Query } from 'mingo/query';
import { Context } from 'mingo/core';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as queryOperators from 'mingo/operators/query';
import * as projectionOperators from 'mingo/operators/projection';
import { MongoClient } from 'mongodb';
import { EmbeddedMongoServer } from '../emulator/mongo/embedded/server';

const SIZES = [10_000, 100_000];
const LOOKUPS = 2_000;
const BASELINE_LOOKUPS = 200;
const context = Context.init({
  pipeline: pipelineOperators,
  accumulator: accumulatorOperators,
  expression: expressionOperators,
  query: queryOperators,
  projection: projectionOperators,
});
const mingoOptions = { context };

interface Row {
  operation: string;
  size: number;
  engineMs: number;
  mingoMs: number;
  unit: string;
}

function makeDocument(i: number) {
  return {
    _id: i,
    email: `user${i}@example.org`,
    category: `c${i % 100}`,
    score: (i * 7919) % 1000,
    active: i % 3 === 0,
    tags: [`t${i % 7}`, `t${i % 11}`],
    profile: { city: `city${i % 250}`, visits: i % 50 },
  };
}

async function time(run: () => Promise<unknown> | unknown, repeat = 1): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < repeat; i++) await run();
  return (performance.now() - start) / repeat;
}

function pickIds(size: number, count: number): number[] {
  let seed = 12345;
  return Array.from({ length: count }, () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % size;
  });
}

async function benchSize(client: MongoClient, size: number): Promise<Row[]> {
  const rows: Row[] = [];
  const documents = Array.from({ length: size }, (_, i) => makeDocument(i));
  const collection = client.db('bench').collection<ReturnType<typeof makeDocument>>(`docs_${size}`);
  await collection.drop().catch(() => undefined);

  // insert: the engine through the driver, in batches of 1,000; the baseline copies into an array.
  const engineInsert = await time(async () => {
    for (let i = 0; i < size; i += 1000) await collection.insertMany(documents.slice(i, i + 1000).map((d) => ({ ...d })));
  });
  const array: ReturnType<typeof makeDocument>[] = [];
  const mingoInsert = await time(() => {
    for (const document of documents) array.push({ ...document });
  });
  rows.push({ operation: 'insert (all documents)', size, engineMs: engineInsert, mingoMs: mingoInsert, unit: 'total' });

  await collection.createIndex({ email: 1 }, { unique: true });

  const ids = pickIds(size, LOOKUPS);
  await collection.findOne({ _id: ids[0] });
  const engineById = await time(async () => {
    for (const id of ids) await collection.findOne({ _id: id });
  }) / LOOKUPS;
  const mingoById = await time(() => {
    for (const id of ids.slice(0, BASELINE_LOOKUPS)) new Query({ _id: id }, mingoOptions).find(array).next();
  }) / BASELINE_LOOKUPS;
  rows.push({ operation: 'find by _id', size, engineMs: engineById, mingoMs: mingoById, unit: 'per lookup' });

  const engineByIndex = await time(async () => {
    for (const id of ids) await collection.findOne({ email: `user${id}@example.org` });
  }) / LOOKUPS;
  const mingoByIndex = await time(() => {
    for (const id of ids.slice(0, BASELINE_LOOKUPS)) new Query({ email: `user${id}@example.org` }, mingoOptions).find(array).next();
  }) / BASELINE_LOOKUPS;
  rows.push({ operation: 'find by indexed field', size, engineMs: engineByIndex, mingoMs: mingoByIndex, unit: 'per lookup' });

  const scanFilter = { score: { $gte: 900 }, tags: 't3', 'profile.visits': { $lt: 25 } };
  const engineScan = await time(() => collection.find(scanFilter).toArray(), 5);
  const mingoScan = await time(() => new Query(scanFilter, mingoOptions).find(array).all(), 5);
  rows.push({ operation: 'full-scan filter', size, engineMs: engineScan, mingoMs: mingoScan, unit: 'per query' });

  const pipeline = [
    { $match: { active: true } },
    { $group: { _id: '$category', total: { $sum: '$score' }, count: { $sum: 1 } } },
    { $sort: { total: -1 } },
    { $limit: 10 },
  ];
  const enginePipeline = await time(() => collection.aggregate(pipeline).toArray(), 5);
  const mingoPipeline = await time(() => new Aggregator(pipeline, mingoOptions).run(array), 5);
  rows.push({ operation: '$match/$group/$sort/$limit', size, engineMs: enginePipeline, mingoMs: mingoPipeline, unit: 'per query' });
  await collection.drop();
  return rows;
}

function format(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : `${(ms * 1000).toFixed(1)}µs`;
}

/** `dataDirectory`: the same run with every write journaled there (`bench/engine.ts --data-dir <dir>`). */
export async function runEngineBenchmark(dataDirectory?: string): Promise<boolean> {
  const server = new EmbeddedMongoServer({ dataDirectory });
  const { uri } = await server.start();
  const client = await new MongoClient(uri).connect();
  const rows: Row[] = [];
  try {
    // A small run first, not reported: loads the query machinery and warms up the JIT, so the 10k
    // figures measure the engine and not its one-time start-up.
    await benchSize(client, 2_000);
    for (const size of SIZES) rows.push(...(await benchSize(client, size)));
  } finally {
    await client.close();
    await server.stop();
  }
  console.log(`\nEmbedded engine (through the driver${dataDirectory ? `, data directory ${dataDirectory}` : ''}) vs mingo on an in-memory array, same run`);
  console.log('operation                      docs     engine        mingo         engine/mingo  unit');
  for (const row of rows) {
    console.log(
      `${row.operation.padEnd(30)} ${String(row.size).padEnd(8)} ${format(row.engineMs).padEnd(13)} ${format(row.mingoMs).padEnd(13)} ${(row.engineMs / row.mingoMs).toFixed(2).padEnd(13)} ${row.unit}`,
    );
  }
  let ok = true;
  console.log('\nScaling from 10k to 100k documents (per-lookup time; limit 1.5x):');
  for (const operation of ['find by _id', 'find by indexed field']) {
    const [small, large] = SIZES.map((size) => rows.find((row) => row.operation === operation && row.size === size)!);
    const growth = large.engineMs / small.engineMs;
    const baselineGrowth = large.mingoMs / small.mingoMs;
    const pass = growth <= 1.5;
    ok &&= pass;
    console.log(`  ${operation.padEnd(24)} engine ${growth.toFixed(2)}x   mingo scan ${baselineGrowth.toFixed(2)}x   ${pass ? 'ok' : 'TOO SLOW'}`);
  }
  return ok;
}

if (require.main === module) {
  const flag = process.argv.indexOf('--data-dir');
  runEngineBenchmark(flag === -1 ? undefined : process.argv[flag + 1]).then(
    (ok) => process.exit(ok ? 0 : 1),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
