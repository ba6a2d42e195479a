/**
 * The README's "Tutorial walkthrough with curl", run as written: its serve command (on a free port)
 * through the built CLI, then its shell block with bash and curl, every output line checked against
 * the block's `# →` lines. Changing the walkthrough or the behaviour it shows fails this test.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/app-services-emulator.js');
const README_BASE = 'BASE=http://127.0.0.1:8080';

function walkthrough(): { serveArgs: string[]; script: string } {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Tutorial walkthrough with curl');
  expect(start).toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]);
  expect(blocks).toHaveLength(2);
  const serve = blocks[0].replace(/\\\n/g, ' ').trim();
  expect(serve.startsWith('npx app-services-emulator serve ')).toBe(true);
  return { serveArgs: serve.replace(/^npx app-services-emulator /, '').split(/\s+/), script: blocks[1] };
}

/** `# → …` lines as patterns: `…` stands for anything, the rest is literal. */
function expectedOutputs(script: string): RegExp[] {
  return script
    .split('\n')
    .filter((line) => line.startsWith('# → '))
    .map((line) => {
      const literal = line.slice('# → '.length).split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      return new RegExp(`^${literal.join('.*')}$`);
    });
}

let server: ChildProcess | undefined;
afterAll(async () => {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server!.once('exit', resolve));
  server.kill('SIGINT');
  await exited;
});

function serve(args: string[]): Promise<string> {
  server = spawn(process.execPath, [BIN, ...args, '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  server.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    server!.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const url = /Base URL: +(http:\/\/\S+)/.exec(stdout)?.[1];
      if (url && /Ready in \d+ ms/.test(stdout)) resolve(url);
    });
    server!.once('exit', (code) => reject(new Error(`serve exited with ${code}\n${stdout}\n${stderr}`)));
  });
}

it('runs as the README shows it: JWT and API key read, writes and other collections refused, the access list shuts 127.0.0.1 out and lets it back in', async () => {
  const { serveArgs, script } = walkthrough();
  const expected = expectedOutputs(script);
  expect(expected.length).toBeGreaterThanOrEqual(9);
  expect(script).toContain(README_BASE);

  const baseUrl = await serve(serveArgs);
  const run = `set -euo pipefail\n${script.replace(README_BASE, `BASE=${baseUrl}`)}`;
  const { stdout } = await promisify(execFile)('bash', ['-c', run], { cwd: ROOT, timeout: 60_000 });
  const lines = stdout.split('\n').filter((line) => line.trim() !== '');
  expect(lines).toHaveLength(expected.length);
  lines.forEach((line, index) => expect(line).toMatch(expected[index]));
}, 90_000);
