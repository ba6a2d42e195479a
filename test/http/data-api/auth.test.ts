/**
 * Who a Data API request runs as (APP_SERVICES.md §3.4): bearer tokens, credential headers,
 * create_user_on_auth, run_as_system and run_as_user_id, validation_method and can_evaluate; the
 * config's `disabled` and `versions`; and the rules that apply to the caller.
 */
import { createHmac } from 'node:crypto';
import request from 'supertest';
import { APP_ID, bodyOf, ENDPOINT_SECRET, expectErrorShape, on, signJwt, startDataApiApp, type DataApiTestApp } from './helpers';

let t: DataApiTestApp;
beforeAll(async () => {
  t = await startDataApiApp();
  await t.collection('catalog').insertMany([{ _id: 1, sku: 'pen' }]);
  await t.collection('secret').insertMany([{ _id: 1, code: 42 }]);
});
afterAll(async () => t.stop());

const find = (app: DataApiTestApp, headers: Record<string, string>, query = '') =>
  request(app.emulator.app)
    .post(`/app/${APP_ID}/endpoint/data/v1/action/find${query}`)
    .set({ 'Content-Type': 'application/json', ...headers })
    .send(JSON.stringify(on('catalog')));

async function refused(response: request.Response, status: number, errorCode: string, message?: string | RegExp) {
  expect(response.status).toBe(status);
  expectErrorShape(response.body);
  expect(response.body.error_code).toBe(errorCode);
  if (message !== undefined) expect(response.body.error).toMatch(message);
}

describe('application authentication', () => {
  it('accepts an access token as Bearer, and refuses an invalid one with InvalidSession', async () => {
    const login = await request(t.emulator.app).post(`/api/client/v2.0/app/${APP_ID}/auth/providers/api-key/login`).send({ key: t.apiKey }).expect(200);
    const response = await find(t, { Authorization: `Bearer ${login.body.access_token}` }).expect(200);
    expect(bodyOf(response).documents).toHaveLength(1);
    await refused(await find(t, { Authorization: 'Bearer not-a-token' }), 401, 'InvalidSession');
  });

  it('accepts an API key as apiKey or api-key, and refuses an unknown one', async () => {
    await find(t, { apiKey: t.apiKey }).expect(200);
    await find(t, { 'api-key': t.apiKey }).expect(200);
    await refused(await find(t, { apiKey: 'wrong' }), 401, 'AuthError', 'invalid API key');
  });

  it('accepts email and password, and refuses a wrong password or a half pair', async () => {
    await t.emulator.auth.createEmailUser('reader@example.com', 'secret-password');
    await find(t, { email: 'reader@example.com', password: 'secret-password' }).expect(200);
    await refused(await find(t, { email: 'reader@example.com', password: 'nope-nope' }), 401, 'InvalidPassword');
    await refused(await find(t, { email: 'reader@example.com' }), 400, 'MissingParameter', /email and password/);
  });

  it('accepts a custom JWT, creating its user with create_user_on_auth', async () => {
    const before = (await t.emulator.auth.listUsers()).length;
    await find(t, { jwtTokenString: signJwt('jwt-user-1') }).expect(200);
    await find(t, { jwtTokenString: signJwt('jwt-user-1') }).expect(200);
    expect((await t.emulator.auth.listUsers()).length).toBe(before + 1);
    await refused(await find(t, { jwtTokenString: 'a.b.c' }), 401, 'AuthError');
  });

  it('refuses a JWT with no user yet when create_user_on_auth is off', async () => {
    const strict = await startDataApiApp({ create_user_on_auth: false });
    try {
      await refused(await find(strict, { jwtTokenString: signJwt('nobody-yet') }), 401, 'AuthError', /create_user_on_auth/);
    } finally {
      await strict.stop();
    }
  });

  it("answers a request without credentials with App Services' message", async () => {
    await refused(
      await find(t, {}),
      400,
      'MissingParameter',
      'must specify some form of authentication (either email+password, api-key, or jwt) in the request header or body',
    );
  });
});

describe('run-as settings', () => {
  it('run_as_system: no credentials needed, and rules do not apply', async () => {
    const system = await startDataApiApp({ run_as_system: true });
    try {
      await system.collection('secret').insertOne({ _id: 'x' });
      const response = await system.post('find', on('secret'), { apiKey: '' }).expect(200);
      expect(bodyOf(response).documents).toEqual([{ _id: 'x' }]);
      await system.post('insertOne', on('catalog', { document: { sku: 'new' } }), { apiKey: '' }).expect(200);
    } finally {
      await system.stop();
    }
  });

  it('run_as_user_id: runs as that user, whose %%user filter applies', async () => {
    const user = await t.emulator.auth.createEmailUser('fixed@example.com', 'secret-password');
    await t.collection('orders').insertMany([{ owner_id: user._id, item: 'mine' }, { owner_id: 'someone-else', item: 'theirs' }]);
    // A second emulator on the same database serves the same app, so it knows the user.
    const fixed = await startDataApiApp({ run_as_user_id: user._id }, {}, { mongodb: t.emulator.mongoUri });
    try {
      const response = await fixed.post('find', on('orders', { projection: { _id: 0, item: 1 } }), { apiKey: '', Accept: 'application/json' }).expect(200);
      expect(response.body).toEqual({ documents: [{ item: 'mine' }] });
    } finally {
      await fixed.stop();
    }
  });
});

describe('request validation and can_evaluate', () => {
  it('SECRET_AS_QUERY_PARAM: the secret in ?secret=', async () => {
    const app = await startDataApiApp({ validation_method: 'SECRET_AS_QUERY_PARAM', secret_name: 'endpointSecret' });
    try {
      await refused(await find(app, { apiKey: app.apiKey }), 401, 'IncomingWebhookAuthFailed', /query parameter "secret"/);
      await refused(await find(app, { apiKey: app.apiKey }, '?secret=wrong'), 401, 'IncomingWebhookAuthFailed');
      await find(app, { apiKey: app.apiKey }, `?secret=${ENDPOINT_SECRET}`).expect(200);
    } finally {
      await app.stop();
    }
  });

  it('VERIFY_PAYLOAD: Endpoint-Signature is the HMAC-SHA256 of the raw body', async () => {
    const app = await startDataApiApp({ validation_method: 'VERIFY_PAYLOAD', secret_name: 'endpointSecret' });
    try {
      const body = JSON.stringify(on('catalog'));
      const signature = `sha256=${createHmac('sha256', ENDPOINT_SECRET).update(body).digest('hex')}`;
      await app.post('find', body, { 'Endpoint-Signature': signature }).expect(200);
      await refused(await app.post('find', `${body} `, { 'Endpoint-Signature': signature }), 401, 'IncomingWebhookAuthFailed', /does not match/);
      await refused(await app.post('find', body), 401, 'IncomingWebhookAuthFailed', /Endpoint-Signature/);
    } finally {
      await app.stop();
    }
  });

  it('can_evaluate: the expression must hold for the request', async () => {
    const app = await startDataApiApp({ can_evaluate: { '%%request.requestHeaders.x-secret-key': 'my-secret' } });
    try {
      await refused(await find(app, { apiKey: app.apiKey }), 401, 'IncomingWebhookAuthFailed', /can_evaluate/);
      await find(app, { apiKey: app.apiKey, 'x-secret-key': 'my-secret' }).expect(200);
    } finally {
      await app.stop();
    }
  });
});

describe('disabled, versions, actions and data sources', () => {
  it('answers 404 when the Data API is disabled or was never set up', async () => {
    const disabled = await startDataApiApp({ disabled: true });
    try {
      await refused(await find(disabled, { apiKey: disabled.apiKey }), 404, 'IncomingWebhookNotFound', /disabled/);
    } finally {
      await disabled.stop();
    }
  });

  it('answers 404 for a version the app does not enable', async () => {
    await refused(await t.post('find', on('catalog'), {}, 'beta'), 404, 'IncomingWebhookNotFound', "Data API version 'beta' is not enabled for this app (enabled: v1)");
    await refused(await t.post('find', on('catalog'), {}, 'v2'), 404, 'IncomingWebhookNotFound');
  });

  it('answers 404 for an unknown action, listing the actions', async () => {
    await refused(await t.post('findAll', on('catalog')), 404, 'ServiceCommandNotFound', /unknown Data API action 'findAll'; the actions are findOne, find,/);
    await refused(await t.post('__proto__', on('catalog')), 404, 'ServiceCommandNotFound');
  });

  it('answers an unknown data source with the service error', async () => {
    await refused(await t.post('find', { dataSource: 'Cluster9', database: 'shop', collection: 'catalog' }), 400, 'ServiceNotFound', "service not found: 'Cluster9'");
  });
});

describe('rules', () => {
  it('refuses writes the role does not allow', async () => {
    await refused(await t.post('insertOne', on('catalog', { document: { sku: 'x' } })), 403, 'MongoDBError', 'insert not permitted');
    expect(await t.collection('catalog').countDocuments()).toBe(1);
  });

  it('refuses a namespace without rules', async () => {
    await refused(await t.post('find', on('secret')), 403, 'NoMatchingRuleFound', "no rule exists for namespace 'shop.secret'");
  });

  it("keeps each caller to its own documents through a %%user filter", async () => {
    const other = (await t.emulator.auth.createServerApiKey('other')).key;
    const userOf = async (apiKey: string) => (await t.emulator.auth.authenticateCredentials({ apiKey }, { createUserOnAuth: true })).id;
    const [first, second] = [await userOf(t.apiKey), await userOf(other)];
    await t.post('insertMany', on('orders', { documents: [{ owner_id: first, item: 'first' }, { owner_id: second, item: 'second' }] })).expect(200);
    const mine = await t.post('find', on('orders', { projection: { _id: 0, item: 1 } }), { Accept: 'application/json' }).expect(200);
    expect(mine.body.documents).toEqual([{ item: 'first' }]);
    const deleted = await t.post('deleteMany', on('orders', { filter: {} }), { apiKey: other, Accept: 'application/json' }).expect(200);
    expect(deleted.body).toEqual({ deletedCount: 1 });
    expect(await t.collection('orders').countDocuments({ owner_id: first })).toBe(1);
  });

  it("refuses the emulator's own database", async () => {
    await refused(await t.post('find', { dataSource: 'mongodb-atlas', database: `__app_services_${APP_ID}`, collection: 'users' }), 403, 'InvalidParameter');
  });
});
