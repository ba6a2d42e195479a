/**
 * The request log: one line per request at info level (method, route, status, time, user), the
 * rule decisions and the function output at debug level, and never a credential or a secret.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import pino from 'pino';
import request from 'supertest';
import { type Emulator, startEmulator } from '../../emulator';

const BLOG = path.resolve(__dirname, '../../fixtures/apps/data-api-blog');
const APP_ID = 'data-api-blog-rzuzf';
const JWT_SECRET = 'change-me-to-a-secret-of-32-chars';
const ENDPOINT_SECRET = 'the-endpoint-query-secret-4711';
const DATA_API = `/app/${APP_ID}/endpoint/data/v1/action`;

type LogRecord = Record<string, unknown> & { level: number; msg: string };

let directory: string;
let emulator: Emulator;
let records: LogRecord[] = [];
/** Every byte the logger wrote: where a leaked credential would show. */
let written = '';

async function editJson<T>(relative: string, change: (value: T) => T): Promise<void> {
  const file = path.join(directory, relative);
  await fs.writeFile(file, JSON.stringify(change(JSON.parse(await fs.readFile(file, 'utf8')) as T), null, 4));
}

beforeAll(async () => {
  directory = await fs.mkdtemp(path.join(os.tmpdir(), 'request-log-app-'));
  await fs.cp(BLOG, directory, { recursive: true });
  // The routes rule gets a filter, so the rule decision has one to name.
  await editJson<Record<string, unknown>>('data_sources/mongodb-atlas/sample_training/routes/rules.json', (rules) => ({
    ...rules,
    filters: [{ name: 'deltaOnly', apply_when: {}, query: { 'airline.name': 'Delta' } }],
  }));
  await fs.writeFile(path.join(directory, 'functions/chatty.js'), 'exports = function () { console.log("hello from chatty"); console.log("second line"); return { ok: true }; };');
  await editJson<object[]>('functions/config.json', (functions) => [...functions, { name: 'chatty', private: false, run_as_system: true }]);
  await editJson<object[]>('http_endpoints/config.json', (endpoints) => [
    ...endpoints,
    { route: '/chatty', http_method: 'GET', function_name: 'chatty', validation_method: 'SECRET_AS_QUERY_PARAM', secret_name: 'endpointSecret', respond_result: true, disabled: false, return_type: 'JSON' },
  ]);
  const logger = pino({ level: 'debug' }, {
    write(line: string) {
      written += line;
      records.push(JSON.parse(line) as LogRecord);
    },
  });
  emulator = await startEmulator({ app: directory, secrets: { jwtSecret: JWT_SECRET, endpointSecret: ENDPOINT_SECRET }, logger });
  await emulator.mongo.client
    .db('sample_training')
    .collection('routes')
    .insertMany([
      { _id: 'r1' as never, airline: { name: 'Delta' }, src_airport: 'ATL' },
      { _id: 'r2' as never, airline: { name: 'United' }, src_airport: 'SFO' },
    ]);
});

afterAll(async () => {
  await emulator.stop();
  await fs.rm(directory, { recursive: true, force: true });
});

beforeEach(() => {
  records = [];
  written = '';
});

/** The log records of one request, by the id its log entry link carries or its info line. */
function recordsOf(requestId: string): LogRecord[] {
  return records.filter((record) => record.requestId === requestId);
}

function requestLine(): LogRecord {
  const lines = records.filter((record) => record.level === 30 && typeof record.route === 'string');
  expect(lines).toHaveLength(1);
  return lines[0];
}

async function login(): Promise<{ accessToken: string; userId: string; jwtToken: string }> {
  const jwtToken = jwt.sign({ sub: 'logged-1', aud: APP_ID }, JWT_SECRET, { algorithm: 'HS256', expiresIn: 600 });
  const response = await request(emulator.app).post(`/api/client/v2.0/app/${APP_ID}/auth/providers/custom-token/login`).send({ token: jwtToken }).expect(200);
  records = [];
  written = '';
  return { accessToken: response.body.access_token, userId: response.body.user_id, jwtToken };
}

const findOne = { dataSource: 'mongodb-atlas', database: 'sample_training', collection: 'routes', filter: {} };

describe('the info line', () => {
  it('says method, route, status, time and the user the request ran as', async () => {
    const { accessToken, userId } = await login();
    const response = await request(emulator.app).post(`${DATA_API}/findOne`).set('Authorization', `Bearer ${accessToken}`).send(findOne).expect(200);
    expect(response.body.document).toMatchObject({ _id: 'r1' });
    const line = requestLine();
    expect(line).toMatchObject({ method: 'POST', route: `${DATA_API}/findOne`, status: 200, user: userId, durationMs: expect.any(Number) });
    expect(line.msg).toMatch(new RegExp(`^POST ${DATA_API}/findOne 200 [\\d.]+ ms user=${userId}$`));
    // The request's entry says the same.
    const entry = await request(emulator.app).get(`/_emulator/requests/${line.requestId as string}`).expect(200);
    expect(entry.body).toMatchObject({ method: 'POST', status: 200, user: userId });
  });

  it('names no user for a request refused before anyone was authenticated, and gives the error code', async () => {
    await request(emulator.app).post(`${DATA_API}/findOne`).send(findOne).expect(400);
    const line = requestLine();
    expect(line).toMatchObject({ status: 400, errorCode: 'MissingParameter' });
    expect(line).not.toHaveProperty('user');
    expect(line.msg).toMatch(/ 400 MissingParameter [\d.]+ ms$/);
  });

  it('says system for a request that ran as system, and withholds the secret query parameter', async () => {
    const response = await request(emulator.app).get(`/app/${APP_ID}/endpoint/chatty?secret=${ENDPOINT_SECRET}&page=2`).expect(200);
    expect(response.body).toEqual({ ok: true });
    const line = requestLine();
    expect(line).toMatchObject({ method: 'GET', route: `/app/${APP_ID}/endpoint/chatty?secret=[withheld]&page=2`, status: 200, user: 'system' });
    const entry = await request(emulator.app).get(`/_emulator/requests/${line.requestId as string}`).expect(200);
    expect(entry.body.url).toBe(`/app/${APP_ID}/endpoint/chatty?secret=[withheld]&page=2`);
    expect(written).not.toContain(ENDPOINT_SECRET);
  });

  it('never logs credentials: bearer tokens, API keys, JWTs', async () => {
    const { accessToken, jwtToken } = await login();
    const { key } = await emulator.auth.createServerApiKey('log-test');
    await request(emulator.app).post(`${DATA_API}/findOne`).set('Authorization', `Bearer ${accessToken}`).send(findOne).expect(200);
    await request(emulator.app).post(`${DATA_API}/findOne`).set('apiKey', key).send(findOne).expect(200);
    await request(emulator.app).post(`${DATA_API}/findOne`).set('jwtTokenString', jwtToken).send(findOne).expect(200);
    await request(emulator.app).post(`${DATA_API}/findOne`).set('Authorization', `Bearer ${accessToken}x`).send(findOne).expect(401);
    expect(records.filter((record) => typeof record.route === 'string')).toHaveLength(4);
    for (const secret of [accessToken, key, jwtToken]) expect(written).not.toContain(secret);
  });

  it('names the user a client API login or functions/call ran as', async () => {
    const jwtToken = jwt.sign({ sub: 'logged-2', aud: APP_ID }, JWT_SECRET, { algorithm: 'HS256', expiresIn: 600 });
    const login = await request(emulator.app).post(`/api/client/v2.0/app/${APP_ID}/auth/providers/custom-token/login`).send({ token: jwtToken }).expect(200);
    expect(requestLine()).toMatchObject({ user: login.body.user_id, status: 200 });
    expect(written).not.toContain(login.body.access_token);
    records = [];
    await request(emulator.app)
      .post(`/api/client/v2.0/app/${APP_ID}/functions/call`)
      .set('Authorization', `Bearer ${login.body.access_token}`)
      .send({ name: 'chatty', arguments: [] })
      .expect(200);
    expect(requestLine()).toMatchObject({ user: login.body.user_id, status: 200 });
  });
});

describe('debug lines', () => {
  it("give a Data API request's rule decision: role, filters, outcome", async () => {
    const { accessToken, userId } = await login();
    await request(emulator.app).post(`${DATA_API}/find`).set('Authorization', `Bearer ${accessToken}`).send(findOne).expect(200);
    const line = requestLine();
    const decisions = recordsOf(line.requestId as string).filter((record) => record.rules !== undefined);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      level: 20,
      rules: {
        namespace: 'sample_training.routes',
        dataSource: 'mongodb-atlas',
        user: userId,
        roleChoice: 'request',
        role: 'readAll',
        filters: [{ name: 'deltaOnly', applied: true }],
      },
    });
    expect(decisions[0].msg).toMatch(new RegExp(`^rules: find sample_training\\.routes as ${userId}: role readAll; filters deltaOnly applied`));
    // Logged while the request ran: before its info line.
    expect(records.indexOf(decisions[0])).toBeLessThan(records.indexOf(line));
  });

  it("give the rule decision of realm-web's service calls", async () => {
    const { accessToken, userId } = await login();
    await request(emulator.app)
      .post(`/api/client/v2.0/app/${APP_ID}/functions/call`)
      .set('Authorization', `Bearer ${accessToken}`)
      .send({ service: 'mongodb-atlas', name: 'count', arguments: [{ database: 'sample_training', collection: 'routes', query: {} }] })
      .expect(200);
    const decisions = records.filter((record) => record.rules !== undefined);
    expect(decisions).toEqual([expect.objectContaining({ rules: expect.objectContaining({ operation: 'count', user: userId, role: 'readAll' }) })]);
  });

  it("give the console output of the request's function", async () => {
    await request(emulator.app).get(`/app/${APP_ID}/endpoint/chatty?secret=${ENDPOINT_SECRET}`).expect(200);
    const line = requestLine();
    const output = recordsOf(line.requestId as string).filter((record) => record.logs !== undefined);
    expect(output).toEqual([expect.objectContaining({ level: 20, function: 'chatty', logs: ['hello from chatty', 'second line'], msg: 'function chatty: 2 log lines' })]);
  });
});
