/**
 * The `/_emulator` routes the harness stands on, as a non-JS test runner calls them: admin-only,
 * and clear about what they cannot do (no custom-token provider, an RS256 provider whose private
 * key the emulator never has, a bad `since`).
 */
import { generateKeyPairSync } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { type Emulator, startEmulator } from '../../emulator';

const FIXTURES = path.resolve(__dirname, '../../fixtures/apps');

describe('on an app without a custom-token provider', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ app: path.join(FIXTURES, 'functions-client') });
  });
  afterAll(async () => {
    await emulator.stop();
  });
  const admin = (test: request.Test) => test.auth(emulator.adminKey.publicKey, emulator.adminKey.privateKey);

  it('refuses every harness route without admin credentials', async () => {
    for (const sent of [
      request(emulator.app).delete('/_emulator/data'),
      request(emulator.app).post('/_emulator/jwt').send({ claims: { sub: 'x' } }),
      request(emulator.app).post('/_emulator/explain').send({ user: 'system', action: 'find', request: {} }),
      request(emulator.app).get('/_emulator/requests'),
      request(emulator.app).get('/_emulator/requests').set('Authorization', 'Bearer not-a-token'),
    ]) {
      expect((await sent).status).toBe(401);
    }
  });

  it('accepts an admin access token as Bearer too', async () => {
    const login = await request(emulator.app)
      .post('/api/admin/v3.0/auth/providers/mongodb-cloud/login')
      .send({ username: emulator.adminKey.publicKey, apiKey: emulator.adminKey.privateKey })
      .expect(200);
    const response = await request(emulator.app).get('/_emulator/requests').set('Authorization', `Bearer ${login.body.access_token}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(expect.arrayContaining([expect.objectContaining({ url: '/api/admin/v3.0/auth/providers/mongodb-cloud/login', status: 200 })]));
  });

  it('says there is no key to sign a JWT with', async () => {
    const response = await admin(request(emulator.app).post('/_emulator/jwt').send({ claims: { sub: 'x' } }));
    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(/the app has no custom-token \(Custom JWT\) provider/);
    await expect(emulator.createUser({ jwtClaims: { sub: 'x' } })).rejects.toMatchObject({ status: 400, errorCode: 'InvalidParameter' });
  });

  it('refuses a since that is no date, and lists only later requests for one that is', async () => {
    expect((await admin(request(emulator.app).get('/_emulator/requests?since=yesterday'))).status).toBe(400);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await admin(request(emulator.app).get(`/_emulator/requests?since=${future}`))).body).toEqual([]);
  });

  it('answers explain bodies that are not a request with 400', async () => {
    const unknown = await admin(request(emulator.app).post('/_emulator/explain').send({ user: 'system', action: 'dropDatabase', request: {} }));
    expect(unknown.status).toBe(400);
    const noRequest = await admin(request(emulator.app).post('/_emulator/explain').send({ user: 'system', action: 'find' }));
    expect(noRequest.status).toBe(400);
    expect(noRequest.body.error).toMatch(/"request"/);
    const noUser = await admin(request(emulator.app).post('/_emulator/explain').send({ action: 'find', request: { dataSource: 'mongodb-atlas', database: 'd', collection: 'c' } }));
    expect(noUser.status).toBe(400);
  });
});

describe('on an app whose custom-token provider verifies RS256', () => {
  let directory: string;
  let emulator: Emulator;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'harness-rs256-'));
    await cp(path.join(FIXTURES, 'data-api-blog'), directory, { recursive: true });
    const providersFile = path.join(directory, 'auth/providers.json');
    const providers = JSON.parse(await readFile(providersFile, 'utf8'));
    providers['custom-token'].config.signingAlgorithm = 'RS256';
    await writeFile(providersFile, JSON.stringify(providers));
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    emulator = await startEmulator({ app: directory, secrets: { jwtSecret: publicKey.export({ type: 'spki', format: 'pem' }).toString() } });
  });
  afterAll(async () => {
    await emulator.stop();
    await rm(directory, { recursive: true, force: true });
  });

  it('says the emulator has no private key and how to sign instead', async () => {
    const failure = await emulator.signJwt({ sub: 'x' }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 400, errorCode: 'InvalidParameter' });
    expect((failure as Error).message).toMatch(/verifies RS256 tokens with a public key: the emulator has no private key to sign with\. Sign tokens in the test with your own key pair/);
  });
});
