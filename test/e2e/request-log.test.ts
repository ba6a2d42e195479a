/**
 * `serve`'s log as a user sees it on stderr: `--log-format json` gives pino's JSON lines, one per
 * request with its fields; the default is one readable line per request. stdout keeps the summary.
 */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import jwt from 'jsonwebtoken';

const BIN = path.resolve(__dirname, '../../bin/app-services-emulator.js');
const BLOG = path.resolve(__dirname, '../../fixtures/apps/data-api-blog');
const APP_ID = 'data-api-blog-rzuzf';
const JWT_SECRET = 'change-me-to-a-secret-of-32-chars';

interface Served {
  child: ChildProcess;
  baseUrl: string;
  stdout: string;
  /** Resolves with stderr once it matches. */
  logged(pattern: RegExp): Promise<string>;
}

async function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', BLOG, '--port', '0', '--secret', `jwtSecret=${JWT_SECRET}`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  const wake = () => {
    for (const waiter of waiters.splice(0)) waiter();
  };
  child.stdout!.on('data', (chunk) => {
    stdout += chunk;
    wake();
  });
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
    wake();
  });
  child.once('exit', wake);
  const until = (test: () => boolean) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (test()) resolve();
        else if (child.exitCode !== null) reject(new Error(`serve exited with ${child.exitCode}\n${stdout}\n${stderr}`));
        else waiters.push(check);
      };
      check();
    });
  await until(() => /Ready in \d+ ms/.test(stdout));
  return {
    child,
    baseUrl: /Base URL: +(\S+)/.exec(stdout)![1],
    stdout,
    logged: async (pattern) => {
      await until(() => pattern.test(stderr));
      return stderr;
    },
  };
}

let served: Served | undefined;
afterEach(async () => {
  if (served && served.child.exitCode === null) {
    const exited = new Promise((resolve) => served!.child.once('exit', resolve));
    served.child.kill('SIGINT');
    await exited;
  }
  served = undefined;
});

async function findOne(baseUrl: string): Promise<{ userId: string }> {
  const token = jwt.sign({ sub: 'log-reader', aud: APP_ID }, JWT_SECRET, { algorithm: 'HS256', expiresIn: 600 });
  const login = await fetch(`${baseUrl}/api/client/v2.0/app/${APP_ID}/auth/providers/custom-token/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  const { access_token: accessToken, user_id: userId } = (await login.json()) as { access_token: string; user_id: string };
  const response = await fetch(`${baseUrl}/app/${APP_ID}/endpoint/data/v1/action/findOne`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ dataSource: 'mongodb-atlas', database: 'sample_training', collection: 'routes', filter: {} }),
  });
  expect(response.status).toBe(200);
  return { userId };
}

it('writes JSON lines with --log-format json: the request line and, at debug level, its rule decision', async () => {
  served = await serve(['--log-format', 'json', '--log-level', 'debug', '--seed', 'sample_training:small']);
  const { userId } = await findOne(served.baseUrl);
  const stderr = await served.logged(/"route":"[^"]*\/action\/findOne"/);
  // Every line is JSON, seeding progress included (stdout has the summary, stderr only the log).
  const records = stderr
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const line = records.find((record) => typeof record.route === 'string' && (record.route as string).endsWith('/action/findOne'));
  expect(line).toMatchObject({ level: 30, method: 'POST', route: `/app/${APP_ID}/endpoint/data/v1/action/findOne`, status: 200, user: userId, durationMs: expect.any(Number), time: expect.any(Number) });
  const decision = records.find((record) => record.requestId === line!.requestId && record.rules !== undefined);
  expect(decision).toMatchObject({ level: 20, rules: { namespace: 'sample_training.routes', user: userId, role: 'readAll' } });
  expect(records).toContainEqual(expect.objectContaining({ level: 30, seeded: expect.objectContaining({ database: 'sample_training', collection: 'routes' }) }));
  expect(served.stdout).toContain('Data API:');
});

it('writes one readable line per request by default', async () => {
  served = await serve([]);
  const { userId } = await findOne(served.baseUrl);
  const stderr = await served.logged(/action\/findOne/);
  expect(stderr).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d INFO  POST /app/${APP_ID}/endpoint/data/v1/action/findOne 200 [\\d.]+ ms user=${userId}$`, 'm'));
  // Info level: no rule decisions.
  expect(stderr).not.toMatch(/rules: /);
});
