/**
 * `export` and `import` as a user runs them (the built CLI in a child process; npm run build):
 * a stopped server's data directory exported and imported into a new one, the export seeded by
 * `serve --seed`, a running server's directory refused with the way to reach it, users and API keys
 * carried over with --include-users, and bad input answered with a message and exit code 1.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Document, Double, EJSON, Int32, Long } from 'bson';
import { MongoClient } from 'mongodb';
import { EmbeddedMongoServer } from '../../emulator/mongo/embedded/server';

const BIN = path.resolve(__dirname, '../../bin/app-services-emulator.js');
const BLOG = path.resolve(__dirname, '../../fixtures/apps/data-api-blog');
const APP_ID = 'data-api-blog-rzuzf';
const JWT_SECRET = 'a-very-long-signing-secret-for-tests-0123456789';

jest.setTimeout(90_000);

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-export-import-'));
let next = 0;
const fresh = (name: string) => path.join(root, `${name}-${++next}`);
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  fs.rmSync(root, { recursive: true, force: true });
});

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<Finished> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** A long-running command (serve, mongod) until `ready` matches its stdout. */
function start(args: string[], ready: RegExp): { child: ChildProcess; output: Promise<string>; stop(): Promise<void> } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const output = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      if (ready.test(stdout)) resolve(stdout);
    });
    void exited.then(() => reject(new Error(`exited before it was ready:\n${stdout}\n${stderr}`)));
  });
  output.catch(() => undefined);
  return {
    child,
    output,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function serve(args: string[]) {
  return start(['serve', BLOG, '--port', '0', '--secret', `jwtSecret=${JWT_SECRET}`, '--log-level', 'warn', ...args], /Ready in \d+ ms/);
}

async function withDataDirectory<T>(dataDirectory: string, use: (client: MongoClient) => Promise<T>): Promise<T> {
  const server = new EmbeddedMongoServer({ dataDirectory });
  const client = await new MongoClient((await server.start()).uri).connect();
  try {
    return await use(client);
  } finally {
    await client.close();
    await server.stop();
  }
}

async function exact(client: MongoClient, database: string, collection: string): Promise<string[]> {
  const documents = await client.db(database).collection(collection).find({}, { promoteValues: false, sort: { _id: 1 } }).toArray();
  return documents.map((document) => EJSON.stringify(document, { relaxed: false }));
}

const ITEMS: Document[] = [1, 2, 3].map((i) => ({
  _id: i,
  sku: `sku-${i}`,
  quantity: new Int32(i),
  price: new Double(10),
  stock: Long.fromString('9007199254740993'),
  added: new Date(Date.UTC(2024, 0, i)),
}));

describe('export and import through the CLI', () => {
  const source = fresh('data');
  const exported = fresh('export');
  const target = fresh('data');
  let before: string[];

  beforeAll(async () => {
    before = await withDataDirectory(source, async (client) => {
      const items = client.db('shop').collection('items');
      await items.insertMany(ITEMS);
      await items.createIndex({ sku: 1 }, { unique: true });
      return exact(client, 'shop', 'items');
    });
  });

  it('exports a stopped server\'s data directory and imports it into a new one, types and indexes exact', async () => {
    const exporting = await cli(['export', exported, '--data-dir', source]);
    expect(exporting).toMatchObject({ code: 0, stderr: '' });
    expect(exporting.stdout).toBe(
      `exported shop.items: 3 documents, 1 index\nexported 3 documents in 1 collection of 1 database from ${source} to ${exported} (${/\(([\d.]+ s)\)\n$/.exec(exporting.stdout)?.[1]})\n`,
    );

    const importing = await cli(['import', exported, '--data-dir', target]);
    expect(importing).toMatchObject({ code: 0, stderr: '' });
    expect(importing.stdout).toMatch(/^imported shop\.items: 3 inserted, 1 index\nimported into 1 collection of .*: 3 inserted \([\d.]+ s\)\n$/);

    await withDataDirectory(target, async (client) => {
      expect(await exact(client, 'shop', 'items')).toEqual(before);
      const indexes = await client.db('shop').collection('items').listIndexes().toArray();
      expect(indexes.find((index) => index.name === 'sku_1')).toMatchObject({ key: { sku: 1 }, unique: true });
    });
  });

  it('refuses to import over documents with the same _id, on stderr with exit code 1; --drop replaces them', async () => {
    const again = await cli(['import', exported, '--data-dir', target]);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('imported shop.items: 0 inserted, 3 duplicates, 1 index\n');
    expect(again.stderr).toContain(
      'error: shop.items: 3 documents not imported: their _ids are already in the collection (first: {"$numberInt":"1"}); --drop replaces the collection, --mode upsert replaces those documents\n',
    );
    expect(again.stderr).toContain('error: 1 collection did not import completely: shop.items\n');

    const dropped = await cli(['import', exported, '--data-dir', target, '--drop']);
    expect(dropped).toMatchObject({ code: 0, stderr: '' });
    await withDataDirectory(target, async (client) => expect(await exact(client, 'shop', 'items')).toEqual(before));
  });

  it('writes what serve --seed loads', async () => {
    const server = serve(['--seed', exported]);
    const summary = await server.output;
    try {
      expect(summary).toMatch(/Seeded .*export-\d+: 3 documents in 1 collections/);
      const uri = /MongoDB: +(mongodb:\/\/\S+)/.exec(summary)?.[1] as string;
      const client = await new MongoClient(uri).connect();
      try {
        expect(await exact(client, 'shop', 'items')).toEqual(before);
      } finally {
        await client.close();
      }
    } finally {
      await server.stop();
    }
  });

  it('refuses the data directory of a running server and points at its URI, which works', async () => {
    const mongod = start(['mongod', '--port', '0', '--data-dir', source], /^mongodb:\/\/\S+\n/m);
    const uri = (await mongod.output).trim();
    try {
      const locked = await cli(['export', fresh('export'), '--data-dir', source]);
      expect(locked.code).toBe(1);
      expect(locked.stderr).toMatch(new RegExp(`is in use by process ${mongod.child.pid}\\b.*give --mongodb <the URI it printed> instead of --data-dir`));
      const live = await cli(['export', fresh('export'), '--mongodb', uri]);
      expect(live.code).toBe(0);
      expect(live.stdout).toContain('exported shop.items: 3 documents, 1 index\n');
    } finally {
      await mongod.stop();
    }
  });
});

describe('users and API keys with --include-users', () => {
  it('carries an API key made before the export over to a server on the imported data', async () => {
    const before = fresh('data');
    const first = serve(['--data-dir', before, '--seed', 'sample_training:small', '--admin-key', 'ops:ops-private-key']);
    const baseUrl = /Base URL: +(http:\/\/\S+)/.exec(await first.output)?.[1] as string;
    const login = await fetch(`${baseUrl}/api/admin/v3.0/auth/providers/mongodb-cloud/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'ops', apiKey: 'ops-private-key' }),
    });
    const { access_token: adminToken } = (await login.json()) as { access_token: string };
    const created = await fetch(`${baseUrl}/api/admin/v3.0/groups/local/apps/${APP_ID}/api_keys`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ name: 'carried-over' }),
    });
    const { key } = (await created.json()) as { key: string };
    await first.stop();

    const exported = fresh('export');
    const exporting = await cli(['export', exported, '--data-dir', before, '--include-users']);
    expect(exporting.code).toBe(0);
    expect(exporting.stdout).toMatch(/exported __app_services_data-api-blog-rzuzf\.api_keys: 1 document/);
    expect(exporting.stderr).toContain(`warning: ${exported}/__app_services_${APP_ID} holds password hashes, API key digests, sessions and the token signing key: keep this export secret`);

    const findRoute = async (dataDirectory: string): Promise<number> => {
      const server = serve(['--data-dir', dataDirectory]);
      const url = /Base URL: +(http:\/\/\S+)/.exec(await server.output)?.[1] as string;
      try {
        const response = await fetch(`${url}/app/${APP_ID}/endpoint/data/v1/action/findOne`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', apiKey: key },
          body: JSON.stringify({ dataSource: 'mongodb-atlas', database: 'sample_training', collection: 'routes', filter: {} }),
        });
        return response.status;
      } finally {
        await server.stop();
      }
    };

    const withUsers = fresh('data');
    expect((await cli(['import', exported, '--data-dir', withUsers, '--include-users'])).code).toBe(0);
    expect(await findRoute(withUsers)).toBe(200);

    const withoutUsers = fresh('data');
    const plain = await cli(['import', exported, '--data-dir', withoutUsers]);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain(`not imported: __app_services_${APP_ID}, the emulator's users, API keys and sessions (add --include-users to import them)`);
    expect(await findRoute(withoutUsers)).toBe(401);
  });
});

describe('bad input', () => {
  it('answers with a message on stderr and exit code 1, changing nothing', async () => {
    const untouched = fresh('data');
    const cases: [string[], string][] = [
      [['export', fresh('export')], 'which database? Give --mongodb <uri>'],
      [['export', fresh('export'), '--data-dir', fresh('nothing')], 'no such directory'],
      [['import', fresh('nothing'), '--data-dir', untouched], 'does not exist: give the directory export wrote'],
      [['import', BLOG, '--data-dir', untouched], `${BLOG} is an App Services app directory (it has root_config.json), not an export`],
      [['import', path.join(BLOG, 'auth'), '--data-dir', untouched], `malformed JSON on line 1 of ${path.join(BLOG, 'auth')}`],
      [['import', BLOG, '--data-dir', untouched, '--mode', 'merge'], "option '--mode <mode>' argument 'merge' is invalid. must be insert or upsert"],
    ];
    for (const [args, expected] of cases) {
      const result = await cli(args);
      expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code: 1, stdout: '' });
      expect(result.stderr).toContain(expected);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    }
    expect(fs.existsSync(untouched)).toBe(false);
  });
});
