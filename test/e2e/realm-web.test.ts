/**
 * The real realm-web SDK against the running emulator, unchanged: every provider's login, token
 * refresh (asked for, and automatic after expiry), logout, user API keys, email/password
 * registration, confirmation and reset, and every refusal with its status and error_code.
 */
import path from 'node:path';
import jwt from 'jsonwebtoken';
import * as Realm from 'realm-web';
import { Emulator, startEmulator } from '../../emulator';

const AUTH_APP = path.resolve(__dirname, '../../fixtures/apps/auth-providers');
const BLOG_APP = path.resolve(__dirname, '../../fixtures/apps/data-api-blog');
const JWT_KEY = 'current-signing-key-of-the-auth-providers-app';
const SECRETS = { jwtSigningKey: JWT_KEY, jwtPreviousSigningKey: 'previous-signing-key-of-the-auth-providers-app' };
const ADMIN_KEY = { publicKey: 'realmweb', privateKey: '3c7d5e2a-1b4f-4c6d-8e9f-0a1b2c3d4e5f' };
const TUTORIAL_SECRET = 'the-tutorials-jwt-secret-of-32-chars-or-more';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ app: AUTH_APP, secrets: SECRETS, adminKey: ADMIN_KEY });
});
afterAll(async () => emulator.stop());
// realm-web keeps users in one in-memory storage per process and reuses a stored anonymous user at
// the next anonymous login, even from another App instance or after logOut (App.logIn,
// `credentials.reuse`): each test starts with an empty client storage.
beforeEach(() => Realm.getEnvironment().defaultStorage.clear());

const newApp = (target = emulator) => new Realm.App({ id: target.appId, baseUrl: target.url });
const inFuture = (seconds = 600) => Math.floor(Date.now() / 1000) + seconds;
const employeeToken = (claims: Record<string, unknown> = {}, key = JWT_KEY, options: jwt.SignOptions = {}) =>
  jwt.sign({ sub: 'realm-web-employee', aud: 'auth-providers-kqzvw', exp: inFuture(), user_data: { department: 'research' }, name: 'Grace', ...claims }, key, { algorithm: 'HS256', ...options });

/** Reads the mailbox as a script in any language would: GET /_emulator/mailbox with the admin key. */
async function mailTo(email: string, kind: 'confirmation' | 'password-reset') {
  const response = await fetch(`${emulator.url}/_emulator/mailbox?to=${encodeURIComponent(email)}`, {
    headers: { Authorization: `Basic ${Buffer.from(`${ADMIN_KEY.publicKey}:${ADMIN_KEY.privateKey}`).toString('base64')}` },
  });
  const messages = (await response.json()) as Array<{ kind: string; token: string; tokenId: string }>;
  return messages.filter((message) => message.kind === kind).pop()!;
}

/** What a realm-web call rejects with: MongoDBRealmError carries statusCode and errorCode. */
async function realmError(promise: Promise<unknown>): Promise<{ statusCode: number; errorCode: string; error: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { statusCode: number; errorCode: string; error: string };
  }
  throw new Error('expected realm-web to reject');
}

let counter = 0;
const freshEmail = () => `realm-web-${++counter}-${Date.now()}@example.com`;

async function confirmedUser(app: Realm.App, password = 'v3ry-s3cret') {
  const email = freshEmail();
  await app.emailPasswordAuth.registerUser({ email, password });
  const mail = await mailTo(email, 'confirmation');
  await app.emailPasswordAuth.confirmUser({ token: mail.token, tokenId: mail.tokenId });
  return { email, password };
}

describe('logging in with each provider', () => {
  it('anonymous: a user with an anon-user identity, custom data decoded from the access token', async () => {
    const app = newApp();
    const user = await app.logIn(Realm.Credentials.anonymous());
    expect(user.identities).toEqual([{ id: expect.stringMatching(/-[a-z]{24}$/), providerType: 'anon-user' }]);
    expect(user.customData).toEqual({});
    await emulator.mongo.client.db('app').collection('user_data').insertOne({ user_id: user.id, favouriteColour: 'teal' });
    expect(await user.refreshCustomData()).toMatchObject({ user_id: user.id, favouriteColour: 'teal' });
  });

  it('server API key: a server user', async () => {
    const key = await emulator.auth.createServerApiKey('realm-web-server');
    const user = await newApp().logIn(Realm.Credentials.apiKey(key.key));
    expect(user.profile).toEqual({ name: 'realm-web-server' });
    expect(user.identities[0]).toEqual({ id: key._id, providerType: 'api-key' });
  });

  it('custom JWT: sub is the identity, metadata fields are the profile', async () => {
    const user = await newApp().logIn(Realm.Credentials.jwt(employeeToken()));
    expect(user.identities).toEqual([{ id: 'realm-web-employee', providerType: 'custom-token' }]);
    expect(user.profile).toEqual({ department: 'research', name: 'Grace' });
  });

  it("the tutorial's JWT: HS256, aud the app id, sub, a future exp, signed with the jwtSecret secret", async () => {
    const blog = await startEmulator({ app: BLOG_APP, secrets: { jwtSecret: TUTORIAL_SECRET } });
    try {
      const tutorialToken = (claims: Record<string, unknown>) => jwt.sign({ sub: 'tutorial-user', aud: 'data-api-blog-rzuzf', exp: inFuture(), ...claims }, TUTORIAL_SECRET, { algorithm: 'HS256' });
      const user = await newApp(blog).logIn(Realm.Credentials.jwt(tutorialToken({})));
      expect(user.identities[0]).toEqual({ id: 'tutorial-user', providerType: 'custom-token' });
      expect(await realmError(newApp(blog).logIn(Realm.Credentials.jwt(tutorialToken({ exp: Math.floor(Date.now() / 1000) - 10 }))))).toMatchObject({ statusCode: 401, errorCode: 'AuthError', error: 'token is expired' });
      expect(await realmError(newApp(blog).logIn(Realm.Credentials.jwt(tutorialToken({ aud: 'another-app' }))))).toMatchObject({ statusCode: 401, errorCode: 'AuthError' });
    } finally {
      await blog.stop();
    }
  });

  it('links email/password credentials to an anonymous user', async () => {
    const app = newApp();
    const { email, password } = await confirmedUser(app);
    const user = await app.logIn(Realm.Credentials.anonymous());
    await user.linkCredentials(Realm.Credentials.emailPassword(email, password));
    expect(user.identities.map((identity) => identity.providerType)).toEqual(['anon-user', 'local-userpass']);
    const again = await newApp().logIn(Realm.Credentials.emailPassword(email, password));
    expect(again.id).toBe(user.id);
  });
});

describe('email/password with realm-web', () => {
  it('registers, is refused until confirmed, confirms with the mailed token, logs in', async () => {
    const app = newApp();
    const email = freshEmail();
    await app.emailPasswordAuth.registerUser({ email, password: 'v3ry-s3cret' });
    expect(await realmError(app.logIn(Realm.Credentials.emailPassword(email, 'v3ry-s3cret')))).toMatchObject({ statusCode: 401, errorCode: 'AuthError', error: 'confirmation required' });
    await app.emailPasswordAuth.resendConfirmationEmail({ email });
    const mail = await mailTo(email, 'confirmation');
    await app.emailPasswordAuth.confirmUser({ token: mail.token, tokenId: mail.tokenId });
    const user = await app.logIn(Realm.Credentials.emailPassword(email, 'v3ry-s3cret'));
    expect(user.profile).toEqual({ email });
    expect(await realmError(app.emailPasswordAuth.resendConfirmationEmail({ email }))).toMatchObject({ statusCode: 400, errorCode: 'UserAlreadyConfirmed' });
    expect(await realmError(app.emailPasswordAuth.registerUser({ email, password: 'v3ry-s3cret' }))).toMatchObject({ statusCode: 409, errorCode: 'AccountNameInUse', error: 'name already in use' });
  });

  it('resets a password with the mailed reset token', async () => {
    const app = newApp();
    const { email } = await confirmedUser(app);
    await app.emailPasswordAuth.sendResetPasswordEmail({ email });
    const mail = await mailTo(email, 'password-reset');
    await app.emailPasswordAuth.resetPassword({ password: 'brand-new-password', token: mail.token, tokenId: mail.tokenId });
    await expect(app.logIn(Realm.Credentials.emailPassword(email, 'brand-new-password'))).resolves.toBeDefined();
    expect(await realmError(app.logIn(Realm.Credentials.emailPassword(email, 'v3ry-s3cret')))).toMatchObject({ statusCode: 401, errorCode: 'InvalidPassword' });
    expect(await realmError(app.emailPasswordAuth.resetPassword({ password: 'again-new-password', token: mail.token, tokenId: mail.tokenId }))).toMatchObject({ statusCode: 400, errorCode: 'UserpassTokenInvalid', error: 'invalid token data' });
  });
});

describe('sessions with realm-web', () => {
  it('refreshes the access token when asked', async () => {
    const user = await newApp().logIn(Realm.Credentials.anonymous());
    const before = user.accessToken;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await user.refreshAccessToken();
    expect(user.accessToken).not.toBe(before);
    await user.refreshProfile();
  });

  it('refreshes and retries by itself once the access token has expired', async () => {
    const short = await startEmulator({ app: AUTH_APP, secrets: SECRETS, accessTokenLifetimeSeconds: 1 });
    try {
      const user = await newApp(short).logIn(Realm.Credentials.anonymous());
      const before = user.accessToken;
      await new Promise((resolve) => setTimeout(resolve, 2100));
      await user.refreshProfile(); // 401 InvalidSession → POST /auth/session → the same GET again
      expect(user.accessToken).not.toBe(before);
      expect(user.identities[0].providerType).toBe('anon-user');
    } finally {
      await short.stop();
    }
  });

  it('logs out: the refresh token stops working', async () => {
    const user = await newApp().logIn(Realm.Credentials.anonymous());
    const refreshToken = user.refreshToken as string;
    await user.logOut();
    expect(user.isLoggedIn).toBe(false);
    const response = await fetch(`${emulator.url}/api/client/v2.0/auth/session`, { method: 'POST', headers: { Authorization: `Bearer ${refreshToken}` } });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error_code: 'InvalidSession' });
  });

  it('is refused a revoked refresh token with 401 InvalidSession', async () => {
    const user = await newApp().logIn(Realm.Credentials.anonymous());
    await emulator.auth.logoutUser(user.id);
    expect(await realmError(user.refreshAccessToken())).toMatchObject({ statusCode: 401, errorCode: 'InvalidSession', error: 'invalid session: failed to find refresh token' });
  });
});

describe('user API keys with realm-web', () => {
  it('creates, fetches, disables, enables and deletes keys; a key logs in as its owner', async () => {
    const app = newApp();
    const { email, password } = await confirmedUser(app);
    const user = await app.logIn(Realm.Credentials.emailPassword(email, password));
    const created = await user.apiKeys.create('realm-web-key');
    expect(created).toMatchObject({ name: 'realm-web-key', disabled: false, key: expect.any(String) });
    const id = String(created._id);
    expect((await user.apiKeys.fetchAll()).map((key: { _id: unknown }) => String(key._id))).toEqual([id]);
    expect((await newApp().logIn(Realm.Credentials.apiKey(created.key))).id).toBe(user.id);

    await user.apiKeys.disable(id);
    expect(await user.apiKeys.fetch(id)).toMatchObject({ disabled: true });
    expect(await realmError(newApp().logIn(Realm.Credentials.apiKey(created.key)))).toMatchObject({ statusCode: 401, errorCode: 'AuthError', error: 'API key disabled' });
    await user.apiKeys.enable(id);
    await expect(newApp().logIn(Realm.Credentials.apiKey(created.key))).resolves.toBeDefined();
    await user.apiKeys.delete(id);
    expect(await realmError(newApp().logIn(Realm.Credentials.apiKey(created.key)))).toMatchObject({ statusCode: 401, errorCode: 'AuthError', error: 'invalid API key' });
    expect(await realmError(user.apiKeys.fetch(id))).toMatchObject({ statusCode: 404, errorCode: 'APIKeyNotFound' });
  });
});

describe('refusals as realm-web reports them', () => {
  let registered: { email: string; password: string };
  beforeAll(async () => {
    registered = await confirmedUser(newApp());
  });

  it.each([
    ['a wrong password', () => Realm.Credentials.emailPassword(registered.email, 'not-my-password'), 401, 'InvalidPassword', 'invalid username/password'],
    ['an unknown user', () => Realm.Credentials.emailPassword('nobody@example.com', 'v3ry-s3cret'), 401, 'InvalidPassword', 'invalid username/password'],
    ['a disabled provider', () => Realm.Credentials.function({ username: 'someone' }), 401, 'InvalidSession', "authentication via 'custom-function' is unsupported"],
    ['an expired JWT', () => Realm.Credentials.jwt(employeeToken({ exp: Math.floor(Date.now() / 1000) - 5 })), 401, 'AuthError', 'token is expired'],
    ['a JWT with alg none', () => Realm.Credentials.jwt(jwt.sign({ sub: 'x', aud: 'auth-providers-kqzvw', exp: inFuture() }, null, { algorithm: 'none' })), 401, 'AuthError', 'signing method none is invalid: the provider verifies HS256 tokens'],
    ['a wrongly signed JWT', () => Realm.Credentials.jwt(employeeToken({}, 'a-key-the-app-has-never-heard-of-at-all')), 401, 'AuthError', 'signature is invalid'],
    ['a JWT for another audience', () => Realm.Credentials.jwt(employeeToken({ aud: 'someone-elses-app' })), 401, 'AuthError', 'token audience is invalid: expected all of "auth-providers-kqzvw"'],
    ['a JWT without a required metadata field', () => Realm.Credentials.jwt(employeeToken({ user_data: {} })), 401, 'AuthError', "expected field 'user_data.department' to be in token metadata"],
    ['an API key never issued', () => Realm.Credentials.apiKey('a-key-this-app-never-issued'), 401, 'AuthError', 'invalid API key'],
  ])('refuses %s', async (_what, credentials, statusCode, errorCode, error) => {
    expect(await realmError(newApp().logIn(credentials()))).toMatchObject({ statusCode, errorCode, error });
  });

  it('refuses a disabled user with 401 UserDisabled', async () => {
    const { email, password } = await confirmedUser(newApp());
    const user = await newApp().logIn(Realm.Credentials.emailPassword(email, password));
    await emulator.auth.setUserDisabled(user.id, true);
    expect(await realmError(newApp().logIn(Realm.Credentials.emailPassword(email, password)))).toMatchObject({ statusCode: 401, errorCode: 'UserDisabled' });
  });

  it('refuses a revoked (deleted) server API key', async () => {
    const key = await emulator.auth.createServerApiKey('to-be-revoked');
    await newApp().logIn(Realm.Credentials.apiKey(key.key));
    await emulator.auth.serverApiKeys.delete(key._id);
    expect(await realmError(newApp().logIn(Realm.Credentials.apiKey(key.key)))).toMatchObject({ statusCode: 401, errorCode: 'AuthError', error: 'invalid API key' });
  });

  it('refuses a disabled server API key', async () => {
    const key = await emulator.auth.createServerApiKey('to-be-disabled');
    await emulator.auth.serverApiKeys.disable(key._id);
    expect(await realmError(newApp().logIn(Realm.Credentials.apiKey(key.key)))).toMatchObject({ statusCode: 401, errorCode: 'AuthError', error: 'API key disabled' });
  });
});
