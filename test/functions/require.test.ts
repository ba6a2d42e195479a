import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FunctionRuntime } from '../../emulator/functions';
import { FIXTURE_APP, loadFixture, startRuntime, user } from './helpers';

let runtime: FunctionRuntime;
let appDirectory: string;

/** The fixture app with a functions/node_modules (git ignores node_modules, so it is written here). */
async function appWithDependencies(): Promise<string> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'functions-require-'));
  await fs.cp(FIXTURE_APP, directory, { recursive: true });
  const files: Record<string, string> = {
    'greeting-lib/package.json': JSON.stringify({ name: 'greeting-lib', version: '1.0.0', main: 'lib/index.js' }),
    'greeting-lib/lib/index.js':
      "const path = require('path');\nconst shout = require('./shout');\n" +
      "exports.greet = (name) => `${shout('hello')} ${name} (${path.basename(__filename)}, ${typeof require('child_process-free')})`;\n",
    'greeting-lib/lib/shout.js': 'module.exports = (text) => text.toUpperCase();\n',
    'child_process-free/index.js': 'module.exports = {};\n',
    'sneaky-lib/index.js': "module.exports = require('child_process');\n",
  };
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(directory, 'functions', 'node_modules', ...file.split('/'));
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, content);
  }
  return directory;
}

beforeAll(async () => {
  appDirectory = await appWithDependencies();
  ({ runtime } = await startRuntime({ definition: await loadFixture(appDirectory) }));
});

afterAll(async () => {
  await runtime.stop();
  await fs.rm(appDirectory, { recursive: true, force: true });
});

const call = async (name: string, ...args: unknown[]) => (await runtime.call({ name, args, user: user() })).result;

describe('require', () => {
  it('gives the supported built-ins, the partly supported ones filtered', async () => {
    expect(await call('require/builtins')).toEqual({
      path: 'a/b',
      nodePrefix: 'c/d',
      hash: '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881',
      noDiffieHellman: true,
      format: 'a-1',
      noTextEncoder: true,
      httpClient: 'function',
      noHttpServer: true,
      readFileSync: 'function',
      noWriteFileSync: true,
      platform: os.platform(),
      hostname: 'localhost',
      querystring: 'a=1',
      events: 'function',
      buffer: 'aGk=',
      zlib: 'zip',
      processKeys: ['hrtime', 'nextTick', 'version', 'versions'],
      sameModule: true,
    });
  });

  it.each(['child_process', 'cluster', 'domain', 'readline', 'v8', 'vm', 'worker_threads', 'module', 'inspector', 'async_hooks', 'node:child_process'])(
    'refuses %s as App Services does',
    async (name) => {
      expect(await call('require/attempt', name)).toEqual({ error: `Cannot find module '${name}'` });
    },
  );

  it("never reaches the emulator's own packages or files outside the app", async () => {
    for (const name of ['mongodb', 'vm2', 'bson', 'jsonwebtoken']) {
      expect(await call('require/attempt', name)).toEqual({ error: `Cannot find module '${name}'` });
    }
    for (const name of ['../../../../../package.json', '/etc/passwd', path.join(__dirname, 'helpers.ts')]) {
      expect(await call('require/attempt', name)).toMatchObject({ error: expect.stringMatching(/Cannot find module/) });
    }
  });

  it("loads the app's own packages from functions/node_modules, with their relative requires", async () => {
    expect(await call('require/dependency', 'ada')).toBe('HELLO ada (index.js, object)');
  });

  it('applies the same policy to what packages require', async () => {
    expect(await call('require/attempt', 'sneaky-lib')).toEqual({ error: "Cannot find module 'child_process'" });
  });

  it('reads files inside functions/ with fs, and nothing outside', async () => {
    const inside = (await call('require/readFile', 'package.json')) as { text: string };
    expect(JSON.parse(inside.text)).toMatchObject({ dependencies: { 'greeting-lib': '1.0.0' } });
    for (const outside of ['../realm_config.json', '/etc/hostname', path.join(appDirectory, 'realm_config.json')]) {
      expect(await call('require/readFile', outside)).toMatchObject({ code: 'ENOENT' });
    }
  });
});
