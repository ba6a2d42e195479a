/**
 * The auth features that run app functions, through the client API with the emulator's function
 * runtime: the custom-function provider, email/password confirmation and reset functions, and
 * custom user data's on_user_creation_function_name.
 */
import path from 'node:path';
import request from 'supertest';
import { Emulator, startEmulator } from '../../emulator';

const APP = path.resolve(__dirname, '../../fixtures/apps/functions-client');
const BASE = '/api/client/v2.0/app/functions-client-vxmqa';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ app: APP });
});
afterAll(async () => {
  await emulator.mongo.client.db('client').dropDatabase();
  await emulator.stop();
});

const post = (route: string, body: Record<string, unknown>) => request(emulator.app).post(`${BASE}${route}`).send(body);
const profileOf = async (accessToken: string) => (await request(emulator.app).get('/api/client/v2.0/auth/profile').set('Authorization', `Bearer ${accessToken}`).expect(200)).body;

describe('the custom-function provider', () => {
  it('logs in whoever the authentication function names: the id is the identity, the name the profile’s', async () => {
    const login = await post('/auth/providers/custom-function/login', { username: 'ada', displayName: 'Ada Lovelace', options: { device: { platform: 'node' } } }).expect(200);
    const profile = await profileOf(login.body.access_token);
    expect(profile.identities).toEqual([{ id: 'user:ada', provider_type: 'custom-function', provider_id: 'custom-function' }]);
    expect(profile.data).toEqual({ name: 'Ada Lovelace' });
    // The same id is the same user.
    const again = await post('/auth/providers/custom-function/login', { username: 'ada' }).expect(200);
    expect(again.body.user_id).toBe(login.body.user_id);
  });

  it('accepts a plain id string', async () => {
    const login = await post('/auth/providers/custom-function/login', { username: 'anonymous-id' }).expect(200);
    expect((await profileOf(login.body.access_token)).identities[0].id).toBe('plain-string-id');
  });

  it('refuses the login with the message the function threw: 401', async () => {
    const refused = await post('/auth/providers/custom-function/login', { username: 'blocked' }).expect(401);
    expect(refused.body).toMatchObject({ error: 'this account is blocked', error_code: 'AuthError' });
  });

  it('says what the function must return when it returns something else', async () => {
    const refused = await post('/auth/providers/custom-function/login', { username: 'nothing' }).expect(400);
    expect(refused.body).toMatchObject({ error_code: 'FunctionExecutionError', error: 'the authentication function "auth/login" must return a user id (a non-empty string) or {id, name}' });
  });
});

describe('email/password functions', () => {
  it('the confirmation function confirms, leaves pending, or refuses the registration', async () => {
    await post('/auth/providers/local-userpass/register', { email: 'ok@confirm.test', password: 'v3ry-s3cret' }).expect(201);
    await post('/auth/providers/local-userpass/login', { username: 'ok@confirm.test', password: 'v3ry-s3cret' }).expect(200);

    await post('/auth/providers/local-userpass/register', { email: 'later@pending.test', password: 'v3ry-s3cret' }).expect(201);
    expect((await post('/auth/providers/local-userpass/login', { username: 'later@pending.test', password: 'v3ry-s3cret' }).expect(401)).body.error).toBe('confirmation required');
    await post('/auth/providers/local-userpass/confirm/call', { email: 'later@pending.test' }).expect(204);

    const refused = await post('/auth/providers/local-userpass/register', { email: 'someone@elsewhere.test', password: 'v3ry-s3cret' }).expect(400);
    expect(refused.body).toMatchObject({ error_code: 'BadRequest', error: 'failed to confirm user "someone@elsewhere.test"' });
  });

  it('the reset function sets the password, with the extra arguments the client sent, or refuses', async () => {
    await post('/auth/providers/local-userpass/register', { email: 'reset@confirm.test', password: 'old-password' }).expect(201);
    await post('/auth/providers/local-userpass/reset/call', { email: 'reset@confirm.test', password: 'new-password', arguments: ['ok'] }).expect(204);
    await post('/auth/providers/local-userpass/login', { username: 'reset@confirm.test', password: 'new-password' }).expect(200);
    const refused = await post('/auth/providers/local-userpass/reset/call', { email: 'reset@confirm.test', password: 'fail-this-reset', arguments: ['ok'] }).expect(400);
    expect(refused.body.error).toBe('failed to reset password for user "reset@confirm.test"');
    await post('/auth/providers/local-userpass/login', { username: 'reset@confirm.test', password: 'new-password' }).expect(200);
  });
});

describe('on_user_creation_function_name', () => {
  it('runs once per new user, before its first token, so the token carries the custom data it wrote', async () => {
    const login = await post('/auth/providers/custom-function/login', { username: 'newcomer' }).expect(200);
    const claims = JSON.parse(Buffer.from(login.body.access_token.split('.')[1], 'base64url').toString('utf8'));
    expect(claims.user_data).toMatchObject({ user_id: login.body.user_id, plan: 'free', providers: ['custom-function'] });
    await post('/auth/providers/custom-function/login', { username: 'newcomer' }).expect(200);
    expect(await emulator.mongo.client.db('client').collection('user_data').countDocuments({ user_id: login.body.user_id })).toBe(1);
  });
});
