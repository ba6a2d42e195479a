/**
 * Custom HTTPS endpoints over HTTP (spec §4): routing, the request and response objects,
 * respond_result, return types, validation, authentication and can_evaluate, legacy webhooks, and
 * the tutorial's sumTopAirports endpoint against the same pipeline run through the driver.
 */
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { EJSON } from 'bson';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { Emulator, startEmulator } from '../../emulator';

const APP = path.resolve(__dirname, '../../fixtures/apps/endpoints-http');
const APP_ID = 'endpoints-http-kpqzt';
const JWT_KEY = 'the-endpoints-apps-jwt-signing-key-0123456789';
const SECRET = 'endpoint-shared-secret';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ app: APP, secrets: { endpointSecret: SECRET, endpointsJwtKey: JWT_KEY } });
  await emulator.mongo.client.db('shop').collection('items').insertOne({ sku: 'first', name: 'the first item', price: 5 });
});
afterAll(async () => {
  await emulator.mongo.client.db('shop').dropDatabase();
  await emulator.stop();
});

const at = (route: string) => `/app/${APP_ID}/endpoint${route}`;
const token = (sub: string, claims: Record<string, unknown> = {}) =>
  jwt.sign({ sub, aud: APP_ID, exp: Math.floor(Date.now() / 1000) + 600, ...claims }, JWT_KEY, { algorithm: 'HS256' });
const ejsonOf = (response: request.Response) => EJSON.parse(response.text, { relaxed: false }) as Record<string, unknown>;
const errorBody = (error_code: string, error: string | RegExp) => ({
  error: typeof error === 'string' ? error : expect.stringMatching(error),
  error_code,
  link: expect.stringMatching(/\/_emulator\/requests\/[0-9a-f]+$/),
});

describe('routing', () => {
  it('serves an exact route and a nested one', async () => {
    const hello = await request(emulator.app).get(at('/hello')).expect(200);
    expect(hello.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(hello.body).toEqual({ hello: 'world' });
    expect((await request(emulator.app).get(at('/nested/route/deep')).expect(200)).body).toEqual({ hello: 'world' });
  });

  it('sends each method of a route to its own function, and refuses the others with 405 and Allow', async () => {
    expect((await request(emulator.app).get(at('/methods')).expect(200)).body).toBe('get handler, called with GET');
    expect((await request(emulator.app).post(at('/methods')).expect(200)).body).toBe('post handler, called with POST');
    const refused = await request(emulator.app).put(at('/methods')).expect(405);
    expect(refused.headers.allow).toBe('GET, POST');
    expect(refused.body).toEqual(errorBody('InvalidParameter', 'the endpoint /methods does not accept PUT; it accepts GET, POST'));
  });

  it('serves any method on a * route, and HEAD on a GET route', async () => {
    expect((await request(emulator.app).patch(at('/any')).expect(200)).body).toBe('any handler, called with PATCH');
    expect((await request(emulator.app).delete(at('/any')).expect(200)).body).toBe('any handler, called with DELETE');
    const head = await request(emulator.app).head(at('/hello')).expect(200);
    expect(head.text).toBeUndefined();
  });

  it('answers 404 for a disabled endpoint and for a route no endpoint has', async () => {
    expect((await request(emulator.app).get(at('/disabled')).expect(404)).body).toEqual(errorBody('IncomingWebhookNotFound', 'the endpoint /disabled is disabled'));
    expect((await request(emulator.app).get(at('/nowhere')).expect(404)).body.error_code).toBe('NotFound');
    expect((await request(emulator.app).get('/app/another-app-abcde/endpoint/hello').expect(404)).body.error_code).toBe('AppNotFound');
  });
});

describe('the request object', () => {
  it('has the first value of each query parameter, headers as arrays and the body as a Binary', async () => {
    const response = await request(emulator.app).post(at('/echo?a=1&a=2&b=x')).set('x-custom', 'one').set('Content-Type', 'text/plain').send('hello body').expect(200);
    expect(response.headers['content-type']).toBe('application/ejson; charset=utf-8');
    const echoed = ejsonOf(response);
    expect(echoed).toMatchObject({
      query: { a: '1', b: 'x' },
      body: 'hello body',
      bodyIsBinary: true,
      httpMethod: 'POST',
      rawQueryString: 'a=1&a=2&b=x',
      webhookUrl: '/echo',
      runningAsSystem: true,
    });
    expect((echoed.headers as Record<string, string[]>)['X-Custom']).toEqual(['one']);
    expect((echoed.headers as Record<string, string[]>)['Content-Type']).toEqual(['text/plain']);
  });

  it('has no body when the request has none', async () => {
    expect(ejsonOf(await request(emulator.app).get(at('/echo')).expect(200))).toMatchObject({ body: null, query: {}, rawQueryString: '' });
  });
});

describe('the response', () => {
  it('respond_result false: the status the function set, no body, the return value ignored', async () => {
    const response = await request(emulator.app).post(at('/respond/status')).expect(201);
    expect(response.headers.location).toBe('/items/1');
    expect(response.text).toBe('');
  });

  it('respond_result false and no status set: 204 No Content', async () => {
    await request(emulator.app).post(at('/respond/nothing')).expect(204);
  });

  it('an explicit setBody wins over the return value, with the content type the function set', async () => {
    const response = await request(emulator.app).get(at('/respond/body')).expect(200);
    expect(response.headers['content-type']).toBe('text/plain');
    expect(response.text).toBe('plain text body');
  });

  it('setBody with a Binary sends its bytes, even with respond_result false', async () => {
    const response = await request(emulator.app).get(at('/respond/binary')).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(response.status).toBe(200);
    expect((response.body as Buffer).toString('hex')).toBe('deadbeef');
  });

  it('setHeader replaces, addHeader appends, the status is kept, the framing headers are the server’s', async () => {
    const response = await request(emulator.app).get(at('/respond/headers')).expect(202);
    expect(response.headers['x-one']).toBe('1');
    expect(response.headers['x-many']).toBe('a, b');
    expect(response.headers['x-replaced']).toBe('new');
    expect(response.headers['content-length']).toBe(String(Buffer.byteLength('{"ok":true}')));
    expect(response.body).toEqual({ ok: true });
  });

  it('serializes the return value per return_type, and per Accept over it', async () => {
    const json = await request(emulator.app).get(at('/respond/types')).expect(200);
    expect(json.text).toBe('{"date":"2023-05-05T01:02:03.456Z","long":9007199254740993,"id":"5d505646cf6d4fe581014ab2","double":3.5,"int":7}');
    const ejson = await request(emulator.app).get(at('/respond/types')).set('Accept', 'application/ejson').expect(200);
    expect(ejson.headers['content-type']).toBe('application/ejson; charset=utf-8');
    expect(JSON.parse(ejson.text)).toEqual({
      date: { $date: { $numberLong: '1683248523456' } },
      long: { $numberLong: '9007199254740993' },
      id: { $oid: '5d505646cf6d4fe581014ab2' },
      double: { $numberDouble: '3.5' },
      int: { $numberInt: '7' },
    });
  });

  it('answers a function that returns nothing as {"$undefined":true} in EJSON and null in JSON', async () => {
    expect((await request(emulator.app).get(at('/respond/undefined')).expect(200)).text).toBe('{"$undefined":true}');
    expect((await request(emulator.app).get(at('/respond/undefined')).set('Accept', 'application/json').expect(200)).text).toBe('null');
  });

  it('answers a function that throws with 400 FunctionExecutionError, its logs linked', async () => {
    const response = await request(emulator.app).get(at('/respond/throws')).expect(400);
    expect(response.body).toEqual(errorBody('FunctionExecutionError', 'the endpoint failed on purpose'));
    const entry = await request(emulator.app).get(new URL(response.body.link).pathname).expect(200);
    expect(entry.body.function).toEqual({ name: 'endpoints/throws', logs: [] });
  });

  it('refuses a status code that is not one, in the function', async () => {
    const response = await request(emulator.app).get(at('/respond/bad-status')).expect(400);
    expect(response.body.error).toMatch(/^TypeError: response\.setStatusCode takes an HTTP status code/);
  });
});

describe('request validation', () => {
  it('SECRET_AS_QUERY_PARAM: refuses a missing or wrong secret; the function never sees it', async () => {
    expect((await request(emulator.app).get(at('/secret?x=1')).expect(401)).body.error_code).toBe('IncomingWebhookAuthFailed');
    expect((await request(emulator.app).get(at('/secret?secret=wrong')).expect(401)).body.error_code).toBe('IncomingWebhookAuthFailed');
    const echoed = ejsonOf(await request(emulator.app).get(at(`/secret?x=1&secret=${SECRET}&y=2`)).expect(200));
    expect(echoed).toMatchObject({ rawQueryString: 'x=1&y=2', query: { x: '1', y: '2' } });
  });

  it('VERIFY_PAYLOAD: the HMAC-SHA256 of the exact body bytes in Endpoint-Signature', async () => {
    const body = '{ "message": "Hello!" }';
    const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    const echoed = ejsonOf(await request(emulator.app).post(at('/signed')).set('Content-Type', 'application/json').set('Endpoint-Signature', signature).send(body).expect(200));
    expect(echoed.body).toBe(body);
    const forged = await request(emulator.app).post(at('/signed')).set('Content-Type', 'application/json').set('Endpoint-Signature', signature).send('{"message":"Hello!"}').expect(401);
    expect(forged.body.error_code).toBe('IncomingWebhookAuthFailed');
  });
});

describe('authentication (the function’s run-as settings) and can_evaluate', () => {
  it('application authentication: credentials are required', async () => {
    expect((await request(emulator.app).get(at('/me')).expect(400)).body.error_code).toBe('MissingParameter');
  });

  it('creates the user of a new JWT with create_user_on_auth, and gives it its custom data with fetch_custom_user_data', async () => {
    const first = await request(emulator.app).get(at('/me')).set('jwtTokenString', token('endpoint-caller')).expect(200);
    expect(first.body).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{24}$/), type: 'normal', providers: ['custom-token'], custom_data: {}, runningAsSystem: false });
    await emulator.mongo.client.db('shop').collection('profiles').insertOne({ user_id: first.body.id, plan: 'gold' });
    const again = await request(emulator.app).get(at('/me')).set('jwtTokenString', token('endpoint-caller')).expect(200);
    expect(again.body).toMatchObject({ id: first.body.id, custom_data: { user_id: first.body.id, plan: 'gold' } });
    // Without fetch_custom_user_data the function sees none.
    expect((await request(emulator.app).get(at('/me/existing-only')).set('jwtTokenString', token('endpoint-caller')).expect(200)).body.custom_data).toEqual({});
  });

  it('refuses a new identity where create_user_on_auth is off', async () => {
    const refused = await request(emulator.app).get(at('/me/existing-only')).set('jwtTokenString', token('never-seen-before')).expect(401);
    expect(refused.body.error_code).toBe('AuthError');
  });

  it('accepts an API key header and a bearer access token', async () => {
    const key = await emulator.auth.createServerApiKey('endpoint-server');
    expect((await request(emulator.app).get(at('/me')).set('apiKey', key.key).expect(200)).body).toMatchObject({ type: 'server', providers: ['api-key'] });
    const login = await request(emulator.app).post(`/api/client/v2.0/app/${APP_ID}/auth/providers/api-key/login`).send({ key: key.key }).expect(200);
    expect((await request(emulator.app).get(at('/me')).set('Authorization', `Bearer ${login.body.access_token}`).expect(200)).body.id).toBe(login.body.user_id);
  });

  it("checks the endpoint's can_evaluate against %%request", async () => {
    expect((await request(emulator.app).get(at('/guarded')).expect(401)).body.error_code).toBe('IncomingWebhookAuthFailed');
    expect((await request(emulator.app).get(at('/guarded')).set('x-pass', 'open sesame').expect(200)).body).toEqual({ hello: 'world' });
  });

  it('runs %function in can_evaluate', async () => {
    await request(emulator.app).get(at('/guarded-by-function?ticket=forged')).expect(401);
    await request(emulator.app).get(at('/guarded-by-function?ticket=valid')).expect(200);
  });

  it("checks the function's own can_evaluate: 403 NotCallable", async () => {
    const refused = await request(emulator.app).get(at('/servers-only')).set('jwtTokenString', token('endpoint-caller')).expect(403);
    expect(refused.body).toEqual(errorBody('NotCallable', "function 'endpoints/serversOnly' cannot be called: its can_evaluate expression is false for this request"));
    const key = await emulator.auth.createServerApiKey('servers-only');
    expect((await request(emulator.app).get(at('/servers-only')).set('apiKey', key.key).expect(200)).body).toBe('for servers');
  });

  it('runs as the user a run_as_user_id_script_source names, or as system', async () => {
    expect((await request(emulator.app).get(at('/scripted')).expect(200)).body).toMatchObject({ id: '', type: 'system', runningAsSystem: true });
    const user = (await request(emulator.app).get(at('/me')).set('jwtTokenString', token('scripted-user')).expect(200)).body;
    expect((await request(emulator.app).get(at(`/scripted?as=${user.id}`)).expect(200)).body).toMatchObject({ id: user.id, runningAsSystem: false });
  });

  it('serves a private function', async () => {
    expect((await request(emulator.app).get(at('/private')).expect(200)).body).toBe('private, served by an endpoint');
  });
});

describe('data through endpoint functions', () => {
  it('a system function reads through the mongodb service', async () => {
    expect((await request(emulator.app).get(at('/items/first')).expect(200)).body).toMatchObject({ sku: 'first', name: 'the first item', price: 5 });
  });

  it("a function running as the caller is held to the caller's rules", async () => {
    const response = await request(emulator.app).get(at('/items/first-as-caller')).set('jwtTokenString', token('endpoint-caller')).expect(200);
    expect(response.body).toMatchObject({ found: { sku: 'first' }, inserted: false, error: 'insert not permitted' });
    expect(await emulator.mongo.client.db('shop').collection('items').countDocuments({ sku: 'written-by-a-reader' })).toBe(0);
  });

  it("the Data API's run_as_user_id_script_source runs in the function runtime", async () => {
    const response = await request(emulator.app)
      .post(at('/data/v1/action/findOne'))
      .send({ dataSource: 'mongodb-atlas', database: 'shop', collection: 'items', filter: { sku: 'first' } })
      .expect(200);
    expect(response.body.document).toMatchObject({ sku: 'first' });
  });
});

describe('legacy incoming webhooks', () => {
  const webhook = `/api/client/v2.0/app/${APP_ID}/service/legacy/incoming_webhook/ping`;

  it('answers at the webhook URL with its own options (method, secret, EJSON result)', async () => {
    const response = await request(emulator.app).post(`${webhook}?secret=legacy-webhook-secret&x=1`).send({ a: 1 }).expect(202);
    expect(JSON.parse(response.text)).toEqual({ pong: { a: { $numberInt: '1' } }, query: { x: '1' }, rawQueryString: 'x=1' });
    expect((await request(emulator.app).post(webhook).send({ a: 1 }).expect(401)).body.error_code).toBe('IncomingWebhookAuthFailed');
    expect((await request(emulator.app).get(`${webhook}?secret=legacy-webhook-secret`).expect(405)).headers.allow).toBe('POST');
    expect((await request(emulator.app).post(`/api/client/v2.0/app/${APP_ID}/service/legacy/incoming_webhook/nope`).expect(404)).body.error_code).toBe('IncomingWebhookNotFound');
  });

  it('answers at its converted endpoint route too', async () => {
    await request(emulator.app).post(at('/legacy/ping?secret=legacy-webhook-secret')).send({ a: 2 }).expect(202);
  });
});

describe("the tutorial's sumTopAirports endpoint", () => {
  const BLOG = path.resolve(__dirname, '../../fixtures/apps/data-api-blog');
  const TUTORIAL_SECRET = 'the-tutorials-jwt-secret-of-32-chars-or-more';
  let blog: Emulator;
  beforeAll(async () => {
    blog = await startEmulator({ app: BLOG, secrets: { jwtSecret: TUTORIAL_SECRET }, seed: ['sample_training:small'] });
  });
  afterAll(async () => blog.stop());

  it('returns the three source airports with the most routes, as the same pipeline through the driver', async () => {
    const tutorialToken = jwt.sign({ sub: 'tutorial-user', aud: 'data-api-blog-rzuzf', exp: Math.floor(Date.now() / 1000) + 600 }, TUTORIAL_SECRET, { algorithm: 'HS256' });
    const response = await request(blog.app).get('/app/data-api-blog-rzuzf/endpoint/sumTopAirports').set('jwtTokenString', tutorialToken).expect(200);
    const expected = await blog.mongo.client
      .db('sample_training')
      .collection('routes')
      .aggregate([{ $group: { _id: '$src_airport', count: { $sum: 1 } } }, { $sort: { count: -1 } }, { $limit: 3 }])
      .toArray();
    expect(expected).toHaveLength(3);
    expect(response.body).toEqual(expected);
    // It runs as the calling user: without credentials it is refused.
    await request(blog.app).get('/app/data-api-blog-rzuzf/endpoint/sumTopAirports').expect(400);
  });
});
