/**
 * `serve --watch` as a user runs it: editing a rule file reloads the app, the next request obeys
 * the new rule, and the data and the logged-in user's access token are still there; a broken
 * edit keeps the last good version serving and says what is wrong.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { MongoClient } from 'mongodb';

const BIN = path.resolve(__dirname, '../../bin/app-services-emulator.js');
const BLOG = path.resolve(__dirname, '../../fixtures/apps/data-api-blog');
const APP_ID = 'data-api-blog-rzuzf';
const JWT_SECRET = 'change-me-to-a-secret-of-32-chars';
const RULES = 'data_sources/mongodb-atlas/sample_training/routes/rules.json';

interface Served {
  child: ChildProcess;
  stdout(): string;
  /** Resolves once stdout has `count` matches of `pattern`. */
  printed(pattern: RegExp, count?: number): Promise<void>;
}

function serve(args: string[]): Served {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  child.stdout!.on('data', (chunk) => {
    stdout += chunk;
    for (const waiter of waiters.splice(0)) waiter();
  });
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const printed = (pattern: RegExp, count = 1) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if ((stdout.match(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`)) ?? []).length >= count) resolve();
        else if (child.exitCode !== null) reject(new Error(`serve exited with ${child.exitCode}\n${stdout}\n${stderr}`));
        else waiters.push(check);
      };
      check();
    });
  child.once('exit', () => {
    for (const waiter of waiters.splice(0)) waiter();
  });
  return { child, stdout: () => stdout, printed };
}

let directory: string;
let served: Served | undefined;
let client: MongoClient | undefined;

beforeEach(async () => {
  directory = await fs.mkdtemp(path.join(os.tmpdir(), 'watch-app-'));
  await fs.cp(BLOG, directory, { recursive: true });
});

afterEach(async () => {
  await client?.close();
  if (served && served.child.exitCode === null) {
    const exited = new Promise((resolve) => served!.child.once('exit', resolve));
    served.child.kill('SIGKILL');
    await exited;
  }
  await fs.rm(directory, { recursive: true, force: true });
});

async function setRoutesReadable(readable: boolean): Promise<void> {
  const file = path.join(directory, RULES);
  const rules = JSON.parse(await fs.readFile(file, 'utf8'));
  rules.roles[0].read = readable;
  rules.roles[0].document_filters.read = readable;
  await fs.writeFile(file, JSON.stringify(rules, null, 4));
}

it('reloads an edited rule, keeping data and sessions, and keeps the last good version through a broken edit', async () => {
  served = serve([directory, '--watch', '--port', '0', '--seed', 'sample_training:small', '--secret', `jwtSecret=${JWT_SECRET}`]);
  await served.printed(/Ready in \d+ ms/);
  expect(served.stdout()).toContain(`Watching ${directory}`);
  const baseUrl = /Base URL: +(\S+)/.exec(served.stdout())![1];
  const mongoUri = /MongoDB: +(\S+)/.exec(served.stdout())![1];

  // A document inserted as system, through the driver.
  client = new MongoClient(mongoUri);
  const routes = client.db('sample_training').collection<{ _id: string; airline: { name: string } }>('routes');
  await routes.insertOne({ _id: 'watch-marker', airline: { name: 'Watched Air' } });

  // A user logs in with a custom JWT and reads through the Data API with the access token.
  const token = jwt.sign({ sub: 'watcher-1', aud: APP_ID, name: 'Watcher' }, JWT_SECRET, { algorithm: 'HS256', expiresIn: 600 });
  const login = await fetch(`${baseUrl}/api/client/v2.0/app/${APP_ID}/auth/providers/custom-token/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  expect(login.status).toBe(200);
  const { access_token: accessToken } = (await login.json()) as { access_token: string };
  const findMarker = async () => {
    const response = await fetch(`${baseUrl}/app/${APP_ID}/endpoint/data/v1/action/findOne`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ dataSource: 'mongodb-atlas', database: 'sample_training', collection: 'routes', filter: { _id: 'watch-marker' } }),
    });
    return { status: response.status, body: (await response.json()) as { document?: unknown } };
  };
  expect(await findMarker()).toEqual({ status: 200, body: { document: { _id: 'watch-marker', airline: { name: 'Watched Air' } } } });

  // The rule is edited to deny reading: once reloaded, the same token reads nothing.
  await setRoutesReadable(false);
  await served.printed(/^Reloaded in \d+ ms: .*rules\.json/m);
  expect(await findMarker()).toEqual({ status: 200, body: { document: null } });
  expect(await routes.countDocuments({ _id: 'watch-marker' })).toBe(1);

  // A broken edit: the error is printed and the last good version (reading denied) keeps serving.
  await fs.writeFile(path.join(directory, RULES), '{ "collection": "routes", "roles": [');
  await served.printed(/Not reloaded, keeping the last good version: 1 error/);
  expect(served.stdout()).toMatch(new RegExp(`error: ${RULES.replace(/\./g, '\\.')}:\\d+:\\d+: invalid JSON`));
  expect(await findMarker()).toEqual({ status: 200, body: { document: null } });

  // Fixed, the app reloads again: watching goes on after a failure.
  await fs.copyFile(path.join(BLOG, RULES), path.join(directory, RULES));
  await served.printed(/^Reloaded in \d+ ms/m, 2);
  expect(await findMarker()).toEqual({ status: 200, body: { document: { _id: 'watch-marker', airline: { name: 'Watched Air' } } } });

  const exited = new Promise<number | null>((resolve) => served!.child.once('exit', resolve));
  served.child.kill('SIGINT');
  expect(await exited).toBe(0);
});

it('reloads a new function file and its configuration', async () => {
  served = serve([directory, '--watch', '--port', '0', '--secret', `jwtSecret=${JWT_SECRET}`]);
  await served.printed(/Ready in \d+ ms/);
  const baseUrl = /Base URL: +(\S+)/.exec(served.stdout())![1];

  // A new endpoint and its function, written as an editor would: several files, one after another.
  await fs.writeFile(path.join(directory, 'functions/hello.js'), 'exports = function () { return { hello: "world" }; };');
  const functions = JSON.parse(await fs.readFile(path.join(directory, 'functions/config.json'), 'utf8'));
  await fs.writeFile(path.join(directory, 'functions/config.json'), JSON.stringify([...functions, { name: 'hello', private: false, run_as_system: true }]));
  const endpoints = JSON.parse(await fs.readFile(path.join(directory, 'http_endpoints/config.json'), 'utf8'));
  await fs.writeFile(
    path.join(directory, 'http_endpoints/config.json'),
    JSON.stringify([...endpoints, { route: '/hello', http_method: 'GET', function_name: 'hello', validation_method: 'NO_VALIDATION', respond_result: true, disabled: false, return_type: 'JSON' }]),
  );
  let answer: Response | undefined;
  // The three writes may land in one reload or in several; the endpoint answers after the last.
  for (let reloads = 1; reloads <= 3; reloads++) {
    await served.printed(/^Reloaded in \d+ ms/m, reloads);
    answer = await fetch(`${baseUrl}/app/${APP_ID}/endpoint/hello`);
    if (answer.status === 200) break;
  }
  expect(answer!.status).toBe(200);
  expect(await answer!.json()).toEqual({ hello: 'world' });
});
