/** The Admin API subset (users, API keys) and the emulator's mailbox, over HTTP. */
import path from 'node:path';
import request from 'supertest';
import { Emulator, startEmulator } from '../../emulator';

const APP = path.resolve(__dirname, '../../fixtures/apps/auth-providers');
const SECRETS = { jwtSigningKey: 'current-signing-key-of-the-auth-providers-app', jwtPreviousSigningKey: 'previous-signing-key-of-the-auth-providers-app' };
const ADMIN_KEY = { publicKey: 'qwertyui', privateKey: '2b0c1c8e-8a55-4a0e-9d3c-6a1f0e6f9b21' };
const GROUP = '5f1e2d3c4b5a697887766554';

let emulator: Emulator;
let admin: Record<string, string>;
let appPath: string;
beforeAll(async () => {
  emulator = await startEmulator({ app: APP, secrets: SECRETS, adminKey: ADMIN_KEY });
  const login = await request(emulator.app)
    .post('/api/admin/v3.0/auth/providers/mongodb-cloud/login')
    .send({ username: ADMIN_KEY.publicKey, apiKey: ADMIN_KEY.privateKey })
    .expect(200);
  admin = { Authorization: `Bearer ${login.body.access_token}` };
  appPath = `/api/admin/v3.0/groups/${GROUP}/apps/${emulator.auth.appObjectId}`;
});
afterAll(async () => emulator.stop());

const clientLogin = (provider: string, body: object) => request(emulator.app).post(`/api/client/v2.0/app/${emulator.appId}/auth/providers/${provider}/login`).send(body);

describe('admin login', () => {
  it('answers tokens for the key pair, and a new access token for the refresh token', async () => {
    const login = await request(emulator.app).post('/api/admin/v3.0/auth/providers/mongodb-cloud/login').send({ username: ADMIN_KEY.publicKey, apiKey: ADMIN_KEY.privateKey }).expect(200);
    expect(login.body).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), user_id: ADMIN_KEY.publicKey, device_id: '000000000000000000000000' });
    const session = await request(emulator.app).post('/api/admin/v3.0/auth/session').set('Authorization', `Bearer ${login.body.refresh_token}`).expect(201);
    await request(emulator.app).get(`/api/admin/v3.0/groups/${GROUP}/apps`).set('Authorization', `Bearer ${session.body.access_token}`).expect(200);
  });

  it('refuses a wrong private key, a missing token and a client token', async () => {
    const wrong = await request(emulator.app).post('/api/admin/v3.0/auth/providers/mongodb-cloud/login').send({ username: ADMIN_KEY.publicKey, apiKey: 'wrong' }).expect(401);
    expect(wrong.body).toMatchObject({ error_code: 'InvalidPassword' });
    expect((await request(emulator.app).get(`/api/admin/v3.0/groups/${GROUP}/apps`).expect(401)).body).toMatchObject({ error_code: 'MissingAuthReq' });
    const client = (await clientLogin('anon-user', {}).expect(200)).body;
    const refused = await request(emulator.app).get(`/api/admin/v3.0/groups/${GROUP}/apps`).set('Authorization', `Bearer ${client.access_token}`).expect(401);
    expect(refused.body.error_code).toBe('InvalidSession');
  });
});

describe('apps', () => {
  it('lists this app with its _id and client_app_id', async () => {
    const response = await request(emulator.app).get(`/api/admin/v3.0/groups/${GROUP}/apps`).set(admin).expect(200);
    expect(response.body).toEqual([
      expect.objectContaining({ _id: emulator.auth.appObjectId, client_app_id: emulator.appId, name: 'auth-providers', group_id: GROUP, location: 'US-VA', deployment_model: 'GLOBAL' }),
    ]);
  });

  it('finds the app by _id or client app id, and answers 404 for another', async () => {
    await request(emulator.app).get(appPath).set(admin).expect(200);
    await request(emulator.app).get(`/api/admin/v3.0/groups/${GROUP}/apps/${emulator.appId}/api_keys`).set(admin).expect(200);
    const other = await request(emulator.app).get(`/api/admin/v3.0/groups/${GROUP}/apps/000000000000000000000000/users`).set(admin).expect(404);
    expect(other.body).toMatchObject({ error_code: 'AppNotFound' });
  });
});

describe('api_keys', () => {
  it('creates (201, key shown once), lists, gets, disables, enables and deletes (204) server keys', async () => {
    const created = await request(emulator.app).post(`${appPath}/api_keys`).set(admin).send({ name: 'ci' }).expect(201);
    expect(created.body).toEqual({ _id: expect.any(String), key: expect.stringMatching(/^[A-Za-z0-9]{64}$/), name: 'ci', disabled: false });
    const id = created.body._id;
    const list = await request(emulator.app).get(`${appPath}/api_keys`).set(admin).expect(200);
    expect(list.body).toContainEqual({ _id: id, name: 'ci', disabled: false });
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);

    const login = await clientLogin('api-key', { key: created.body.key }).expect(200);
    const profile = await request(emulator.app).get('/api/client/v2.0/auth/profile').set('Authorization', `Bearer ${login.body.access_token}`).expect(200);
    expect(profile.body).toMatchObject({ type: 'server', data: { name: 'ci' } });

    await request(emulator.app).put(`${appPath}/api_keys/${id}/disable`).set(admin).expect(204);
    expect((await request(emulator.app).get(`${appPath}/api_keys/${id}`).set(admin).expect(200)).body).toEqual({ _id: id, name: 'ci', disabled: true });
    expect((await clientLogin('api-key', { key: created.body.key }).expect(401)).body).toMatchObject({ error_code: 'AuthError', error: 'API key disabled' });
    await request(emulator.app).put(`${appPath}/api_keys/${id}/enable`).set(admin).expect(204);
    await clientLogin('api-key', { key: created.body.key }).expect(200);
    await request(emulator.app).delete(`${appPath}/api_keys/${id}`).set(admin).expect(204);
    expect((await clientLogin('api-key', { key: created.body.key }).expect(401)).body).toMatchObject({ error: 'invalid API key' });
    expect((await request(emulator.app).get(`${appPath}/api_keys/${id}`).set(admin).expect(404)).body).toMatchObject({ error_code: 'APIKeyNotFound' });
  });
});

describe('users', () => {
  it('creates a confirmed email/password user (201) that can log in at once', async () => {
    const created = await request(emulator.app).post(`${appPath}/users`).set(admin).send({ email: 'admin-made@example.com', password: 'v3ry-s3cret' }).expect(201);
    expect(created.body).toEqual({
      _id: expect.stringMatching(/^[0-9a-f]{24}$/),
      type: 'normal',
      identities: [expect.objectContaining({ provider_type: 'local-userpass' })],
      data: { email: 'admin-made@example.com' },
      disabled: false,
      creation_date: expect.any(Number),
      last_authentication_date: 0,
    });
    const login = await clientLogin('local-userpass', { username: 'admin-made@example.com', password: 'v3ry-s3cret' }).expect(200);
    expect(login.body.user_id).toBe(created.body._id);
    const duplicate = await request(emulator.app).post(`${appPath}/users`).set(admin).send({ email: 'admin-made@example.com', password: 'v3ry-s3cret' }).expect(409);
    expect(duplicate.body.error_code).toBe('AccountNameInUse');
  });

  it('lists and gets users, disables and enables them, logs them out, deletes them', async () => {
    const created = (await request(emulator.app).post(`${appPath}/users`).set(admin).send({ email: 'managed@example.com', password: 'v3ry-s3cret' }).expect(201)).body;
    const users = (await request(emulator.app).get(`${appPath}/users`).set(admin).expect(200)).body;
    expect(users.map((user: { _id: string }) => user._id)).toContain(created._id);
    expect((await request(emulator.app).get(`${appPath}/users/${created._id}`).set(admin).expect(200)).body._id).toBe(created._id);

    const session = (await clientLogin('local-userpass', { username: 'managed@example.com', password: 'v3ry-s3cret' }).expect(200)).body;
    await request(emulator.app).put(`${appPath}/users/${created._id}/logout`).set(admin).expect(204);
    await request(emulator.app).post('/api/client/v2.0/auth/session').set('Authorization', `Bearer ${session.refresh_token}`).expect(401);

    await request(emulator.app).put(`${appPath}/users/${created._id}/disable`).set(admin).expect(204);
    const refused = await clientLogin('local-userpass', { username: 'managed@example.com', password: 'v3ry-s3cret' }).expect(401);
    expect(refused.body).toMatchObject({ error_code: 'UserDisabled' });
    await request(emulator.app).put(`${appPath}/users/${created._id}/enable`).set(admin).expect(204);
    await clientLogin('local-userpass', { username: 'managed@example.com', password: 'v3ry-s3cret' }).expect(200);

    await request(emulator.app).delete(`${appPath}/users/${created._id}`).set(admin).expect(204);
    expect((await request(emulator.app).get(`${appPath}/users/${created._id}`).set(admin).expect(404)).body).toMatchObject({ error_code: 'UserNotFound' });
  });

  it('confirms a pending registration by email', async () => {
    await request(emulator.app).post(`/api/client/v2.0/app/${emulator.appId}/auth/providers/local-userpass/register`).send({ email: 'pending@example.com', password: 'v3ry-s3cret' }).expect(201);
    await clientLogin('local-userpass', { username: 'pending@example.com', password: 'v3ry-s3cret' }).expect(401);
    await request(emulator.app).post(`${appPath}/user_registrations/by_email/${encodeURIComponent('pending@example.com')}/confirm`).set(admin).expect(204);
    await clientLogin('local-userpass', { username: 'pending@example.com', password: 'v3ry-s3cret' }).expect(200);
    const again = await request(emulator.app).post(`${appPath}/user_registrations/by_email/pending@example.com/confirm`).set(admin).expect(400);
    expect(again.body.error_code).toBe('UserAlreadyConfirmed');
  });

  it('deletes a pending registration, freeing the email', async () => {
    await request(emulator.app).post(`/api/client/v2.0/app/${emulator.appId}/auth/providers/local-userpass/register`).send({ email: 'drop@example.com', password: 'v3ry-s3cret' }).expect(201);
    await request(emulator.app).delete(`${appPath}/user_registrations/by_email/drop@example.com`).set(admin).expect(204);
    await request(emulator.app).post(`/api/client/v2.0/app/${emulator.appId}/auth/providers/local-userpass/register`).send({ email: 'drop@example.com', password: 'v3ry-s3cret' }).expect(201);
  });

  it('verifies an access token', async () => {
    const client = (await clientLogin('anon-user', {}).expect(200)).body;
    const verified = await request(emulator.app).post(`${appPath}/users/verify_token`).set(admin).send({ token: client.access_token }).expect(200);
    expect(verified.body).toMatchObject({ sub: client.user_id, device_id: client.device_id, domain_id: emulator.auth.domainId });
    const forged = await request(emulator.app).post(`${appPath}/users/verify_token`).set(admin).send({ token: 'x.y.z' }).expect(401);
    expect(forged.body.error_code).toBe('InvalidSession');
  });
});

describe('the mailbox', () => {
  it('lists what App Services would have emailed, for the admin key (Basic) or an admin token, and empties it', async () => {
    await request(emulator.app).post(`/api/client/v2.0/app/${emulator.appId}/auth/providers/local-userpass/register`).send({ email: 'mailbox@example.com', password: 'v3ry-s3cret' }).expect(201);
    const basic = await request(emulator.app).get('/_emulator/mailbox?to=mailbox@example.com').auth(ADMIN_KEY.publicKey, ADMIN_KEY.privateKey).expect(200);
    expect(basic.body).toEqual([
      { id: expect.any(String), to: 'mailbox@example.com', kind: 'confirmation', subject: 'Confirm your account', token: expect.any(String), tokenId: expect.any(String), url: expect.stringContaining('https://app.example.com/confirm?token='), sentAt: expect.any(String) },
    ]);
    const all = await request(emulator.app).get('/_emulator/mailbox').set(admin).expect(200);
    expect(all.body.length).toBeGreaterThanOrEqual(1);
    expect((await request(emulator.app).get('/_emulator/mailbox').expect(401)).body.error_code).toBe('MissingAuthReq');
    expect((await request(emulator.app).get('/_emulator/mailbox').auth(ADMIN_KEY.publicKey, 'wrong').expect(401)).body.error_code).toBe('InvalidPassword');
    const cleared = await request(emulator.app).delete('/_emulator/mailbox').set(admin).expect(200);
    expect(cleared.body.deleted).toBe(all.body.length);
    expect((await request(emulator.app).get('/_emulator/mailbox').set(admin).expect(200)).body).toEqual([]);
  });
});
