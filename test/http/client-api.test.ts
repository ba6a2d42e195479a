/** The client API over HTTP: routes, bodies, statuses and error bodies, as SDKs see them. */
import path from 'node:path';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { Emulator, startEmulator } from '../../emulator';

const APP = path.resolve(__dirname, '../../fixtures/apps/auth-providers');
const JWT_KEY = 'current-signing-key-of-the-auth-providers-app';
const SECRETS = { jwtSigningKey: JWT_KEY, jwtPreviousSigningKey: 'previous-signing-key-of-the-auth-providers-app' };

let emulator: Emulator;
let base: string;
beforeAll(async () => {
  emulator = await startEmulator({ app: APP, secrets: SECRETS });
  base = `/api/client/v2.0/app/${emulator.appId}`;
});
afterAll(async () => emulator.stop());

const errorBody = (error_code: string, error: string | RegExp) => ({
  error: typeof error === 'string' ? error : expect.stringMatching(error),
  error_code,
  link: expect.stringMatching(/\/_emulator\/requests\/[0-9a-f]+$/),
});
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const anonymous = async () => (await request(emulator.app).post(`${base}/auth/providers/anon-user/login`).send({ options: { device: { platform: 'node' } } }).expect(200)).body;

let counter = 0;
async function confirmedEmail(password = 'v3ry-s3cret') {
  const email = `client${++counter}@example.com`;
  await request(emulator.app).post(`${base}/auth/providers/local-userpass/register`).send({ email, password }).expect(201);
  const mail = await emulator.auth.mailbox.latest(email);
  await request(emulator.app).post(`${base}/auth/providers/local-userpass/confirm`).send({ token: mail!.token, tokenId: mail!.tokenId }).expect(204);
  return { email, password };
}

describe('location', () => {
  it('answers the deployment model, location and the host the client reached', async () => {
    const response = await request(emulator.app).get(`${base}/location`).set('Host', 'emulator.test:1234').expect(200);
    expect(response.body).toEqual({ deployment_model: 'GLOBAL', location: 'US-VA', hostname: 'http://emulator.test:1234', ws_hostname: 'ws://emulator.test:1234' });
  });
});

describe('login, profile, session', () => {
  it('logs in and answers {access_token, refresh_token, user_id, device_id}', async () => {
    const body = await anonymous();
    expect(body).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), user_id: expect.stringMatching(/^[0-9a-f]{24}$/), device_id: expect.stringMatching(/^[0-9a-f]{24}$/) });
  });

  it('reads a login body sent without a Content-Type', async () => {
    const email = (await confirmedEmail()).email;
    const response = await request(emulator.app)
      .post(`${base}/auth/providers/local-userpass/login`)
      .set('Content-Type', '')
      .send(Buffer.from(JSON.stringify({ username: email, password: 'v3ry-s3cret' })));
    expect(response.status).toBe(200);
  });

  it('answers the profile for the access token', async () => {
    const login = await anonymous();
    const profile = await request(emulator.app).get('/api/client/v2.0/auth/profile').set(bearer(login.access_token)).expect(200);
    expect(profile.body).toMatchObject({ user_id: login.user_id, type: 'normal', data: {}, identities: [{ provider_type: 'anon-user' }] });
  });

  it('refreshes with the refresh token (201 {access_token}) and logs out (204); the refresh token then answers 401 InvalidSession', async () => {
    const login = await anonymous();
    const refreshed = await request(emulator.app).post('/api/client/v2.0/auth/session').set(bearer(login.refresh_token)).expect(201);
    expect(refreshed.body).toEqual({ access_token: expect.any(String), user_id: login.user_id });
    await request(emulator.app).delete('/api/client/v2.0/auth/session').set(bearer(login.refresh_token)).expect(204);
    const again = await request(emulator.app).post('/api/client/v2.0/auth/session').set(bearer(login.refresh_token)).expect(401);
    expect(again.body).toEqual(errorBody('InvalidSession', 'invalid session: failed to find refresh token'));
  });

  it('links an identity with login?link=true and the access token', async () => {
    const login = await anonymous();
    const token = jwt.sign({ sub: 'http-link', aud: 'auth-providers-kqzvw', exp: Math.floor(Date.now() / 1000) + 60, user_data: { department: 'x' } }, JWT_KEY);
    const linked = await request(emulator.app).post(`${base}/auth/providers/custom-token/login?link=true`).set(bearer(login.access_token)).send({ token }).expect(200);
    expect(linked.body.user_id).toBe(login.user_id);
    const missing = await request(emulator.app).post(`${base}/auth/providers/custom-token/login?link=true`).send({ token }).expect(401);
    expect(missing.body).toEqual(errorBody('MissingAuthReq', 'must authenticate first'));
  });

  it('deletes the calling user (204)', async () => {
    const login = await anonymous();
    await request(emulator.app).delete('/api/client/v2.0/auth/delete').set(bearer(login.access_token)).expect(204);
    const profile = await request(emulator.app).get('/api/client/v2.0/auth/profile').set(bearer(login.access_token)).expect(401);
    expect(profile.body.error_code).toBe('InvalidSession');
  });

  it.each([
    ['no token', {}, 'MissingAuthReq', 'must authenticate first'],
    ['a malformed token', bearer('not-a-token'), 'InvalidSession', /^invalid session: /],
  ])('refuses the profile with %s (401)', async (_what, headers, code, message) => {
    const response = await request(emulator.app).get('/api/client/v2.0/auth/profile').set(headers).expect(401);
    expect(response.body).toEqual(errorBody(code, message));
  });

  it.each([
    ['an unknown provider', 'oauth2-apple', {}, 404, 'AuthProviderNotFound', "auth provider not found: 'oauth2-apple'"],
    ['a disabled provider', 'custom-function', {}, 401, 'InvalidSession', "authentication via 'custom-function' is unsupported"],
    ['a wrong password', 'local-userpass', { username: 'nobody@example.com', password: 'whatever' }, 401, 'InvalidPassword', 'invalid username/password'],
    ['a wrong API key', 'api-key', { key: 'nope' }, 401, 'AuthError', 'invalid API key'],
    ['an expired JWT', 'custom-token', { token: jwt.sign({ sub: 'x', aud: 'auth-providers-kqzvw', exp: 1 }, JWT_KEY) }, 401, 'AuthError', 'token is expired'],
  ])('refuses a login with %s', async (_what, provider, body, status, code, message) => {
    const response = await request(emulator.app).post(`${base}/auth/providers/${provider}/login`).send(body).expect(status);
    expect(response.body).toEqual(errorBody(code, message));
  });
});

describe('local-userpass routes', () => {
  const route = (name: string) => `${base}/auth/providers/local-userpass/${name}`;

  it('registers (201), refuses a duplicate (409 AccountNameInUse), confirms (204)', async () => {
    const email = `routes${++counter}@example.com`;
    await request(emulator.app).post(route('register')).send({ email, password: 'v3ry-s3cret' }).expect(201);
    const duplicate = await request(emulator.app).post(route('register')).send({ email, password: 'v3ry-s3cret' }).expect(409);
    expect(duplicate.body).toEqual(errorBody('AccountNameInUse', 'name already in use'));
    const unconfirmed = await request(emulator.app).post(route('login')).send({ username: email, password: 'v3ry-s3cret' }).expect(401);
    expect(unconfirmed.body).toEqual(errorBody('AuthError', 'confirmation required'));
    await request(emulator.app).post(route('confirm/send')).send({ email }).expect(204);
    const mail = await emulator.auth.mailbox.latest(email);
    await request(emulator.app).post(route('confirm')).send({ token: mail!.token, tokenId: mail!.tokenId }).expect(204);
    const bad = await request(emulator.app).post(route('confirm')).send({ token: mail!.token, tokenId: mail!.tokenId }).expect(400);
    expect(bad.body).toEqual(errorBody('UserpassTokenInvalid', 'invalid token data'));
    const resend = await request(emulator.app).post(route('confirm/send')).send({ email }).expect(400);
    expect(resend.body).toEqual(errorBody('UserAlreadyConfirmed', 'already confirmed'));
  });

  it('resets a password by email (204s), and refuses the function routes the app does not use', async () => {
    const { email } = await confirmedEmail();
    await request(emulator.app).post(route('reset/send')).send({ email }).expect(204);
    const mail = await emulator.auth.mailbox.latest(email, 'password-reset');
    await request(emulator.app).post(route('reset')).send({ password: 'new-password', token: mail!.token, tokenId: mail!.tokenId }).expect(204);
    await request(emulator.app).post(route('login')).send({ username: email, password: 'new-password' }).expect(200);
    const call = await request(emulator.app).post(route('reset/call')).send({ email, password: 'another-one', arguments: [] }).expect(400);
    expect(call.body.error_code).toBe('BadRequest');
    const confirmCall = await request(emulator.app).post(route('confirm/call')).send({ email }).expect(400);
    expect(confirmCall.body.error_code).toBe('BadRequest');
  });

  it('refuses short passwords and unknown emails', async () => {
    const short = await request(emulator.app).post(route('register')).send({ email: 'short@example.com', password: '12345' }).expect(400);
    expect(short.body).toEqual(errorBody('BadRequest', 'password must be between 6 and 128 characters'));
    const unknown = await request(emulator.app).post(route('reset/send')).send({ email: 'nobody@example.com' }).expect(404);
    expect(unknown.body).toEqual(errorBody('UserNotFound', 'user not found'));
  });

  it('answers these routes only for an email/password provider', async () => {
    const response = await request(emulator.app).post(`${base}/auth/providers/anon-user/register`).send({ email: 'a@example.com', password: 'v3ry-s3cret' }).expect(404);
    expect(response.body.error_code).toBe('AuthProviderNotFound');
  });
});

describe('user API key routes (refresh token)', () => {
  it('creates (201), lists, gets, disables, enables and deletes (204)', async () => {
    const { email, password } = await confirmedEmail();
    const login = (await request(emulator.app).post(`${base}/auth/providers/local-userpass/login`).send({ username: email, password }).expect(200)).body;
    const auth = bearer(login.refresh_token);
    const created = await request(emulator.app).post('/api/client/v2.0/auth/api_keys').set(auth).send({ name: 'cli' }).expect(201);
    expect(created.body).toEqual({ _id: expect.any(String), key: expect.any(String), name: 'cli', disabled: false });
    const id = created.body._id;
    expect((await request(emulator.app).get('/api/client/v2.0/auth/api_keys').set(auth).expect(200)).body).toEqual([{ _id: id, name: 'cli', disabled: false }]);
    await request(emulator.app).put(`/api/client/v2.0/auth/api_keys/${id}/disable`).set(auth).expect(204);
    expect((await request(emulator.app).get(`/api/client/v2.0/auth/api_keys/${id}`).set(auth).expect(200)).body).toEqual({ _id: id, name: 'cli', disabled: true });
    const refused = await request(emulator.app).post(`${base}/auth/providers/api-key/login`).send({ key: created.body.key }).expect(401);
    expect(refused.body).toEqual(errorBody('AuthError', 'API key disabled'));
    await request(emulator.app).put(`/api/client/v2.0/auth/api_keys/${id}/enable`).set(auth).expect(204);
    const keyLogin = await request(emulator.app).post(`${base}/auth/providers/api-key/login`).send({ key: created.body.key }).expect(200);
    expect(keyLogin.body.user_id).toBe(login.user_id);
    await request(emulator.app).delete(`/api/client/v2.0/auth/api_keys/${id}`).set(auth).expect(204);
    const gone = await request(emulator.app).get(`/api/client/v2.0/auth/api_keys/${id}`).set(auth).expect(404);
    expect(gone.body).toEqual(errorBody('APIKeyNotFound', 'API key not found'));
  });

  it('refuses without a token', async () => {
    const response = await request(emulator.app).get('/api/client/v2.0/auth/api_keys').expect(401);
    expect(response.body).toEqual(errorBody('MissingAuthReq', 'must authenticate first'));
  });
});
