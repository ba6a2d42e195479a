/** `app-services-emulator mongod` as a user runs it: the built CLI in a child process. */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { MongoClient } from 'mongodb';

const BIN = path.resolve(__dirname, '../../bin/app-services-emulator.js');

function start(args: string[]): { child: ChildProcess; uri: Promise<string>; stderr: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const uri = new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const line = stdout.split('\n').find((l) => l.startsWith('mongodb://'));
      if (line) resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  return { child, uri, stderr: () => stderr };
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('app-services-emulator mongod', () => {
  it('prints its URI when ready, serves the driver, and stops cleanly on SIGINT', async () => {
    const { child, uri } = await start(['mongod', '--port', '0']);
    const address = await uri;
    expect(address).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
    const client = await new MongoClient(address).connect();
    await client.db('cli').collection('c').insertOne({ ok: true });
    expect(await client.db('cli').collection('c').findOne({}, { projection: { _id: 0 } })).toEqual({ ok: true });
    await client.close();
    const exited = exitCode(child);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('fails with a clear message when the port is taken', async () => {
    const first = start(['mongod', '--port', '0']);
    const port = new URL(await first.uri).port;
    const second = start(['mongod', '--port', port]);
    second.uri.catch(() => undefined);
    expect(await exitCode(second.child)).toBe(1);
    expect(second.stderr()).toContain(`port ${port} is already in use`);
    first.child.kill('SIGTERM');
    await exitCode(first.child);
  });

  it('rejects a port that is not a number', async () => {
    const run = start(['mongod', '--port', 'abc']);
    run.uri.catch(() => undefined);
    expect(await exitCode(run.child)).not.toBe(0);
    expect(run.stderr()).toMatch(/must be a port number/);
  });
});
