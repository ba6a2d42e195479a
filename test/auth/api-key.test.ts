/** The api-key provider: server keys, user keys, and their refusals. */
import type { ApiKeyProvider } from '../../emulator/app';
import { internalDatabaseName } from '../../emulator/mongo/internal';
import { type AuthTestContext, refusal, startAuth, withProvider } from './helpers';

let context: AuthTestContext;
beforeAll(async () => {
  context = await startAuth();
});
afterAll(async () => context.close());

const login = (key: unknown, auth = context.auth) => auth.login('api-key', { key });
let counter = 0;
const freshName = () => `key-${++counter}`;

async function emailUser() {
  const email = `owner${++counter}@example.com`;
  await context.auth.createEmailUser(email, 'v3ry-s3cret');
  return context.auth.login('local-userpass', { username: email, password: 'v3ry-s3cret' });
}

describe('server API keys', () => {
  it('shows the key once, and logs in as the key\'s server user', async () => {
    const created = await context.auth.createServerApiKey('deploy');
    expect(created).toEqual({ _id: expect.stringMatching(/^[0-9a-f]{24}$/), key: expect.stringMatching(/^[A-Za-z0-9]{64}$/), name: 'deploy', disabled: false });
    expect(await context.auth.serverApiKeys.get(created._id)).toEqual({ _id: created._id, name: 'deploy', disabled: false });

    const first = await login(created.key);
    const second = await login(created.key);
    expect(first.user).toMatchObject({ type: 'server', data: { name: 'deploy' }, identities: [{ id: created._id, provider_type: 'api-key', provider_id: 'api-key' }] });
    expect(second.user.id).toBe(first.user.id);
  });

  it('keeps only a digest of each key', async () => {
    const created = await context.auth.createServerApiKey(freshName());
    const stored = await context.database.client.db(internalDatabaseName(context.definition.meta.appId)).collection('api_keys').find({}).toArray();
    expect(JSON.stringify(stored)).not.toContain(created.key);
  });

  it('refuses a disabled key and takes it back once enabled; disabling ends its sessions', async () => {
    const created = await context.auth.createServerApiKey(freshName());
    const session = await login(created.key);
    await context.auth.serverApiKeys.disable(created._id);
    expect(await refusal(login(created.key))).toMatchObject({ status: 401, errorCode: 'AuthError', message: 'API key disabled' });
    expect(await refusal(context.auth.refreshAccessToken(session.refreshToken))).toMatchObject({ status: 401, errorCode: 'InvalidSession' });
    await context.auth.serverApiKeys.enable(created._id);
    await expect(login(created.key)).resolves.toBeDefined();
  });

  it('refuses a deleted key, an unknown key and no key; deleting removes the server user', async () => {
    const created = await context.auth.createServerApiKey(freshName());
    const { user } = await login(created.key);
    await context.auth.serverApiKeys.delete(created._id);
    const invalid = { status: 401, errorCode: 'AuthError', message: 'invalid API key' };
    expect(await refusal(login(created.key))).toMatchObject(invalid);
    expect(await refusal(login('x'.repeat(64)))).toMatchObject(invalid);
    expect(await refusal(login(undefined))).toMatchObject(invalid);
    expect(await refusal(context.auth.getUser(user.id))).toMatchObject({ status: 404, errorCode: 'UserNotFound' });
    expect(await refusal(context.auth.serverApiKeys.get(created._id))).toMatchObject({ status: 404, errorCode: 'APIKeyNotFound', message: 'API key not found' });
  });

  it('refuses a name already used by another server key', async () => {
    const name = freshName();
    await context.auth.createServerApiKey(name);
    expect(await refusal(context.auth.createServerApiKey(name))).toMatchObject({ status: 409, errorCode: 'APIKeyAlreadyExists' });
    expect(await refusal(context.auth.createServerApiKey(''))).toMatchObject({ status: 400, errorCode: 'InvalidParameter' });
  });

  it('refuses every key while the api-key provider is disabled', async () => {
    const disabled = await startAuth({ change: (definition) => withProvider<ApiKeyProvider>(definition, 'api-key', (p) => ({ ...p, disabled: true })) });
    try {
      const created = await disabled.auth.createServerApiKey('unused');
      expect(await refusal(login(created.key, disabled.auth))).toMatchObject({ status: 401, errorCode: 'InvalidSession', message: "authentication via 'api-key' is unsupported" });
      expect(await refusal(disabled.auth.authenticateCredentials({ apiKey: created.key }, { createUserOnAuth: false }))).toMatchObject({ errorCode: 'InvalidSession' });
    } finally {
      await disabled.close();
    }
  });
});

describe('user API keys', () => {
  it('are created by a user, listed without their value, and log in as that user', async () => {
    const owner = await emailUser();
    const keys = await context.auth.userApiKeys(owner.refreshToken);
    const created = await keys.create('laptop');
    expect(created.key).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(await keys.list()).toEqual([{ _id: created._id, name: 'laptop', disabled: false }]);
    const result = await login(created.key);
    expect(result.user.id).toBe(owner.user.id);
    expect(result.user.type).toBe('normal');
  });

  it("are invisible to other users (APIKeyNotFound)", async () => {
    const owner = await emailUser();
    const stranger = await emailUser();
    const created = await (await context.auth.userApiKeys(owner.refreshToken)).create('mine');
    const theirs = await context.auth.userApiKeys(stranger.refreshToken);
    expect(await theirs.list()).toEqual([]);
    for (const attempt of [theirs.get(created._id), theirs.disable(created._id), theirs.delete(created._id)]) {
      expect(await refusal(attempt)).toMatchObject({ status: 404, errorCode: 'APIKeyNotFound', message: 'API key not found' });
    }
  });

  it('are refused once disabled or deleted', async () => {
    const owner = await emailUser();
    const keys = await context.auth.userApiKeys(owner.refreshToken);
    const created = await keys.create('phone');
    await keys.disable(created._id);
    expect(await keys.get(created._id)).toMatchObject({ disabled: true });
    expect(await refusal(login(created.key))).toMatchObject({ status: 401, message: 'API key disabled' });
    await keys.enable(created._id);
    await expect(login(created.key)).resolves.toBeDefined();
    await keys.delete(created._id);
    expect(await refusal(login(created.key))).toMatchObject({ status: 401, message: 'invalid API key' });
  });

  it('are limited to 20 per user, and refused to anonymous users', async () => {
    const owner = await emailUser();
    const keys = await context.auth.userApiKeys(owner.refreshToken);
    for (let i = 0; i < 20; i++) await keys.create(`key ${i}`);
    expect(await refusal(keys.create('one too many'))).toMatchObject({ status: 400, message: 'maximum number of API keys (20) reached' });
    const anonymous = await context.auth.login('anon-user', {});
    expect(await refusal((await context.auth.userApiKeys(anonymous.refreshToken)).create('nope'))).toMatchObject({ status: 403, message: 'anonymous users cannot create API keys' });
  });

  it('need a live session: a refresh token after logout is refused', async () => {
    const owner = await emailUser();
    await context.auth.logout(owner.refreshToken);
    expect(await refusal(context.auth.userApiKeys(owner.refreshToken))).toMatchObject({ status: 401, errorCode: 'InvalidSession' });
  });
});
