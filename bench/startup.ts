/**
 * Start-up benchmark: from spawning `app-services-emulator mongod --port 0` to the driver's first
 * successful ping, against the same measurement for a bare Node.js TCP server (the floor: process
 * start plus listen) in the same run. The acceptance bound is 300 ms.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MongoClient } from 'mongodb';
import { median } from './support';

const RUNS = 10;
const BIN = path.resolve(__dirname, '../bin/app-services-emulator.js');
const BARE_SERVER = `require('net').createServer(s => s.end()).listen(0, '127.0.0.1', function () { console.log('mongodb://127.0.0.1:' + this.address().port + '/'); });`;

async function timeToReady(args: string[], ping: boolean): Promise<number> {
  const start = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const uri = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout!.on('data', (chunk) => {
        output += chunk;
        const line = output.split('\n').find((l) => l.startsWith('mongodb://'));
        if (line) resolve(line.trim());
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
    });
    if (ping) {
      const client = await new MongoClient(uri, { serverSelectionTimeoutMS: 2000 }).connect();
      await client.db('admin').command({ ping: 1 });
      const elapsed = performance.now() - start;
      await client.close();
      return elapsed;
    }
    return performance.now() - start;
  } finally {
    child.kill('SIGTERM');
  }
}

export async function runStartupBenchmark(): Promise<boolean> {
  const engine: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    bare.push(await timeToReady(['-e', BARE_SERVER], false));
    engine.push(await timeToReady([BIN, 'mongod', '--port', '0'], true));
  }
  const engineMedian = median(engine);
  const bareMedian = median(bare);
  console.log('\nStart-up: spawn to first driver ping (median of', RUNS, 'runs)');
  console.log(`  app-services-emulator mongod  ${engineMedian.toFixed(0)} ms (max ${Math.max(...engine).toFixed(0)} ms)`);
  console.log(`  bare node TCP server          ${bareMedian.toFixed(0)} ms   ratio ${(engineMedian / bareMedian).toFixed(2)}x`);
  const ok = engineMedian <= 300;
  console.log(`  bound 300 ms: ${ok ? 'ok' : 'TOO SLOW'}`);
  return ok;
}

if (require.main === module) {
  runStartupBenchmark().then(
    (ok) => process.exit(ok ? 0 : 1),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
