/** Access and refresh tokens, sessions, and the signing key shared through the database. */
import jwt from 'jsonwebtoken';
import { ObjectId } from 'mongodb';
import { internalDatabaseName } from '../../emulator/mongo/internal';
import { type AuthTestContext, claimsOf, refusal, startAuth } from './helpers';

let context: AuthTestContext;
beforeAll(async () => {
  context = await startAuth();
});
afterAll(async () => context.close());

const anonymous = (auth = context.auth) => auth.login('anon-user', {});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('tokens as App Services issues them', () => {
  it('access tokens are HS256 JWTs with sub, iss (the session), device and domain ids, 30 minutes long', async () => {
    const result = await anonymous();
    const claims = claimsOf(result.accessToken);
    expect(JSON.parse(Buffer.from(result.accessToken.split('.')[0], 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(claims).toMatchObject({ typ: 'access', sub: result.user.id, baas_device_id: result.deviceId, baas_domain_id: context.auth.domainId, iss: expect.stringMatching(/^[0-9a-f]{24}$/) });
    expect((claims.exp as number) - (claims.iat as number)).toBe(1800);
    expect(claims).not.toHaveProperty('user_data');
  });

  it('refresh tokens last 60 days, anonymous ones practically forever', async () => {
    const email = `tokens-${Date.now()}@example.com`;
    await context.auth.createEmailUser(email, 'v3ry-s3cret');
    const normal = claimsOf((await context.auth.login('local-userpass', { username: email, password: 'v3ry-s3cret' })).refreshToken);
    expect((normal.exp as number) - (normal.iat as number)).toBe(60 * 24 * 3600);
    const anon = claimsOf((await anonymous()).refreshToken);
    expect((anon.exp as number) - (anon.iat as number)).toBeGreaterThan(40 * 365 * 24 * 3600);
  });

  it('keeps a device id the SDK sends, and makes one otherwise', async () => {
    const deviceId = new ObjectId().toHexString();
    expect((await context.auth.login('anon-user', {}, { device: { deviceId, platform: 'node' } })).deviceId).toBe(deviceId);
    expect((await context.auth.login('anon-user', {}, { device: { deviceId: '000000000000000000000000' } })).deviceId).not.toBe('000000000000000000000000');
  });

  it('carries the custom user data, read at login and again at each refresh', async () => {
    const result = await anonymous();
    expect(claimsOf(result.accessToken).user_data).toBeUndefined();
    const userData = context.database.db.collection('user_data');
    const documentId = new ObjectId();
    await userData.insertOne({ _id: documentId, user_id: result.user.id, plan: 'gold', since: new Date('2024-01-02T03:04:05Z') });

    const refreshed = await context.auth.refreshAccessToken(result.refreshToken);
    expect(claimsOf(refreshed.accessToken).user_data).toEqual({ _id: { $oid: documentId.toHexString() }, user_id: result.user.id, plan: 'gold', since: { $date: '2024-01-02T03:04:05Z' } });
    const user = await context.auth.userFromAccessToken(result.accessToken);
    expect(user.custom_data.plan).toBe('gold');
    expect(user.custom_data._id).toBeInstanceOf(ObjectId);

    await userData.updateOne({ _id: documentId }, { $set: { plan: 'platinum' } });
    expect((await context.auth.userFromAccessToken(result.accessToken)).custom_data.plan).toBe('platinum');
    expect((await context.auth.userFromAccessToken(result.accessToken, { customData: false })).custom_data).toEqual({});
  });
});

describe('refusals', () => {
  it('refuses an expired access token with 401 InvalidSession, and the refresh token gets a new one', async () => {
    const short = await startAuth({ accessTokenLifetimeSeconds: 1 });
    try {
      const result = await anonymous(short.auth);
      await sleep(2100);
      expect(await refusal(short.auth.userFromAccessToken(result.accessToken))).toMatchObject({ status: 401, errorCode: 'InvalidSession', message: 'invalid session: access token expired' });
      const { accessToken } = await short.auth.refreshAccessToken(result.refreshToken);
      await expect(short.auth.userFromAccessToken(accessToken)).resolves.toMatchObject({ id: result.user.id });
    } finally {
      await short.close();
    }
  });

  it('refuses a token signed with another key, and one type of token used as the other', async () => {
    const result = await anonymous();
    const forged = jwt.sign(claimsOf(result.accessToken), 'another-key-entirely-of-sufficient-length');
    for (const attempt of [context.auth.userFromAccessToken(forged), context.auth.userFromAccessToken(result.refreshToken), context.auth.refreshAccessToken(result.accessToken), context.auth.userFromAccessToken('garbage')]) {
      expect(await refusal(attempt)).toMatchObject({ status: 401, errorCode: 'InvalidSession' });
    }
  });

  it('ends the session at logout: the refresh token is refused, the access token runs to expiry', async () => {
    const result = await anonymous();
    await context.auth.logout(result.refreshToken);
    expect(await refusal(context.auth.refreshAccessToken(result.refreshToken))).toMatchObject({ status: 401, errorCode: 'InvalidSession', message: 'invalid session: failed to find refresh token' });
    expect(await refusal(context.auth.logout(result.refreshToken))).toMatchObject({ errorCode: 'InvalidSession' });
    await expect(context.auth.userFromAccessToken(result.accessToken)).resolves.toMatchObject({ id: result.user.id });
  });

  it('keeps Admin API tokens and client tokens apart', async () => {
    const admin = await context.auth.adminLogin(context.auth.adminKey.publicKey, context.auth.adminKey.privateKey);
    const client = await anonymous();
    expect(await refusal(context.auth.userFromAccessToken(admin.accessToken))).toMatchObject({ errorCode: 'InvalidSession' });
    expect(await refusal(context.auth.verifyAdminAccessToken(client.accessToken))).toMatchObject({ errorCode: 'InvalidSession' });
    await expect(context.auth.verifyAdminAccessToken(admin.accessToken)).resolves.toBeUndefined();
    expect(await refusal(context.auth.adminLogin(context.auth.adminKey.publicKey, 'wrong'))).toMatchObject({ status: 401, errorCode: 'InvalidPassword' });
  });
});

describe('the signing key in the database', () => {
  it('is generated once: a restarted service accepts the tokens of the one before', async () => {
    const result = await anonymous();
    const restarted = await context.another();
    await expect(restarted.userFromAccessToken(result.accessToken)).resolves.toMatchObject({ id: result.user.id });
    await expect(restarted.refreshAccessToken(result.refreshToken)).resolves.toMatchObject({ userId: result.user.id });
  });

  it('ends as one key when two processes create it at once, and each accepts the other\'s tokens', async () => {
    const fresh = await startAuth();
    try {
      const [first, second] = await Promise.all([fresh.another(), fresh.another()]);
      const [fromFirst, fromSecond] = await Promise.all([anonymous(first), anonymous(second)]);
      await expect(second.userFromAccessToken(fromFirst.accessToken)).resolves.toBeDefined();
      await expect(first.userFromAccessToken(fromSecond.accessToken)).resolves.toBeDefined();
      const keys = fresh.database.client.db(internalDatabaseName(fresh.definition.meta.appId)).collection('signing_keys');
      expect(await keys.countDocuments()).toBe(1);
    } finally {
      await fresh.close();
    }
  });
});

describe('verify_token (Admin API)', () => {
  it("gives an access token's claims, or 'token expired'", async () => {
    const result = await anonymous();
    expect(await context.auth.verifyToken(result.accessToken)).toEqual({
      sub: result.user.id,
      exp: expect.any(Number),
      iat: expect.any(Number),
      iss: expect.any(String),
      domain_id: context.auth.domainId,
      device_id: result.deviceId,
    });
    const short = await startAuth({ accessTokenLifetimeSeconds: 1 });
    try {
      const old = await anonymous(short.auth);
      await sleep(2100);
      expect(await short.auth.verifyToken(old.accessToken)).toBe('token expired');
    } finally {
      await short.close();
    }
  });
});
