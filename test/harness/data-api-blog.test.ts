/**
 * The harness on the tutorial app (API keys, a custom JWT provider, a read-only rule on
 * sample_training.routes, sample data): users and logins, resets between tests, the denial
 * assertions, and the admin-only `/_emulator/data` route, all through the emulator's public surface.
 */
import path from 'node:path';
import { ObjectId } from 'bson';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { type Emulator, HarnessAssertionError, HarnessRequestError, startEmulator } from '../../emulator';

const APP = path.resolve(__dirname, '../../fixtures/apps/data-api-blog');
const JWT_SECRET = 'change-me-to-a-secret-of-32-chars';
const ROUTES = { dataSource: 'mongodb-atlas', database: 'sample_training', collection: 'routes' };

let emulator: Emulator;
let seededRoutes: number;
beforeAll(async () => {
  emulator = await startEmulator({ app: APP, seed: ['sample_training:small'], secrets: { jwtSecret: JWT_SECRET } });
  seededRoutes = await emulator.asSystem().db('sample_training').collection('routes').countDocuments();
});
afterAll(async () => {
  await emulator.stop();
});

describe('users and logins', () => {
  it('creates a server API key and logs in with it to read through the Data API', async () => {
    const key = await emulator.createApiKey('reader');
    expect(key).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), key: expect.any(String), name: 'reader' });
    const client = await emulator.loginAs({ apiKey: key.key });
    const answer = await client.dataApi('findOne', { ...ROUTES, filter: {} });
    expect(answer.document._id).toBeInstanceOf(ObjectId);
    expect(typeof answer.document.stops).toBe('number');
  });

  it('creates a custom-JWT user from claims, signed with the app key, and logs in as it again', async () => {
    const user = await emulator.createUser({ jwtClaims: { sub: 'reader-1', name: 'Ada' } });
    expect(user).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{24}$/), provider: 'custom-token', providerName: 'custom-token' });
    const client = await emulator.loginAs(user);
    expect(client.user.id).toBe(user.id);
    expect(client.user.data).toMatchObject({ name: 'Ada' });
    const answer = await client.dataApi('find', { ...ROUTES, filter: {}, limit: 2 });
    expect(answer.documents).toHaveLength(2);
  });

  it('signs JWTs with the provider key, its audience and an hour of validity by default', async () => {
    const token = await emulator.signJwt({ sub: 'someone' });
    const claims = jwt.verify(token, JWT_SECRET) as jwt.JwtPayload;
    expect(claims.aud).toBe('data-api-blog-rzuzf');
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
    const short = jwt.decode(await emulator.signJwt({ sub: 'someone' }, { expiresIn: '5m' })) as jwt.JwtPayload;
    expect((short.exp as number) - (short.iat as number)).toBe(300);
    const client = await emulator.loginAs({ jwt: token });
    expect(client.user.identities[0]).toMatchObject({ id: 'someone', provider_type: 'custom-token' });
  });

  it('says which provider the app lacks', async () => {
    const failure = await emulator.createUser('anon').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HarnessRequestError);
    expect(failure).toMatchObject({ status: 404, errorCode: 'AuthProviderNotFound' });
    expect((failure as Error).message).toMatch(/createUser\('anon'\) needs the app's "anon-user" provider/);
  });
});

describe('assertDenied and assertAllowed', () => {
  it('resolves with the denial of an insert the read-only rule refuses', async () => {
    const client = await emulator.loginAs({ jwtClaims: { sub: 'writer' } });
    const denial = await emulator.assertDenied(client.dataApi('insertOne', { ...ROUTES, document: { airline: { name: 'X' } } }));
    expect(denial).toMatchObject({ status: 403, errorCode: 'MongoDBError', message: 'insert not permitted' });
    expect(denial.link).toMatch(/\/_emulator\/requests\/[0-9a-f]+$/);
    expect(await emulator.asSystem().db('sample_training').collection('routes').countDocuments({ 'airline.name': 'X' })).toBe(0);
  });

  it('fails assertDenied when the request succeeded or failed for another reason than permissions', async () => {
    const client = await emulator.loginAs({ jwtClaims: { sub: 'reader-2' } });
    await expect(emulator.assertDenied(client.dataApi('findOne', { ...ROUTES, filter: {} }))).rejects.toThrow(/expected the request to be denied \(401 or 403\), but it succeeded/);
    // A malformed request is 400, which is not a denial.
    const malformed = emulator.assertDenied(client.dataApi('find', { ...ROUTES, filter: 'not a document' }));
    await expect(malformed).rejects.toBeInstanceOf(HarnessAssertionError);
    await expect(emulator.assertDenied(client.dataApi('find', { ...ROUTES, filter: 'nope' }))).rejects.toThrow(/failed otherwise: .*400 InvalidParameter/);
  });

  it('resolves assertAllowed with the value, and fails it with the denial status and error', async () => {
    const client = await emulator.loginAs({ jwtClaims: { sub: 'reader-3' } });
    const answer = await emulator.assertAllowed(client.dataApi('findOne', { ...ROUTES, filter: {} }));
    expect(answer.document).toBeTruthy();
    await expect(emulator.assertAllowed(client.dataApi('deleteOne', { ...ROUTES, filter: {} }))).rejects.toThrow(
      /expected the request to be allowed, but it was denied: POST \/app\/data-api-blog-rzuzf\/endpoint\/data\/v1\/action\/deleteOne answered 403 MongoDBError: delete not permitted/,
    );
  });
});

describe('reset', () => {
  it('drops the app data but keeps users and sessions', async () => {
    const client = await emulator.loginAs({ jwtClaims: { sub: 'keeps-session' } });
    await emulator.asSystem().db('scratch').collection('things').insertOne({ a: 1 });
    const result = await emulator.reset();
    expect(result.databases).toEqual(expect.arrayContaining(['sample_training', 'scratch']));
    expect(result.databases.some((name) => name.startsWith('__app_services_'))).toBe(false);
    expect(result.users).toBe(0);
    expect(await emulator.asSystem().db('sample_training').collection('routes').countDocuments()).toBe(0);
    // The session outlives the data: the same token still reads (nothing left to read).
    expect(await client.dataApi('find', { ...ROUTES, filter: {} })).toEqual({ documents: [] });
    await emulator.reset({ reseed: true });
  });

  it('reseeds with the emulator seed specs when asked', async () => {
    await emulator.asSystem().db('sample_training').collection('routes').deleteMany({});
    const result = await emulator.reset({ reseed: true });
    expect(result.seeded).toEqual([expect.objectContaining({ source: 'sample_training:small' })]);
    expect(await emulator.asSystem().db('sample_training').collection('routes').countDocuments()).toBe(seededRoutes);
  });

  it('with users: true, logs every user out (their tokens answer 401 InvalidSession) and deletes API keys', async () => {
    const key = await emulator.createApiKey('goes-away');
    const client = await emulator.loginAs({ jwtClaims: { sub: 'logged-out' } });
    const result = await emulator.reset({ users: true, reseed: true });
    expect(result.users).toBeGreaterThanOrEqual(2);
    const denial = await emulator.assertDenied(client.dataApi('findOne', { ...ROUTES, filter: {} }));
    expect(denial).toMatchObject({ status: 401, errorCode: 'InvalidSession' });
    await expect(emulator.loginAs({ apiKey: key.key })).rejects.toMatchObject({ status: 401 });
    // The admin key and the token signing key are kept: the harness and new logins still work.
    const again = await emulator.loginAs({ jwtClaims: { sub: 'logged-out' } });
    expect(again.user.id).not.toBe(client.user.id);
    expect((await again.dataApi('findOne', { ...ROUTES, filter: {} })).document).toBeTruthy();
  });
});

describe('reset and remembered logins', () => {
  it('forgets the API key logins the Data API remembers, so a deleted key stops working at once', async () => {
    const key = await emulator.createApiKey('remembered');
    const findOne = () =>
      fetch(`${emulator.dataApiUrl}/action/findOne`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', apiKey: key.key },
        body: JSON.stringify({ ...ROUTES, filter: {} }),
      });
    expect((await findOne()).status).toBe(200);
    // Within the second a login is remembered (auth/api-key-logins.ts).
    await emulator.reset({ users: true });
    const after = await findOne();
    expect(after.status).toBe(401);
    await emulator.reset({ reseed: true });
  });
});

describe('DELETE /_emulator/data', () => {
  it('is refused without admin credentials and leaves the data', async () => {
    const response = await request(emulator.app).delete('/_emulator/data');
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error_code: expect.any(String), error: expect.any(String) });
    const wrong = await request(emulator.app).delete('/_emulator/data').auth(emulator.adminKey.publicKey, 'not-the-private-key');
    expect(wrong.status).toBe(401);
    expect(await emulator.asSystem().db('sample_training').collection('routes').countDocuments()).toBe(seededRoutes);
  });

  it('drops the data for a runner with the admin key as Basic credentials', async () => {
    await emulator.asSystem().db('other').collection('c').insertOne({ x: 1 });
    const response = await request(emulator.app).delete('/_emulator/data?users=true').auth(emulator.adminKey.publicKey, emulator.adminKey.privateKey);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ databases: expect.arrayContaining(['other', 'sample_training']), users: expect.any(Number) });
    expect(await emulator.asSystem().db('other').collection('c').countDocuments()).toBe(0);
    const refused = await request(emulator.app).delete('/_emulator/data?users=maybe').auth(emulator.adminKey.publicKey, emulator.adminKey.privateKey);
    expect(refused.status).toBe(400);
    await emulator.reset({ reseed: true });
  });
});

describe('explain on the tutorial rule', () => {
  it('names the role that let a user read', async () => {
    const user = await emulator.createUser({ jwtClaims: { sub: 'explained' } });
    const explanation = await emulator.explain(user, 'findOne', { ...ROUTES, filter: {} });
    expect(explanation).toMatchObject({ action: 'findOne', dryRun: false, namespace: 'sample_training.routes', roleChoice: 'request', role: 'readAll', runAsSystem: false });
    expect(explanation.result.document).toBeTruthy();
  });

  it('explains a denied insert as a dry run that changes nothing', async () => {
    const user = await emulator.createUser({ jwtClaims: { sub: 'explained-writer' } });
    const explanation = await emulator.explain(user, 'insertOne', { ...ROUTES, document: { _id: 'explained', stops: 0 } });
    expect(explanation.dryRun).toBe(true);
    expect(explanation.error).toEqual({ message: 'insert not permitted', code: 'MongoDBError', status: 403 });
    expect(explanation.documents).toEqual([expect.objectContaining({ role: 'readAll', outcome: 'denied' })]);
    expect(await emulator.asSystem().db('sample_training').collection('routes').countDocuments({ _id: 'explained' as never })).toBe(0);
  });
});
