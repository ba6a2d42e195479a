/**
 * Durability benchmark: what a data directory costs. In the same run, on the same disk:
 *  - the disk itself: a small append with and without fdatasync (the floor of a durable write);
 *  - acknowledged single-document writes, one writer and 16 concurrent writers (group commit shares
 *    each fsync), and 1,000-document insertMany batches, in memory and with a data directory;
 *  - for sample_training (~300k documents): seeding with a data directory, the snapshot, and the
 *    restart from the snapshot and from the journal alone.
 *
 * `npx ts-node --transpile-only bench/durability.ts [--small] [--dir <parent>]`; the data
 * directories go under the system's temporary directory unless --dir says where.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MongoClient } from 'mongodb';
import { EmbeddedMongoServer } from '../emulator/mongo/embedded/server';
import { seed } from '../emulator/mongo/seed';

const argument = (name: string) => process.argv[process.argv.indexOf(name) + 1];
const parent = process.argv.includes('--dir') ? argument('--dir') : os.tmpdir();
const small = process.argv.includes('--small');

function temporary(): string {
  return fs.mkdtempSync(path.join(parent, 'bench-durability-'));
}

function diskLatency(directory: string): { appendUs: number; appendFsyncUs: number } {
  const file = path.join(directory, 'latency.dat');
  const fd = fs.openSync(file, 'w');
  const record = Buffer.alloc(300, 1);
  const runs = 500;
  let start = performance.now();
  for (let i = 0; i < runs; i++) fs.writeSync(fd, record);
  const appendUs = ((performance.now() - start) / runs) * 1000;
  start = performance.now();
  for (let i = 0; i < runs; i++) {
    fs.writeSync(fd, record);
    fs.fdatasyncSync(fd);
  }
  const appendFsyncUs = ((performance.now() - start) / runs) * 1000;
  fs.closeSync(fd);
  fs.rmSync(file);
  return { appendUs, appendFsyncUs };
}

async function withServer<T>(
  dataDirectory: string | undefined,
  run: (client: MongoClient, server: EmbeddedMongoServer) => Promise<T>,
  snapshotThresholdBytes?: number,
): Promise<T> {
  const server = new EmbeddedMongoServer({ dataDirectory, snapshotThresholdBytes });
  const { uri } = await server.start();
  const client = await new MongoClient(uri, { maxPoolSize: 32 }).connect();
  try {
    return await run(client, server);
  } finally {
    await client.close();
    await server.stop();
  }
}

interface WriteFigures {
  sequentialUs: number;
  concurrentPerSecond: number;
  batchDocsPerSecond: number;
}

async function writes(client: MongoClient): Promise<WriteFigures> {
  const collection = client.db('bench').collection<{ _id: number; [field: string]: unknown }>('writes');
  const document = (i: number) => ({ _id: i, name: `user ${i}`, score: i % 1000, tags: ['a', 'b'], profile: { city: `city${i % 50}` } });
  for (let i = 0; i < 200; i++) await collection.insertOne(document(-1 - i)); // warm-up
  const sequential = 2000;
  let start = performance.now();
  for (let i = 0; i < sequential; i++) await collection.insertOne(document(i));
  const sequentialUs = ((performance.now() - start) / sequential) * 1000;

  const writers = 16;
  const perWriter = 250;
  start = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < perWriter; i++) await collection.insertOne(document(100_000 + w * perWriter + i));
    }),
  );
  const concurrentPerSecond = (writers * perWriter) / ((performance.now() - start) / 1000);

  const batches = 20;
  start = performance.now();
  for (let b = 0; b < batches; b++) {
    await collection.insertMany(Array.from({ length: 1000 }, (_, i) => document(1_000_000 + b * 1000 + i)));
  }
  const batchDocsPerSecond = (batches * 1000) / ((performance.now() - start) / 1000);
  return { sequentialUs, concurrentPerSecond, batchDocsPerSecond };
}

async function sampleTraining(): Promise<Record<string, number>> {
  const directory = temporary();
  const killed = temporary();
  const spec = small ? 'sample_training:small' : 'sample_training';
  const figures: Record<string, number> = {};
  // No background snapshot while seeding: the journal alone is measured, then one snapshot.
  await withServer(
    directory,
    async (client, server) => {
      const seeded = await seed(client, spec);
      figures.documents = seeded.collections.reduce((sum, collection) => sum + collection.documents, 0);
      figures.seedWithDataDirMs = seeded.milliseconds;
      figures.journalMB = fs.statSync(path.join(directory, 'journal-1.log')).size / 1e6;
      // The directory as a kill would leave it: the journal alone.
      for (const name of fs.readdirSync(directory)) fs.copyFileSync(path.join(directory, name), path.join(killed, name));
      const snapshot = await server.dataDirectory!.snapshot();
      figures.snapshotMs = snapshot.milliseconds;
      figures.snapshotMB = snapshot.bytes / 1e6;
    },
    Number.POSITIVE_INFINITY,
  );
  let started = performance.now();
  await withServer(directory, async () => {
    figures.restartFromSnapshotMs = performance.now() - started;
  });
  started = performance.now();
  await withServer(killed, async () => {
    figures.restartFromJournalMs = performance.now() - started;
  }, Number.POSITIVE_INFINITY);
  await withServer(undefined, async (client) => {
    figures.seedInMemoryMs = (await seed(client, spec)).milliseconds;
  });
  fs.rmSync(directory, { recursive: true, force: true });
  fs.rmSync(killed, { recursive: true, force: true });
  return figures;
}

async function main(): Promise<void> {
  const probe = temporary();
  const disk = diskLatency(probe);
  fs.rmSync(probe, { recursive: true, force: true });
  console.log(`\nDisk under ${parent}: 300-byte append ${disk.appendUs.toFixed(1)} µs, append + fdatasync ${disk.appendFsyncUs.toFixed(1)} µs`);

  const memory = await withServer(undefined, writes);
  const directory = temporary();
  const durable = await withServer(directory, writes);
  fs.rmSync(directory, { recursive: true, force: true });
  console.log('\nAcknowledged writes through the driver     in memory      data directory   ratio');
  const row = (label: string, a: number, b: number, unit: string) =>
    console.log(`${label.padEnd(42)} ${`${a.toFixed(0)} ${unit}`.padEnd(14)} ${`${b.toFixed(0)} ${unit}`.padEnd(16)} ${(b / a).toFixed(2)}`);
  row('insertOne, one writer (latency)', memory.sequentialUs, durable.sequentialUs, 'µs');
  row('insertOne, 16 writers (throughput)', memory.concurrentPerSecond, durable.concurrentPerSecond, '/s');
  row('insertMany of 1,000 (documents/s)', memory.batchDocsPerSecond, durable.batchDocsPerSecond, '/s');

  const figures = await sampleTraining();
  console.log(`\n${small ? 'sample_training:small' : 'sample_training'}: ${figures.documents} documents`);
  console.log(`  seed in memory                 ${(figures.seedInMemoryMs / 1000).toFixed(1)} s`);
  console.log(`  seed with a data directory     ${(figures.seedWithDataDirMs / 1000).toFixed(1)} s (journal ${figures.journalMB.toFixed(0)} MB)`);
  console.log(`  snapshot                       ${(figures.snapshotMs / 1000).toFixed(2)} s (${figures.snapshotMB.toFixed(0)} MB)`);
  console.log(`  restart from the snapshot      ${(figures.restartFromSnapshotMs / 1000).toFixed(2)} s`);
  console.log(`  restart from the journal alone ${(figures.restartFromJournalMs / 1000).toFixed(2)} s`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
