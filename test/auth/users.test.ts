/** Users: identities and linking, disabling, deletion, credential headers, provider lookup. */
import type { CustomFunctionProvider } from '../../emulator/app';
import { type FunctionCaller, generateAdminKey, parseAdminKey } from '../../emulator/auth';
import { type AuthTestContext, claimsOf, customJwt, refusal, startAuth, withProvider } from './helpers';

let context: AuthTestContext;
beforeAll(async () => {
  context = await startAuth();
});
afterAll(async () => context.close());

let counter = 0;
async function emailUser(password = 'v3ry-s3cret') {
  const email = `person${++counter}-${Date.now()}@example.com`;
  const created = await context.auth.createEmailUser(email, password);
  return { email, password, created, login: () => context.auth.login('local-userpass', { username: email, password }) };
}

describe('users and identities', () => {
  it('makes a new anonymous user at every anonymous login, with an anonymous identity id', async () => {
    const first = await context.auth.login('anon-user', {});
    const second = await context.auth.login('anon-user', {});
    expect(first.user.id).not.toBe(second.user.id);
    expect(first.user.identities).toEqual([{ id: expect.stringMatching(/^[0-9a-f]{24}-[a-z]{24}$/), provider_type: 'anon-user', provider_id: 'anon-user' }]);
    expect(first.user).toMatchObject({ type: 'normal', data: {}, custom_data: {} });
  });

  it('links a second identity to a user (login?link=true); later logins with it find that user', async () => {
    const anonymous = await context.auth.login('anon-user', {});
    const linked = await context.auth.login('custom-token', { token: customJwt({ sub: 'linked-employee' }) }, { linkTo: anonymous.accessToken });
    expect(linked.user.id).toBe(anonymous.user.id);
    expect(linked.user.identities.map((identity) => identity.provider_type)).toEqual(['anon-user', 'custom-token']);
    expect(linked.user.data).toEqual({ department: 'support', name: 'Ada' });
    const again = await context.auth.login('custom-token', { token: customJwt({ sub: 'linked-employee' }) });
    expect(again.user.id).toBe(anonymous.user.id);
    expect((await context.auth.profile(again.accessToken)).identities).toHaveLength(2);
  });

  it("refuses to link an identity that is another user's", async () => {
    await context.auth.login('custom-token', { token: customJwt({ sub: 'owned-employee' }) });
    const someoneElse = await context.auth.login('anon-user', {});
    expect(await refusal(context.auth.login('custom-token', { token: customJwt({ sub: 'owned-employee' }) }, { linkTo: someoneElse.accessToken }))).toMatchObject({
      status: 400,
      errorCode: 'BadRequest',
      message: 'this identity is already linked to another user',
    });
  });

  it('answers the profile SDKs read: user_id, domain_id, type, data, identities', async () => {
    const person = await emailUser();
    const result = await person.login();
    expect(await context.auth.profile(result.accessToken)).toEqual({
      user_id: result.user.id,
      domain_id: context.auth.domainId,
      type: 'normal',
      data: { email: person.email },
      identities: [{ id: expect.any(String), provider_type: 'local-userpass', provider_id: 'local-userpass', provider_data: { email: person.email } }],
    });
  });
});

describe('disabled and deleted users', () => {
  it('refuses a disabled user everywhere, ends its sessions, and lets it back in once enabled', async () => {
    const person = await emailUser();
    const before = await person.login();
    await context.auth.setUserDisabled(before.user.id, true);
    expect(await refusal(person.login())).toMatchObject({ status: 401, errorCode: 'UserDisabled', message: 'user disabled' });
    expect(await refusal(context.auth.userFromAccessToken(before.accessToken))).toMatchObject({ status: 401, errorCode: 'UserDisabled' });
    expect(await refusal(context.auth.refreshAccessToken(before.refreshToken))).toMatchObject({ status: 401, errorCode: 'InvalidSession' });
    expect(await refusal(context.auth.authenticateCredentials({ email: person.email, password: person.password }, { createUserOnAuth: true }))).toMatchObject({ errorCode: 'UserDisabled' });
    expect((await context.auth.getUser(before.user.id)).disabled).toBe(true);

    await context.auth.setUserDisabled(before.user.id, false);
    await expect(person.login()).resolves.toMatchObject({ user: { id: before.user.id } });
  });

  it('deletes a user with its sessions and account: its tokens stop working and the email is free again', async () => {
    const person = await emailUser();
    const result = await person.login();
    await context.auth.deleteUser(result.user.id);
    expect(await refusal(context.auth.userFromAccessToken(result.accessToken))).toMatchObject({ status: 401, errorCode: 'InvalidSession', message: 'invalid session: user not found' });
    expect(await refusal(context.auth.refreshAccessToken(result.refreshToken))).toMatchObject({ errorCode: 'InvalidSession' });
    expect(await refusal(person.login())).toMatchObject({ errorCode: 'InvalidPassword' });
    await expect(context.auth.createEmailUser(person.email, 'a-new-password')).resolves.toBeDefined();
  });

  it('lets a user delete itself', async () => {
    const result = await context.auth.login('anon-user', {});
    await context.auth.deleteSelf(result.accessToken);
    expect(await refusal(context.auth.getUser(result.user.id))).toMatchObject({ status: 404, errorCode: 'UserNotFound', message: 'user not found' });
  });

  it('lists users as the Admin API shows them', async () => {
    const person = await emailUser();
    const view = await context.auth.getUser(person.created._id);
    expect(view).toEqual({
      _id: person.created._id,
      type: 'normal',
      identities: [expect.objectContaining({ provider_type: 'local-userpass' })],
      data: { email: person.email },
      disabled: false,
      creation_date: expect.any(Number),
      last_authentication_date: 0,
    });
    expect((await context.auth.listUsers()).map((user) => user._id)).toContain(person.created._id);
    expect(await refusal(context.auth.getUser('not-an-id'))).toMatchObject({ status: 404, errorCode: 'UserNotFound' });
  });
});

describe('the user creation function (custom_user_data.json)', () => {
  const withCreationFunction = (callFunction?: FunctionCaller) =>
    startAuth({
      callFunction,
      change: (definition) => ({ ...definition, customUserData: { ...definition.customUserData!, onUserCreationFunctionName: 'onUserCreation' } }),
    });

  it('runs once per new user, before its first token, so custom data it writes is in that token', async () => {
    const calls: unknown[][] = [];
    let creation: AuthTestContext | undefined;
    creation = await withCreationFunction(async (name, args) => {
      calls.push([name, ...args]);
      const user = args[0] as { id: string };
      await creation!.database.db.collection('user_data').insertOne({ user_id: user.id, welcomed: true });
    });
    try {
      const first = await creation.auth.login('custom-token', { token: customJwt({ sub: 'new-hire' }) });
      expect(calls).toEqual([['onUserCreation', expect.objectContaining({ id: first.user.id, identities: [expect.objectContaining({ id: 'new-hire' })] })]]);
      expect(claimsOf(first.accessToken).user_data).toMatchObject({ welcomed: true });
      await creation.auth.login('custom-token', { token: customJwt({ sub: 'new-hire' }) });
      expect(calls).toHaveLength(1);
    } finally {
      await creation.close();
    }
  });

  it('does not stop logins when it fails or cannot run', async () => {
    const failing = await withCreationFunction(async () => {
      throw new Error('boom');
    });
    const without = await withCreationFunction(undefined);
    try {
      await expect(failing.auth.login('anon-user', {})).resolves.toBeDefined();
      await expect(without.auth.login('anon-user', {})).resolves.toBeDefined();
    } finally {
      await failing.close();
      await without.close();
    }
  });
});

describe('credential headers (Data API)', () => {
  it('authenticates a server API key as its server user', async () => {
    const key = await context.auth.createServerApiKey('data-api');
    expect(await context.auth.authenticateCredentials({ apiKey: key.key }, { createUserOnAuth: false })).toMatchObject({ type: 'server', data: { name: 'data-api' } });
    expect(await refusal(context.auth.authenticateCredentials({ apiKey: 'wrong' }, { createUserOnAuth: true }))).toMatchObject({ status: 401, message: 'invalid API key' });
  });

  it('creates the user of a new JWT identity only with create_user_on_auth', async () => {
    const token = customJwt({ sub: 'data-api-employee' });
    expect(await refusal(context.auth.authenticateCredentials({ jwt: token }, { createUserOnAuth: false }))).toMatchObject({ status: 401, errorCode: 'AuthError' });
    const created = await context.auth.authenticateCredentials({ jwt: token }, { createUserOnAuth: true });
    expect(created.identities[0].id).toBe('data-api-employee');
    await expect(context.auth.authenticateCredentials({ jwt: token }, { createUserOnAuth: false })).resolves.toMatchObject({ id: created.id });
    expect(await refusal(context.auth.authenticateCredentials({ jwt: customJwt({ exp: 1 }) }, { createUserOnAuth: true }))).toMatchObject({ message: 'token is expired' });
  });

  it('authenticates email and password, with the custom user data read now', async () => {
    const person = await emailUser();
    const user = await context.auth.authenticateCredentials({ email: person.email, password: person.password }, { createUserOnAuth: false });
    await context.database.db.collection('user_data').insertOne({ user_id: user.id, theme: 'dark' });
    expect((await context.auth.authenticateCredentials({ email: person.email, password: person.password }, { createUserOnAuth: false })).custom_data).toMatchObject({ theme: 'dark' });
    expect(await refusal(context.auth.authenticateCredentials({ email: person.email, password: 'wrong-one' }, { createUserOnAuth: true }))).toMatchObject({ errorCode: 'InvalidPassword' });
  });
});

describe('providers the app has, has disabled, or the emulator does not serve', () => {
  it('refuses an unknown provider name with 404 AuthProviderNotFound', async () => {
    expect(await refusal(context.auth.login('oauth2-google', {}))).toMatchObject({ status: 404, errorCode: 'AuthProviderNotFound', message: "auth provider not found: 'oauth2-google'" });
  });

  it('refuses a disabled provider as App Services does', async () => {
    expect(await refusal(context.auth.login('custom-function', { username: 'x' }))).toMatchObject({ status: 401, errorCode: 'InvalidSession', message: "authentication via 'custom-function' is unsupported" });
  });

  it('refuses custom-function logins when no function runtime can run the authentication function', async () => {
    const enabled = await startAuth({ change: (definition) => withProvider<CustomFunctionProvider>(definition, 'custom-function', (p) => ({ ...p, disabled: false })) });
    try {
      expect(await refusal(enabled.auth.login('custom-function', { username: 'x' }))).toMatchObject({
        status: 501,
        errorCode: 'FunctionExecutionError',
        message: 'the function "authenticate" cannot run: this emulator was started without a function runtime',
      });
    } finally {
      await enabled.close();
    }
  });

  it('logs a custom-function user in with what the authentication function answers, without the SDK’s options', async () => {
    const calls: unknown[][] = [];
    const callFunction: FunctionCaller = async (name, args) => {
      calls.push([name, ...args]);
      if ((args[0] as { username: string }).username === 'nobody') throw Object.assign(new Error('no such user'), { code: 'FunctionExecutionError' });
      return { id: `id-${(args[0] as { username: string }).username}`, name: 'Someone' };
    };
    const enabled = await startAuth({ callFunction, change: (definition) => withProvider<CustomFunctionProvider>(definition, 'custom-function', (p) => ({ ...p, disabled: false })) });
    try {
      const result = await enabled.auth.login('custom-function', { username: 'kim', provider: 'custom-function', options: { device: { platform: 'node' } } });
      expect(calls).toEqual([['authenticate', { username: 'kim' }]]);
      expect(result.user).toMatchObject({ data: { name: 'Someone' }, identities: [{ id: 'id-kim', provider_type: 'custom-function', provider_id: 'custom-function' }] });
      expect(await refusal(enabled.auth.login('custom-function', { username: 'nobody' }))).toMatchObject({ status: 401, errorCode: 'AuthError', message: 'no such user' });
    } finally {
      await enabled.close();
    }
  });
});

describe('the admin key pair', () => {
  it('is generated as an 8-letter public key and a UUID private key', () => {
    const key = generateAdminKey();
    expect(key.publicKey).toMatch(/^[a-z]{8}$/);
    expect(key.privateKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('is read from "<public>:<private>"', () => {
    expect(parseAdminKey('abcdefgh:1234-5678:x')).toEqual({ publicKey: 'abcdefgh', privateKey: '1234-5678:x' });
    expect(() => parseAdminKey('no-colon')).toThrow('the admin key must be "<public key>:<private key>"');
    expect(() => parseAdminKey(':private')).toThrow();
  });
});
