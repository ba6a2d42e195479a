/**
 * The tutorial app's rules, as a spec: sample_training.routes is read-only for every caller, and a
 * namespace without rules is closed. Each test logs in the way the tutorial's callers do (a custom
 * JWT, an API key) and asks the Data API.
 */
const { connectEmulator } = require('app-services-emulator/harness');

const harness = connectEmulator();
const routes = { dataSource: 'mongodb-atlas', database: 'sample_training', collection: 'routes' };
const zips = { dataSource: 'mongodb-atlas', database: 'sample_training', collection: 'zips' };

// Test files on one worker share its emulator, one after another: start from the seed, no users.
beforeAll(() => harness.reset({ reseed: true, users: true }));
afterAll(() => harness.close());

describe('sample_training.routes', () => {
  test('a user with a valid JWT can read a route', async () => {
    const reader = await harness.loginAs({ jwtClaims: { sub: 'reader-1', name: 'Reader One' } });
    const { document } = await harness.assertAllowed(reader.dataApi('findOne', { ...routes, filter: {} }));
    expect(document).toEqual(expect.objectContaining({ src_airport: expect.any(String), dst_airport: expect.any(String) }));
  });

  test('the JWT can also go straight to the Data API, as the tutorial sends it', async () => {
    const jwt = await harness.signJwt({ sub: 'reader-2' });
    const response = await fetch(`${process.env.DATA_API_URL}/action/find`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', jwtTokenString: jwt },
      body: JSON.stringify({ ...routes, filter: { src_airport: 'JFK' }, limit: 5 }),
    });
    expect(response.status).toBe(200);
    const { documents } = await response.json();
    expect(documents.length).toBeGreaterThan(0);
    expect(documents.every((route) => route.src_airport === 'JFK')).toBe(true);
  });

  test('the API key reads', async () => {
    const { key } = await harness.createApiKey('tutorial');
    const service = await harness.loginAs({ apiKey: key });
    const { documents } = await harness.assertAllowed(service.dataApi('find', { ...routes, filter: {}, limit: 3 }));
    expect(documents).toHaveLength(3);
  });

  test('nobody can insert a route', async () => {
    const reader = await harness.loginAs({ jwtClaims: { sub: 'reader-1' } });
    const error = await harness.assertDenied(reader.dataApi('insertOne', { ...routes, document: { airline: { name: 'Emulator Air' } } }));
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/insert not permitted/);
    expect(await harness.asSystem().db('sample_training').collection('routes').countDocuments({ 'airline.name': 'Emulator Air' })).toBe(0);
  });

  test('nobody can change a route', async () => {
    const { key } = await harness.createApiKey('writer');
    const service = await harness.loginAs({ apiKey: key });
    await harness.assertDenied(service.dataApi('updateOne', { ...routes, filter: {}, update: { $set: { stops: 9 } } }));
    expect(await harness.asSystem().db('sample_training').collection('routes').countDocuments({ stops: 9 })).toBe(0);
  });

  test('nobody can delete a route: no document passes the write filter, so none is deleted', async () => {
    const { key } = await harness.createApiKey('cleaner');
    const service = await harness.loginAs({ apiKey: key });
    const before = await harness.asSystem().db('sample_training').collection('routes').countDocuments();
    expect(await service.dataApi('deleteMany', { ...routes, filter: {} })).toEqual({ deletedCount: 0 });
    expect(await harness.asSystem().db('sample_training').collection('routes').countDocuments()).toBe(before);
  });

  test('a JWT made for another app is refused', async () => {
    const jwt = await harness.signJwt({ sub: 'intruder', aud: 'some-other-app' });
    const error = await harness.assertDenied(harness.loginAs({ jwt }));
    expect(error.status).toBe(401);
  });
});

describe('collections without rules are closed', () => {
  test('sample_training.zips cannot be read, even with valid credentials', async () => {
    const reader = await harness.loginAs({ jwtClaims: { sub: 'reader-1' } });
    const error = await harness.assertDenied(reader.dataApi('find', { ...zips, filter: {} }));
    expect(error.errorCode).toBe('NoMatchingRuleFound');
    expect(error.message).toContain("no rule exists for namespace 'sample_training.zips'");
  });

  test('the data is there all the same, for the system user', async () => {
    expect(await harness.asSystem().db('sample_training').collection('zips').countDocuments()).toBeGreaterThan(0);
  });
});
