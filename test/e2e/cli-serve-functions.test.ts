/**
 * `serve` with functions, as a user runs it (the built CLI in a child process): the tutorial's
 * endpoint, and `--function-timeout`.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import jwt from 'jsonwebtoken';

const BIN = path.resolve(__dirname, '../../bin/app-services-emulator.js');
const BLOG = path.resolve(__dirname, '../../fixtures/apps/data-api-blog');
const CLIENT = path.resolve(__dirname, '../../fixtures/apps/functions-client');
const JWT_SECRET = 'a-very-long-signing-secret-for-tests-0123456789';

/** Starts `serve`, resolves with its base URL once ready, and stops it when the test ends. */
async function serve(args: string[]): Promise<{ baseUrl: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args, '--port', '0', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const url = /Base URL: +(http:\/\/\S+)/.exec(stdout)?.[1];
      if (url && /Ready in \d+ ms/.test(stdout)) resolve(url);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}\n${stdout}\n${stderr}`)));
  });
  return {
    baseUrl,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

describe('serve with functions', () => {
  it("answers the tutorial's sumTopAirports endpoint for a JWT caller", async () => {
    const server = await serve([BLOG, '--seed', 'sample_training:small', '--secret', `jwtSecret=${JWT_SECRET}`]);
    try {
      const token = jwt.sign({ sub: 'cli-user', aud: 'data-api-blog-rzuzf', exp: Math.floor(Date.now() / 1000) + 600 }, JWT_SECRET, { algorithm: 'HS256' });
      const response = await fetch(`${server.baseUrl}/app/data-api-blog-rzuzf/endpoint/sumTopAirports`, { headers: { jwtTokenString: token } });
      expect(response.status).toBe(200);
      const top = (await response.json()) as Array<{ _id: string; count: number }>;
      expect(top).toHaveLength(3);
      expect(top[0].count).toBeGreaterThanOrEqual(top[1].count);
      expect(top[1].count).toBeGreaterThanOrEqual(top[2].count);
    } finally {
      await server.stop();
    }
  });

  it('--function-timeout limits each call', async () => {
    const server = await serve([CLIENT, '--function-timeout', '500ms']);
    try {
      const base = `${server.baseUrl}/api/client/v2.0/app/functions-client-vxmqa`;
      const login = (await (await fetch(`${base}/auth/providers/anon-user/login`, { method: 'POST', body: '{}' })).json()) as { access_token: string };
      const response = await fetch(`${base}/functions/call`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${login.access_token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'slow', arguments: [5000] }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error_code: 'FunctionExecutionError', error: 'execution time limit exceeded: the function ran longer than 500 ms' });
    } finally {
      await server.stop();
    }
  });

  it('refuses a --function-timeout that is not a duration', () => {
    const run = spawnSync(process.execPath, [BIN, 'serve', CLIENT, '--function-timeout', 'soon'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("option '--function-timeout <duration>' argument 'soon' is invalid. must be a duration: seconds (30, 0.5), or with a unit (30s, 500ms)");
  });
});
