/**
 * Export and import throughput against the seeder, in the same run on the same engine: MongoDB's
 * sample_training (296,502 documents; `--small` for a few hundred per collection) is generated into
 * the embedded engine, exported, then loaded into fresh engines by `serve --seed`'s seeder and by
 * import from the very same files. Each figure is the best of `--rounds` (default 2); the ratios
 * are what to compare across machines.
 *
 * `npx ts-node --transpile-only bench/transfer.ts [--small] [--rounds <n>]`
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MongoClient } from 'mongodb';
import { EmbeddedMongoServer } from '../emulator/mongo/embedded/server';
import { seed } from '../emulator/mongo/seed';
import { exportData, importData } from '../emulator/mongo/transfer';

const small = process.argv.includes('--small');
const roundsIndex = process.argv.indexOf('--rounds');
const rounds = roundsIndex === -1 ? 2 : Number(process.argv[roundsIndex + 1]);

async function withEngine<T>(run: (client: MongoClient) => Promise<T>): Promise<T> {
  const server = new EmbeddedMongoServer();
  const client = await new MongoClient((await server.start()).uri).connect();
  try {
    return await run(client);
  } finally {
    await client.close();
    await server.stop();
  }
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

async function main(): Promise<void> {
  const spec = small ? 'sample_training:small' : 'sample_training';
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-transfer-'));
  const best = { generate: Infinity, export: Infinity, seed: Infinity, import: Infinity };
  let documents = 0;
  try {
    for (let round = 0; round < rounds; round++) {
      const directory = path.join(scratch, `export-${round}`);
      await withEngine(async (client) => {
        best.generate = Math.min(best.generate, await timed(() => seed(client, spec)));
        best.export = Math.min(
          best.export,
          await timed(async () => {
            const result = await exportData(client, { directory });
            documents = result.collections.reduce((sum, entry) => sum + entry.documents, 0);
          }),
        );
      });
      best.seed = Math.min(best.seed, await withEngine((client) => timed(() => seed(client, directory))));
      best.import = Math.min(best.import, await withEngine((client) => timed(() => importData(client, { directory }))));
      fs.rmSync(directory, { recursive: true, force: true });
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const rate = (milliseconds: number) => Math.round(documents / (milliseconds / 1000));
  const line = (name: string, milliseconds: number) =>
    `  ${name.padEnd(34)} ${(milliseconds / 1000).toFixed(2).padStart(6)} s  ${rate(milliseconds).toLocaleString('en-US').padStart(9)} docs/s  ${(best.seed / milliseconds).toFixed(2)}x the seeder`;
  console.log(`transfer: ${spec}, ${documents.toLocaleString('en-US')} documents, best of ${rounds}, embedded engine in memory`);
  console.log(line('seed --seed <export dir> (baseline)', best.seed));
  console.log(line('import <export dir>', best.import));
  console.log(line('export', best.export));
  console.log(line('seed sample_training (generated)', best.generate));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
