/**
 * `app-services-emulator mongod --data-dir` as a user runs it, killed with SIGKILL: every write the
 * driver saw acknowledged is there after a restart, with one writer or many writing at the moment
 * of the kill. Needs the built CLI (npm run build).
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { writeApp } from '../app/helpers/temp-app';

const BIN = path.resolve(__dirname, '../../bin/app-services-emulator.js');
const APP = path.resolve(__dirname, '../../fixtures/apps/data-api-blog');

interface Started {
  child: ChildProcess;
  uri: Promise<string>;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Runs the CLI; `shell` wraps it in bash (for a ulimit). */
function start(args: string[], shell?: string): Started {
  const child = shell
    ? spawn('bash', ['-c', `${shell}; exec "$0" "$@"`, process.execPath, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const uri = new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const line = stdout.split('\n').find((l) => l.startsWith('mongodb://'));
      if (line) resolve(line.trim());
    });
    void exited.then((code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  uri.catch(() => undefined);
  return { child, uri, stderr: () => stderr, exited };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = { _id?: number | string; [field: string]: any };

const directories: string[] = [];
const children: ChildProcess[] = [];
function dataDirectory(): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-data-dir-'));
  directories.push(directory);
  return directory;
}
function mongod(directory: string, shell?: string): Started {
  const started = start(['mongod', '--port', '0', '--data-dir', directory], shell);
  children.push(started.child);
  return started;
}
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const directory of directories) fs.rmSync(directory, { recursive: true, force: true });
});

async function kill(started: Started): Promise<void> {
  started.child.kill('SIGKILL');
  await started.exited;
}

jest.setTimeout(60_000);

describe('mongod --data-dir', () => {
  it('finds every acknowledged write after a SIGKILL', async () => {
    const directory = dataDirectory();
    const first = mongod(directory);
    const client = await new MongoClient(await first.uri).connect();
    const collection = client.db('app').collection<Loose>('notes');
    const N = 300;
    for (let i = 0; i < N; i++) await collection.insertOne({ _id: i, text: `note ${i}`, edits: 0 });
    await collection.updateMany({ _id: { $lt: 100 } }, { $inc: { edits: 1 } });
    await collection.deleteMany({ _id: { $gte: 250 } });
    await collection.createIndex({ text: 1 }, { unique: true });
    await kill(first);
    await client.close(true);

    const second = mongod(directory);
    const reader = await new MongoClient(await second.uri).connect();
    const notes = reader.db('app').collection<Loose>('notes');
    expect(await notes.countDocuments()).toBe(250);
    expect(await notes.countDocuments({ edits: 1 })).toBe(100);
    expect((await notes.indexes()).map((index) => index.name)).toEqual(['_id_', 'text_1']);
    expect(second.stderr()).toContain('data directory');
    await reader.close();
    await kill(second);
  });

  it('finds every acknowledged write of concurrent writers killed mid-stream', async () => {
    const directory = dataDirectory();
    const first = mongod(directory);
    const uri = await first.uri;
    const acknowledged: string[] = [];
    // No retries: a write in flight at the kill fails at once instead of waiting for a server.
    const options = { maxPoolSize: 4, retryWrites: false, serverSelectionTimeoutMS: 1000 };
    const clients = await Promise.all(Array.from({ length: 4 }, () => new MongoClient(uri, options).connect()));
    let stop = false;
    const writers = clients.flatMap((client, c) =>
      Array.from({ length: 4 }, (_, w) =>
        (async () => {
          const collection = client.db('app').collection<Loose>('events');
          for (let i = 0; !stop; i++) {
            const id = `${c}-${w}-${i}`;
            try {
              await collection.insertOne({ _id: id, at: new Date() });
              acknowledged.push(id);
            } catch {
              return; // the kill: this write was not acknowledged
            }
          }
        })(),
      ),
    );
    while (acknowledged.length < 1500) await new Promise((resolve) => setTimeout(resolve, 10));
    await kill(first);
    stop = true;
    await Promise.all(writers);
    await Promise.all(clients.map((client) => client.close(true)));

    const second = mongod(directory);
    const reader = await new MongoClient(await second.uri).connect();
    const stored = new Set((await reader.db('app').collection<Loose>('events').find({}, { projection: { _id: 1 } }).toArray()).map((d) => String(d._id)));
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    await reader.close();
    await kill(second);
  });

  it('fails a write the disk refuses, rolls it back, and goes on', async () => {
    const directory = dataDirectory();
    // A 256 KiB file size limit stands in for a full disk: appends past it fail with EFBIG.
    const limited = mongod(directory, 'ulimit -f 256');
    const client = await new MongoClient(await limited.uri).connect();
    const collection = client.db('app').collection<Loose>('files');
    await collection.insertOne({ _id: 'small' });
    const error = await collection.insertOne({ _id: 'large', data: 'x'.repeat(400 * 1024) }).catch((e: Error) => e);
    expect(String(error)).toMatch(/could not write the journal .*journal-1\.log: .*The write was not acknowledged and has been rolled back/);
    expect(await collection.findOne({ _id: 'large' })).toBeNull();
    await collection.insertOne({ _id: 'after' });
    await kill(limited);
    await client.close(true);

    const second = mongod(directory);
    const reader = await new MongoClient(await second.uri).connect();
    expect((await reader.db('app').collection<Loose>('files').find().toArray()).map((d) => d._id)).toEqual(['small', 'after']);
    await reader.close();
    await kill(second);
  });

  it('refuses a directory another mongod is serving, naming its pid', async () => {
    const directory = dataDirectory();
    const first = mongod(directory);
    await first.uri;
    const second = mongod(directory);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toContain(`the data directory ${directory} is in use by process ${first.child.pid}`);
    await kill(first);
  });

  it('is a usage error with a backend other than the embedded engine', async () => {
    const run = start(['serve', APP, '--mongodb', 'mongodb://127.0.0.1:9/', '--data-dir', dataDirectory()]);
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toContain("--data-dir keeps the embedded engine's data and cannot be used with --mongodb mongodb://127.0.0.1:9/");
  });
});

describe('serve --data-dir', () => {
  const appId = 'data-dir-e2e-abcde';
  const adminKey = 'e2e:0f6b1f0e-3c1d-4a8e-9c61-5d2a7e4b9f10';
  const files = {
    'root_config.json': { app_id: appId, config_version: 20210101, name: 'data-dir-e2e', location: 'US-VA', deployment_model: 'GLOBAL', environment: '' },
    'auth/providers.json': { 'api-key': { name: 'api-key', type: 'api-key', disabled: false } },
    'data_sources/mongodb-atlas/config.json': { name: 'mongodb-atlas', type: 'mongodb-atlas', config: { clusterName: 'Cluster0' } },
    'data_sources/mongodb-atlas/blog/posts/rules.json': {
      database: 'blog',
      collection: 'posts',
      roles: [{ name: 'readWrite', apply_when: {}, read: true, write: true, insert: true, delete: true, search: true }],
    },
    'http_endpoints/data_api_config.json': {
      disabled: false,
      versions: ['v1'],
      return_type: 'EJSON',
      create_user_on_auth: true,
      run_as_system: false,
      run_as_user_id: '',
      run_as_user_id_script_source: '',
      validation_method: 'NO_VALIDATION',
      secret_name: '',
      can_evaluate: {},
      fetch_custom_user_data: false,
    },
  };

  function serve(app: string, directory: string): Started & { url: Promise<string> } {
    const started = start(['serve', app, '--port', '0', '--data-dir', directory, '--admin-key', adminKey, '--log-level', 'warn']);
    children.push(started.child);
    const url = new Promise<string>((resolve, reject) => {
      let stdout = '';
      started.child.stdout!.on('data', (chunk) => {
        stdout += chunk;
        const match = /Base URL:\s+(\S+)/.exec(stdout);
        if (match) resolve(match[1]);
      });
      void started.exited.then((code) => reject(new Error(`exited with ${code}: ${started.stderr()}`)));
    });
    url.catch(() => undefined);
    return { ...started, url };
  }

  async function call(url: string, action: string, apiKey: string, body: object): Promise<Record<string, unknown>> {
    const response = await fetch(`${url}/app/${appId}/endpoint/data/v1/action/${action}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', apiKey },
      body: JSON.stringify({ dataSource: 'mongodb-atlas', database: 'blog', collection: 'posts', ...body }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${action}: ${response.status} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  }

  it('keeps Data API writes and the internal database (API keys, users) through a SIGKILL', async () => {
    const app = await writeApp(files);
    const directory = dataDirectory();
    const first = serve(app, directory);
    const url = await first.url;
    const [publicKey, privateKey] = adminKey.split(':');
    const login = (await (
      await fetch(`${url}/api/admin/v3.0/auth/providers/mongodb-cloud/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: publicKey, apiKey: privateKey }),
      })
    ).json()) as { access_token: string };
    const created = (await (
      await fetch(`${url}/api/admin/v3.0/groups/g/apps/${appId}/api_keys`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${login.access_token}` },
        body: JSON.stringify({ name: 'e2e' }),
      })
    ).json()) as { key: string };
    expect(created.key).toEqual(expect.any(String));

    const N = 50;
    for (let i = 0; i < N; i++) await call(url, 'insertOne', created.key, { document: { _id: i, title: `post ${i}` } });
    await call(url, 'updateMany', created.key, { filter: { _id: { $lt: 10 } }, update: { $set: { pinned: true } } });
    await kill(first);

    const second = serve(app, directory);
    const again = await second.url;
    // The same API key: it lives in the internal database, which the data directory kept.
    const found = await call(again, 'find', created.key, { filter: {}, sort: { _id: 1 }, limit: 1000 });
    const documents = found.documents as { _id: number; pinned?: boolean }[];
    expect(documents.map((document) => document._id)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(documents.filter((document) => document.pinned).length).toBe(10);
    await kill(second);
  });
});
