/**
 * Emulator.reload(): the next request is served by the app directory as it is now, while users,
 * sessions, data and the requests already running are kept; a directory with errors changes nothing.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { type Emulator, startEmulator } from '../../emulator';

const BLOG = path.resolve(__dirname, '../../fixtures/apps/data-api-blog');
const APP_ID = 'data-api-blog-rzuzf';
const JWT_SECRET = 'change-me-to-a-secret-of-32-chars';
const RULES = 'data_sources/mongodb-atlas/sample_training/routes/rules.json';
const CLIENT = `/api/client/v2.0/app/${APP_ID}`;
const DATA_API = `/app/${APP_ID}/endpoint/data/v1/action`;

/**
 * A function that says it started (in a collection the test polls), then takes a moment before it
 * answers: 1.5 s, or a minute (beyond any test's timeout) when called with "stopping".
 */
const SLOW_FUNCTION = `exports = async function (marker) {
  await context.services.get("mongodb-atlas").db("reload_test").collection("started").insertOne({ marker });
  await new Promise((resolve) => setTimeout(resolve, marker === "stopping" ? 60000 : 1500));
  return "finished " + marker;
};`;

let directory: string;
let emulator: Emulator;
let stopped: boolean;

async function writeJson(relative: string, value: unknown): Promise<void> {
  await fs.writeFile(path.join(directory, relative), JSON.stringify(value, null, 4));
}

async function readJson<T>(relative: string): Promise<T> {
  return JSON.parse(await fs.readFile(path.join(directory, relative), 'utf8')) as T;
}

/** The routes rule with its one role's read permission set. */
async function setRoutesReadable(readable: boolean): Promise<void> {
  const rules = await readJson<{ roles: Array<{ read: boolean; document_filters: { read: boolean } }> }>(RULES);
  rules.roles[0].read = readable;
  rules.roles[0].document_filters.read = readable;
  await writeJson(RULES, rules);
}

async function login(): Promise<{ accessToken: string; refreshToken: string; userId: string }> {
  const token = jwt.sign({ sub: 'reader-1', aud: APP_ID, name: 'Reader' }, JWT_SECRET, { algorithm: 'HS256', expiresIn: 600 });
  const response = await request(emulator.app).post(`${CLIENT}/auth/providers/custom-token/login`).send({ token }).expect(200);
  return { accessToken: response.body.access_token, refreshToken: response.body.refresh_token, userId: response.body.user_id };
}

function findRoutes(accessToken: string) {
  return request(emulator.app)
    .post(`${DATA_API}/find`)
    .set('Authorization', `Bearer ${accessToken}`)
    .send({ dataSource: 'mongodb-atlas', database: 'sample_training', collection: 'routes', filter: {} });
}

beforeEach(async () => {
  directory = await fs.mkdtemp(path.join(os.tmpdir(), 'reload-app-'));
  await fs.cp(BLOG, directory, { recursive: true });
  const functions = await readJson<object[]>('functions/config.json');
  await writeJson('functions/config.json', [...functions, { name: 'slow', private: false, run_as_system: true }]);
  await fs.writeFile(path.join(directory, 'functions/slow.js'), SLOW_FUNCTION);
  emulator = await startEmulator({ app: directory, secrets: { jwtSecret: JWT_SECRET }, functionWorkers: 1 });
  stopped = false;
  await emulator.mongo.client
    .db('sample_training')
    .collection('routes')
    .insertMany([
      { airline: { name: 'Delta' }, src_airport: 'ATL', dst_airport: 'JFK' },
      { airline: { name: 'United' }, src_airport: 'SFO', dst_airport: 'ORD' },
    ]);
});

afterEach(async () => {
  if (!stopped) await emulator.stop();
  await fs.rm(directory, { recursive: true, force: true });
});

describe('Emulator.reload', () => {
  it('serves the new rule at the next request, keeping the data, the access token and the session', async () => {
    const session = await login();
    expect((await findRoutes(session.accessToken).expect(200)).body.documents).toHaveLength(2);

    await setRoutesReadable(false);
    const result = await emulator.reload();
    expect(result).toMatchObject({ ok: true });

    // The token issued before the reload is still accepted (the signing key is in the database) …
    const after = await findRoutes(session.accessToken).expect(200);
    // … and the new rule applies: nothing is readable.
    expect(after.body.documents).toEqual([]);
    // The session (refresh token) survives too.
    const refreshed = await request(emulator.app).post('/api/client/v2.0/auth/session').set('Authorization', `Bearer ${session.refreshToken}`).expect(201);
    expect(refreshed.body.user_id).toBe(session.userId);
    expect(await emulator.mongo.client.db('sample_training').collection('routes').countDocuments()).toBe(2);
    expect(await emulator.auth.getUser(session.userId)).toMatchObject({ _id: session.userId });
  });

  it('keeps the last good version serving when the directory has errors, and says which', async () => {
    const session = await login();
    await fs.writeFile(path.join(directory, RULES), '{ "collection": "routes", ');
    const result = await emulator.reload();
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual(expect.arrayContaining([expect.objectContaining({ severity: 'error', code: 'InvalidJson', file: RULES })]));
    expect((await findRoutes(session.accessToken).expect(200)).body.documents).toHaveLength(2);
    expect(emulator.definition.dataSources.get('mongodb-atlas')?.collections.size).toBeGreaterThan(0);

    // Fixed, it reloads.
    await fs.copyFile(path.join(BLOG, RULES), path.join(directory, RULES));
    await setRoutesReadable(false);
    expect((await emulator.reload()).ok).toBe(true);
    expect((await findRoutes(session.accessToken).expect(200)).body.documents).toEqual([]);
  });

  it('refuses a version that changes the app id', async () => {
    const root = await readJson<Record<string, unknown>>('root_config.json');
    await writeJson('root_config.json', { ...root, app_id: 'another-app-abcde' });
    const result = await emulator.reload();
    expect(result.ok).toBe(false);
    expect(result.problems[0].message).toMatch(/app id changed from data-api-blog-rzuzf to another-app-abcde/);
    expect(emulator.appId).toBe(APP_ID);
  });

  it('lets function calls running on the previous version finish', async () => {
    const session = await login();
    const call = request(emulator.app)
      .post(`${CLIENT}/functions/call`)
      .set('Authorization', `Bearer ${session.accessToken}`)
      .send({ name: 'slow', arguments: ['before-reload'] })
      .then((response) => response);
    await until(async () => (await emulator.mongo.client.db('reload_test').collection('started').countDocuments({ marker: 'before-reload' })) === 1);

    await setRoutesReadable(false);
    expect((await emulator.reload()).ok).toBe(true);

    const answered = await call;
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.text)).toBe('finished before-reload');
  });

  it('runs the functions of the new version', async () => {
    const session = await login();
    await fs.writeFile(path.join(directory, 'functions/slow.js'), 'exports = function (marker) { return "edited " + marker; };');
    expect((await emulator.reload()).ok).toBe(true);
    const answered = await request(emulator.app)
      .post(`${CLIENT}/functions/call`)
      .set('Authorization', `Bearer ${session.accessToken}`)
      .send({ name: 'slow', arguments: ['x'] })
      .expect(200);
    expect(JSON.parse(answered.text)).toBe('edited x');
  });

  it('stops without waiting for the previous version to finish', async () => {
    const session = await login();
    const call = request(emulator.app)
      .post(`${CLIENT}/functions/call`)
      .set('Authorization', `Bearer ${session.accessToken}`)
      .send({ name: 'slow', arguments: ['stopping'] })
      .then(
        (response) => response.status,
        () => 'connection closed',
      );
    await until(async () => (await emulator.mongo.client.db('reload_test').collection('started').countDocuments({ marker: 'stopping' })) === 1);
    expect((await emulator.reload()).ok).toBe(true);
    // The previous version is still running a minute-long call: stop() does not wait for it.
    await emulator.stop();
    stopped = true;
    // The call in flight did not get its answer: the emulator stopped under it.
    expect(await call).not.toBe(200);
  });
});

/** Polls a condition (what a test waits for before it acts), failing after a generous bound. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the condition never held');
}
