/**
 * `app-services-emulator/jest`'s hooks as jest calls them: globalSetup(globalConfig, projectConfig)
 * in the parent process, the setup file in each worker, globalTeardown at the end.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { globalSetup, globalTeardown, type JestProjectConfig, workerVariable } from '../../emulator/jest';

const ROOT = path.resolve(__dirname, '../..');
const BLOG_OPTIONS = {
  app: 'fixtures/apps/data-api-blog',
  secrets: { jwtSecret: 'change-me-to-a-secret-of-32-chars' },
};

function project(options: unknown): JestProjectConfig {
  return { rootDir: ROOT, testEnvironmentOptions: { appServicesEmulator: options } };
}

function workerEnvironment(workerId: number) {
  const encoded = process.env[workerVariable(workerId)];
  return encoded === undefined ? undefined : JSON.parse(encoded);
}

afterEach(async () => {
  await globalTeardown();
});

describe('globalSetup', () => {
  it('starts one emulator per worker, each with a database of its own, and globalTeardown stops them', async () => {
    await globalSetup({ maxWorkers: 2 }, project(BLOG_OPTIONS));
    const first = workerEnvironment(1);
    const second = workerEnvironment(2);
    expect(workerEnvironment(3)).toBeUndefined();
    expect(first).toMatchObject({ APP_SERVICES_APP_ID: 'data-api-blog-rzuzf', DATA_API_URL: `${first.APP_SERVICES_URL}/app/data-api-blog-rzuzf/endpoint/data/v1` });
    expect(first.APP_SERVICES_ADMIN_KEY).toMatch(/^[^:]+:.+$/);
    expect(second.APP_SERVICES_URL).not.toBe(first.APP_SERVICES_URL);
    expect(second.MONGODB_URI).not.toBe(first.MONGODB_URI);

    const clients = await Promise.all([first, second].map((environment) => MongoClient.connect(environment.MONGODB_URI)));
    try {
      await clients[0].db('isolation').collection('notes').insertOne({ worker: 1 });
      expect(await clients[0].db('isolation').collection('notes').countDocuments()).toBe(1);
      expect(await clients[1].db('isolation').collection('notes').countDocuments()).toBe(0);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }

    await globalTeardown();
    expect(workerEnvironment(1)).toBeUndefined();
    await expect(fetch(`${first.APP_SERVICES_URL}/_emulator/health`)).rejects.toThrow();
  });

  it('seeds every emulator', async () => {
    await globalSetup({ maxWorkers: 1 }, project({ ...BLOG_OPTIONS, seed: 'sample_training:small' }));
    const client = await MongoClient.connect(workerEnvironment(1).MONGODB_URI);
    try {
      expect(await client.db('sample_training').collection('routes').countDocuments()).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });

  it('says what to add to the jest config when the options are missing', async () => {
    await expect(globalSetup({ maxWorkers: 1 }, { rootDir: ROOT, testEnvironmentOptions: {} })).rejects.toThrow(
      /app-services-emulator\/jest: no options: add to your jest config\n.*testEnvironmentOptions: \{ appServicesEmulator: \{ app: /,
    );
  });

  it('names every invalid option with its path, and refuses a MongoDB URI that every worker would share', async () => {
    const attempt = globalSetup({ maxWorkers: 1 }, project({ app: 42, seed: [1], mongodb: 'mongodb://127.0.0.1:27017', colour: 'blue' }));
    await expect(attempt).rejects.toThrow(/testEnvironmentOptions\.appServicesEmulator\.app: the exported app directory/);
    await expect(attempt).rejects.toThrow(/testEnvironmentOptions\.appServicesEmulator\.mongodb: "embedded" or "memory-server": every worker gets a database of its own/);
    await expect(attempt).rejects.toThrow(/testEnvironmentOptions\.appServicesEmulator\.seed: a seed spec or a list of them/);
    await expect(attempt).rejects.toThrow(/colour/);
  });

  it('resolves the app directory against the rootDir, and says so when it is not there', async () => {
    const attempt = globalSetup({ maxWorkers: 1 }, project({ app: 'fixtures/apps/no-such-app' }));
    await expect(attempt).rejects.toThrow(`the app directory ${path.join(ROOT, 'fixtures/apps/no-such-app')} does not exist`);
  });

  it("reports an app that cannot be served with the loader's reason, leaving nothing running", async () => {
    const attempt = globalSetup({ maxWorkers: 2 }, project({ app: 'fixtures/apps/data-api-blog' }));
    await expect(attempt).rejects.toThrow(/the emulator for .*data-api-blog did not start: .*jwtSecret/s);
    expect(workerEnvironment(1)).toBeUndefined();
  });
});

describe('the setup file', () => {
  const setupFile = path.join(ROOT, 'dist/jest/setup.js');
  const printVariables = `require(${JSON.stringify(setupFile)}); console.log(JSON.stringify({ url: process.env.APP_SERVICES_URL, id: process.env.APP_SERVICES_APP_ID }))`;

  function runSetup(environment: NodeJS.ProcessEnv) {
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('APP_SERVICES') && name !== 'JEST_WORKER_ID'));
    return spawnSync(process.execPath, ['-e', printVariables], { env: { ...inherited, ...environment }, encoding: 'utf8' });
  }

  it("gives a test file its worker's emulator under the plain names", () => {
    const worker = (n: number) => JSON.stringify({ APP_SERVICES_URL: `http://127.0.0.1:${9000 + n}`, APP_SERVICES_APP_ID: `app-${n}` });
    const result = runSetup({ JEST_WORKER_ID: '2', [workerVariable(1)]: worker(1), [workerVariable(2)]: worker(2) });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ url: 'http://127.0.0.1:9002', id: 'app-2' });
  });

  it('fails the test file with what to add when no globalSetup started emulators', () => {
    const result = runSetup({ JEST_WORKER_ID: '1' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("no emulator is running: add globalSetup 'app-services-emulator/jest/global-setup'");
  });
});
