/**
 * The harness from another process, as jest workers use it: the emulator is the built CLI in a
 * child process (`npm run build` first), and the test reaches it only through the connection
 * description in the environment (connectEmulator).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { connectEmulator, type Harness } from '../../emulator';

const BIN = path.resolve(__dirname, '../../bin/app-services-emulator.js');
const BLOG = path.resolve(__dirname, '../../fixtures/apps/data-api-blog');
const ADMIN_KEY = 'harnesst:5f0c1d9e-2a8b-4c3d-9e7f-0a1b2c3d4e5f';
const ROUTES = { dataSource: 'mongodb-atlas', database: 'sample_training', collection: 'routes' };

let child: ChildProcess;
let env: NodeJS.ProcessEnv;
let harness: Harness;

beforeAll(async () => {
  child = spawn(
    process.execPath,
    [BIN, 'serve', BLOG, '--port', '0', '--seed', 'sample_training:small', '--secret', 'jwtSecret=change-me-to-a-secret-of-32-chars', '--admin-key', ADMIN_KEY, '--log-level', 'error'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const summary = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      if (/Ready in \d+ ms/.test(stdout)) resolve(stdout);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}\n${stdout}\n${stderr}`)));
  });
  env = {
    APP_SERVICES_URL: /Base URL: +(http:\/\/\S+)/.exec(summary)?.[1],
    APP_SERVICES_APP_ID: 'data-api-blog-rzuzf',
    MONGODB_URI: /MongoDB: +(mongodb:\/\/\S+)/.exec(summary)?.[1],
    APP_SERVICES_ADMIN_KEY: ADMIN_KEY,
  };
  harness = connectEmulator(env);
}, 60_000);

afterAll(async () => {
  await harness?.close();
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});

it('connects from the environment and works over HTTP and the driver alone', async () => {
  expect(harness.dataApiUrl).toBe(`${env.APP_SERVICES_URL}/app/data-api-blog-rzuzf/endpoint/data/v1`);
  const seeded = await harness.asSystem().db('sample_training').collection('routes').countDocuments();
  expect(seeded).toBeGreaterThan(0);

  const reader = await harness.loginAs(await harness.createUser({ jwtClaims: { sub: 'remote-reader' } }));
  expect((await reader.dataApi('find', { ...ROUTES, filter: {}, limit: 3 })).documents).toHaveLength(3);
  const denial = await harness.assertDenied(reader.dataApi('insertOne', { ...ROUTES, document: { a: 1 } }));
  expect(denial.status).toBe(403);

  const key = await harness.createApiKey('remote');
  const viaKey = await harness.loginAs({ apiKey: key.key });
  const sum = await viaKey.endpoint('/sumTopAirports');
  expect(sum.status).toBe(200);

  const explanation = await harness.explain(reader, 'find', { ...ROUTES, filter: {}, limit: 1 });
  expect(explanation).toMatchObject({ role: 'readAll', namespace: 'sample_training.routes' });

  const logged = await harness.logs();
  expect(logged.map((entry) => entry.url)).toEqual(expect.arrayContaining(['/app/data-api-blog-rzuzf/endpoint/data/v1/action/insertOne', '/app/data-api-blog-rzuzf/endpoint/sumTopAirports']));

  const reset = await harness.reset({ users: true });
  expect(reset.databases).toContain('sample_training');
  expect(await harness.asSystem().db('sample_training').collection('routes').countDocuments()).toBe(0);
  expect(await harness.assertDenied(reader.dataApi('find', { ...ROUTES, filter: {} }))).toMatchObject({ status: 401, errorCode: 'InvalidSession' });

  const reseeded = await harness.reset({ reseed: true });
  expect(reseeded.seeded?.[0].source).toBe('sample_training:small');
  expect(await harness.asSystem().db('sample_training').collection('routes').countDocuments()).toBe(seeded);
});

it('names every variable connectEmulator misses', () => {
  expect(() => connectEmulator({ APP_SERVICES_URL: 'http://127.0.0.1:1' })).toThrow(/APP_SERVICES_APP_ID, MONGODB_URI, APP_SERVICES_ADMIN_KEY are not set/);
  expect(() => connectEmulator({ ...env, APP_SERVICES_ADMIN_KEY: 'no-colon' })).toThrow(/APP_SERVICES_ADMIN_KEY must be "<public key>:<private key>"/);
});

it('says when nothing answers at the URL', async () => {
  const nowhere = connectEmulator({ ...env, APP_SERVICES_URL: 'http://127.0.0.1:9' });
  await expect(nowhere.reset()).rejects.toThrow(/did not answer .*is it running\?/);
});
