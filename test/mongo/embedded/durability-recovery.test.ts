/**
 * Start-up from damaged or contended data directories: a torn last record is discarded (it was
 * never acknowledged), damage anywhere else is an error naming the file and offset, and one process
 * at a time holds a directory.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { EmbeddedMongoServer } from '../../../emulator/mongo/embedded/server';
import { copyAsIfKilled, startOn, temporaryDirectory } from './durability-helpers';

type Loose = { _id?: number | string; [field: string]: unknown };

/** A directory as a kill leaves it after two acknowledged inserts, and the size of its journal before the second. */
async function killedAfterTwoInserts(): Promise<{ directory: string; journal: string; sizeAfterFirst: number }> {
  const running = await startOn(temporaryDirectory());
  const collection = running.client.db('d').collection<Loose>('c');
  await collection.insertOne({ _id: 1 });
  const sizeAfterFirst = fs.statSync(path.join(running.server.dataDirectory!.path, 'journal-1.log')).size;
  await collection.insertOne({ _id: 2 });
  const directory = copyAsIfKilled(running.server.dataDirectory!.path);
  await running.stop();
  return { directory, journal: path.join(directory, 'journal-1.log'), sizeAfterFirst };
}

async function idsAfterRestart(directory: string): Promise<unknown[]> {
  const restarted = await startOn(directory);
  const ids = (await restarted.client.db('d').collection<Loose>('c').find().toArray()).map((document) => document._id);
  await restarted.stop();
  return ids;
}

function flipByte(file: string, offset: number): void {
  const bytes = fs.readFileSync(file);
  bytes[offset] ^= 0xff;
  fs.writeFileSync(file, bytes);
}

describe('recovery', () => {
  it('discards a last record cut short by a kill, and appends cleanly after it', async () => {
    const { directory, journal, sizeAfterFirst } = await killedAfterTwoInserts();
    fs.truncateSync(journal, fs.statSync(journal).size - 5);

    const restarted = await startOn(directory);
    expect(fs.statSync(journal).size).toBe(sizeAfterFirst);
    await restarted.client.db('d').collection<Loose>('c').insertOne({ _id: 3 });
    const killedAgain = copyAsIfKilled(directory);
    await restarted.stop();
    expect(await idsAfterRestart(killedAgain)).toEqual([1, 3]);
  });

  it('discards a last record that fails its checksum, and zeros where a record was being written', async () => {
    const { directory, journal } = await killedAfterTwoInserts();
    flipByte(journal, fs.statSync(journal).size - 1);
    fs.appendFileSync(journal, Buffer.alloc(4096));
    expect(await idsAfterRestart(directory)).toEqual([1]);
  });

  it('refuses to start when a record in the middle of the journal is corrupt, naming the file and offset', async () => {
    const { directory, journal } = await killedAfterTwoInserts();
    const before = fs.readFileSync(journal);
    flipByte(journal, 8 + 12 + 20);
    const server = new EmbeddedMongoServer({ dataDirectory: directory });
    await expect(server.start()).rejects.toThrow(`${journal} is corrupt at offset 8: the record fails its checksum`);
    // Nothing was changed or lost: repairing the byte makes the directory load again.
    fs.writeFileSync(journal, before);
    expect(await idsAfterRestart(directory)).toEqual([1, 2]);
  });

  it('refuses to start from a corrupt or truncated snapshot', async () => {
    const running = await startOn(temporaryDirectory());
    await running.client.db('d').collection<Loose>('c').insertMany([{ _id: 1 }, { _id: 2 }]);
    const directory = running.server.dataDirectory!.path;
    await running.stop();
    const snapshot = path.join(directory, 'snapshot-2.bson');
    const original = fs.readFileSync(snapshot);

    flipByte(snapshot, 8 + 12 + 3);
    await expect(new EmbeddedMongoServer({ dataDirectory: directory }).start()).rejects.toThrow(
      `${snapshot} is corrupt at offset 8: the record fails its checksum`,
    );
    fs.writeFileSync(snapshot, original.subarray(0, original.length - 10));
    await expect(new EmbeddedMongoServer({ dataDirectory: directory }).start()).rejects.toThrow(`${snapshot} is corrupt at offset 8`);
    fs.writeFileSync(snapshot, original);
    expect(await idsAfterRestart(directory)).toEqual([1, 2]);
  });

  it('keeps TTL indexes working after a restart, and journals what they delete', async () => {
    const first = await startOn(temporaryDirectory());
    const collection = first.client.db('d').collection<Loose>('sessions');
    await collection.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    await collection.insertMany([{ _id: 'old', expiresAt: new Date(0) }, { _id: 'new', expiresAt: new Date(Date.now() + 3_600_000) }]);
    const directory = first.server.dataDirectory!.path;
    await first.stop();

    const second = await startOn(directory, { ttlMonitorIntervalMs: 20 });
    const sessions = second.client.db('d').collection<Loose>('sessions');
    for (let i = 0; i < 100 && (await sessions.countDocuments()) > 1; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    const killed = copyAsIfKilled(directory);
    await second.stop();
    const third = await startOn(killed);
    expect(await third.client.db('d').collection<Loose>('sessions').find().toArray()).toEqual([{ _id: 'new', expiresAt: expect.any(Date) }]);
    await third.stop();
  });
});

describe('the lock', () => {
  it('refuses a second server on a directory in use, and is released on stop', async () => {
    const directory = temporaryDirectory();
    const first = await startOn(directory);
    expect(fs.readFileSync(path.join(directory, 'mongod.lock'), 'utf8').trim()).toBe(String(process.pid));
    await expect(new EmbeddedMongoServer({ dataDirectory: directory }).start()).rejects.toThrow(
      `the data directory ${directory} is already in use by another server in this process`,
    );
    await first.stop();
    expect(fs.existsSync(path.join(directory, 'mongod.lock'))).toBe(false);
  });

  it('refuses a directory locked by another running process, naming it', async () => {
    const directory = temporaryDirectory();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(path.join(directory, 'mongod.lock'), `${other.pid}\n`);
      await expect(new EmbeddedMongoServer({ dataDirectory: directory }).start()).rejects.toThrow(
        `the data directory ${directory} is in use by process ${other.pid}`,
      );
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('takes over a lock left by a process that is gone', async () => {
    const directory = temporaryDirectory();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    fs.writeFileSync(path.join(directory, 'mongod.lock'), `${gone.stdout}\n`);
    const running = await startOn(directory);
    expect(fs.readFileSync(path.join(directory, 'mongod.lock'), 'utf8').trim()).toBe(String(process.pid));
    await running.stop();
  });

  it('refuses to load a directory into an engine that already holds data', async () => {
    const server = new EmbeddedMongoServer({ dataDirectory: temporaryDirectory() });
    server.engine.createCollection('d', 'c');
    await expect(server.start()).rejects.toThrow('a data directory can only be loaded into an empty engine');
  });
});
