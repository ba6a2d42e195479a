import path from 'node:path';
import request from 'supertest';
import { Emulator, startEmulator } from '../../emulator';

const APP = path.resolve(__dirname, '../../fixtures/apps/data-api-blog');
const JWT_SECRET = 'a-very-long-signing-secret-for-tests-0123456789';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ app: APP, secrets: { jwtSecret: JWT_SECRET } });
});
afterAll(async () => emulator.stop());

describe('the HTTP server skeleton', () => {
  it('serves under the exported app id, with the Data API URL below it', () => {
    expect(emulator.appId).toBe('data-api-blog-rzuzf');
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.dataApiUrl).toBe(`${emulator.url}/app/data-api-blog-rzuzf/endpoint/data/v1`);
    expect(emulator.mongoUri).toMatch(/^mongodb:\/\//);
  });

  it('answers /_emulator/health with the database reachable', async () => {
    const response = await request(emulator.app).get('/_emulator/health').expect(200);
    expect(response.body).toMatchObject({ status: 'ok', appId: 'data-api-blog-rzuzf', mongodb: { backend: 'embedded', reachable: true } });
  });

  it("answers an unknown path with a JSON 404 in App Services' error shape", async () => {
    const response = await request(emulator.app).get('/no/such/thing').expect(404);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body).toEqual({
      error: 'no route matches GET /no/such/thing',
      error_code: 'NotFound',
      link: expect.stringMatching(/\/_emulator\/requests\/[0-9a-f]+$/),
    });
  });

  it("links each error to the request's entry in the emulator's log", async () => {
    const failed = await request(emulator.app).post('/nowhere').expect(404);
    const link = new URL(failed.body.link);
    const entry = await request(emulator.app).get(link.pathname).expect(200);
    expect(entry.body).toMatchObject({ method: 'POST', url: '/nowhere', status: 404, error: { error_code: 'NotFound' } });
  });

  it('answers requests for another app id as App Services does', async () => {
    for (const url of ['/app/someone-else/endpoint/data/v1/action/find', '/api/client/v2.0/app/someone-else/location']) {
      const response = await request(emulator.app).get(url).expect(404);
      expect(response.body).toMatchObject({ error: "cannot find app using Client App ID 'someone-else'", error_code: 'AppNotFound' });
    }
  });

  it('answers a request-log id it does not hold with a 404', async () => {
    const response = await request(emulator.app).get('/_emulator/requests/ffff').expect(404);
    expect(response.body.error_code).toBe('NotFound');
  });
});

describe('startEmulator', () => {
  it('refuses an app with errors, listing each problem', async () => {
    const error = await startEmulator({ app: APP }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('the app cannot be served: 1 error');
    expect((error as Error).message).toContain('jwtSecret');
  });
});
