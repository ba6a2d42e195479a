/** `serve` and `validate` as a user runs them: the built CLI in a child process. */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

const BIN = path.resolve(__dirname, '../../bin/app-services-emulator.js');
const BLOG = path.resolve(__dirname, '../../fixtures/apps/data-api-blog');
const BROKEN = path.resolve(__dirname, '../../fixtures/apps/broken');
const JWT_SECRET = 'a-very-long-signing-secret-for-tests-0123456789';

function serve(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', () => {
      if (/Ready in \d+ ms/.test(stdout)) resolve(stdout);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}\n${stdout}\n${stderr}`)));
  });
  ready.catch(() => undefined);
  return { child, ready, output: () => ({ stdout, stderr }) };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('app-services-emulator serve', () => {
  it('starts the tutorial app with sample data, prints its summary, answers health, and stops on SIGINT', async () => {
    const run = serve([BLOG, '--port', '0', '--seed', 'sample_training:small', '--secret', `jwtSecret=${JWT_SECRET}`]);
    const summary = await run.ready;
    const baseUrl = /Base URL: +(http:\/\/\S+)/.exec(summary)?.[1] as string;
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(summary).toContain(`Data API:  ${baseUrl}/app/data-api-blog-rzuzf/endpoint/data/v1`);
    expect(summary).toMatch(/MongoDB: +mongodb:\/\/127\.0\.0\.1:\d+\/ \(embedded\)/);
    expect(summary).toContain('App data-api-blog-rzuzf');
    expect(summary).toContain('Auth providers: api-key, custom-token');
    expect(summary).toContain('sample_training.routes: roles readAll');
    expect(summary).toContain('GET /sumTopAirports → sumTopAirports');
    expect(summary).toMatch(/Seeded sample_training:small: [\d,]+ documents in 7 collections/);
    const health = await fetch(`${baseUrl}/_emulator/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', appId: 'data-api-blog-rzuzf' });
    const code = exited(run.child);
    run.child.kill('SIGINT');
    expect(await code).toBe(0);
  });

  it('takes secrets from APP_SECRET_<name> too', async () => {
    const run = serve([BLOG, '--port', '0'], { APP_SECRET_jwtSecret: JWT_SECRET });
    await run.ready;
    const code = exited(run.child);
    run.child.kill('SIGTERM');
    expect(await code).toBe(0);
  });

  it('refuses to start without a secret the app needs, and says how to give it', async () => {
    const run = serve([BLOG, '--port', '0']);
    expect(await exited(run.child)).toBe(1);
    const { stderr } = run.output();
    expect(stderr).toContain('jwtSecret');
    expect(stderr).toContain('--secrets <file.json>');
    expect(stderr).toContain('--secret jwtSecret=<value>');
    expect(stderr).toContain('APP_SECRET_jwtSecret');
  });
});

describe('app-services-emulator validate', () => {
  it('lists every problem of a broken app and exits 1', () => {
    const result = spawnSync(process.execPath, [BIN, 'validate', BROKEN], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/invalid JSON/);
    expect(result.stdout).toMatch(/\[SchemaViolation\]/);
    expect(result.stdout).toMatch(/[2-9]\d* errors/);
  });

  it('passes the tutorial app, listing the secret it needs as information', () => {
    const result = spawnSync(process.execPath, [BIN, 'validate', BLOG], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('App data-api-blog-rzuzf');
    expect(result.stdout).toMatch(/^info: .*jwtSecret/m);
    expect(result.stdout).toContain('0 errors');
  });
});
