/** `exec` as a CI job runs it: the built CLI around a `node -e` command, in a child process. */
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/app-services-emulator.js');
const BLOG = path.join(ROOT, 'fixtures/apps/data-api-blog');
const SECRET = ['--secret', 'jwtSecret=change-me-to-a-secret-of-32-chars'];

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function exec(args: string[], onStdout?: (stdout: string, child: ReturnType<typeof spawn>) => void): Promise<Finished> {
  // cwd is the repository, so `node -e` commands can require its mongodb driver.
  const child = spawn(process.execPath, [BIN, 'exec', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => {
    stdout += chunk;
    onStdout?.(stdout, child);
  });
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** A `node -e` command; its script prints JSON lines for the test to read. */
function node(script: string): string[] {
  return ['--', process.execPath, '-e', script];
}

async function reachable(url: string): Promise<boolean> {
  try {
    await fetch(url);
    return true;
  } catch {
    return false;
  }
}

describe('app-services-emulator exec', () => {
  it('runs the command against the served app, with its addresses in the environment, then stops the emulator', async () => {
    const script = `
      const { MongoClient } = require('mongodb');
      (async () => {
        const names = ['APP_SERVICES_URL', 'DATA_API_URL', 'MONGODB_URI', 'APP_SERVICES_APP_ID', 'APP_SERVICES_ADMIN_KEY'];
        const health = await fetch(process.env.APP_SERVICES_URL + '/_emulator/health').then((response) => response.json());
        const client = await MongoClient.connect(process.env.MONGODB_URI);
        const routes = await client.db('sample_training').collection('routes').countDocuments();
        await client.close();
        console.log(JSON.stringify({ env: Object.fromEntries(names.map((name) => [name, process.env[name]])), health, routes }));
      })();`;
    const result = await exec([BLOG, '--seed', 'sample_training:small', ...SECRET, '--app-id', 'blog-under-test', '--admin-key', 'ci:ci-private-key', ...node(script)]);
    expect(result.code).toBe(0);
    const { env, health, routes } = JSON.parse(result.stdout);
    expect(env.APP_SERVICES_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env.DATA_API_URL).toBe(`${env.APP_SERVICES_URL}/app/blog-under-test/endpoint/data/v1`);
    expect(env.MONGODB_URI).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
    expect(env.APP_SERVICES_APP_ID).toBe('blog-under-test');
    expect(env.APP_SERVICES_ADMIN_KEY).toBe('ci:ci-private-key');
    expect(health).toMatchObject({ status: 'ok', appId: 'blog-under-test' });
    expect(routes).toBeGreaterThan(0);
    expect(await reachable(`${env.APP_SERVICES_URL}/_emulator/health`)).toBe(false);
  });

  it("exits with the command's exit code", async () => {
    const result = await exec([BLOG, ...SECRET, ...node('process.exit(7)')]);
    expect(result.code).toBe(7);
  });

  it('exits with 128 + n when the command dies of signal n', async () => {
    const result = await exec([BLOG, ...SECRET, ...node("process.kill(process.pid, 'SIGKILL')")]);
    expect(result.code).toBe(128 + 9);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('forwards %s to the command, waits for it, stops, and exits with its code', async (signal) => {
    const script = `
      process.on('${signal}', () => { console.log('command got ${signal}'); process.exit(5); });
      console.log('waiting ' + process.env.APP_SERVICES_URL);
      setInterval(() => undefined, 1000);`;
    let url = '';
    const result = await exec([BLOG, ...SECRET, ...node(script)], (stdout, child) => {
      const match = /waiting (\S+)/.exec(stdout);
      if (match && !url) {
        url = match[1];
        child.kill(signal);
      }
    });
    expect(result.stdout).toContain(`command got ${signal}`);
    expect(result.code).toBe(5);
    expect(await reachable(`${url}/_emulator/health`)).toBe(false);
  });

  it('says so and exits 127 when the command cannot be started', async () => {
    const result = await exec([BLOG, ...SECRET, '--', 'no-such-command-for-exec-tests', '--flag']);
    expect(result.code).toBe(127);
    expect(result.stderr).toContain('cannot run "no-such-command-for-exec-tests": command not found');
  });

  it('does not run the command when the app cannot be served, and exits 1', async () => {
    const result = await exec([BLOG, ...node("console.log('the command ran')")]);
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('the command ran');
    expect(result.stderr).toContain('jwtSecret');
  });

  it("leaves stdout to the command: the emulator's log goes to stderr, quiet below warn unless --log-level says otherwise", async () => {
    const quiet = await exec([BLOG, ...SECRET, ...node("console.log('only this')")]);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe('only this\n');
    expect(quiet.stderr).toBe('');

    const chatty = await exec([BLOG, ...SECRET, '--log-level', 'info', ...node("console.log('only this')")]);
    expect(chatty.code).toBe(0);
    expect(chatty.stdout).toBe('only this\n');
    expect(chatty.stderr).toContain('serving data-api-blog-rzuzf');
  });
});
