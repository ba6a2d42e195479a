/**
 * GET /sumTopAirports, the tutorial's custom HTTPS endpoint: the three airports with the most
 * departing routes. The tests write their own routes as the system user (no rules apply there),
 * so the expected answer is known.
 */
const { connectEmulator } = require('app-services-emulator/harness');

const harness = connectEmulator();

function routesFrom(airport, count) {
  return Array.from({ length: count }, (_, index) => ({ src_airport: airport, dst_airport: `D${index}`, airline: { name: 'Test Air' }, stops: 0 }));
}

beforeEach(async () => {
  await harness.reset();
  await harness
    .asSystem()
    .db('sample_training')
    .collection('routes')
    .insertMany([...routesFrom('AAA', 2), ...routesFrom('BBB', 5), ...routesFrom('CCC', 1), ...routesFrom('DDD', 4)]);
});
afterAll(() => harness.close());

describe('GET /sumTopAirports', () => {
  test('returns three airports, the busiest first', async () => {
    const caller = await harness.loginAs({ jwtClaims: { sub: 'analyst' } });
    const { status, body } = await caller.endpoint('/sumTopAirports');
    expect(status).toBe(200);
    expect(body).toEqual([
      { _id: 'BBB', count: 5 },
      { _id: 'DDD', count: 4 },
      { _id: 'AAA', count: 2 },
    ]);
  });

  test('an API key may call it too', async () => {
    const { key } = await harness.createApiKey('dashboard');
    const { body } = await (await harness.loginAs({ apiKey: key })).endpoint('/sumTopAirports');
    expect(body.map((airport) => airport._id)).toEqual(['BBB', 'DDD', 'AAA']);
  });

  test('a caller without credentials is told to bring some', async () => {
    const response = await fetch(`${process.env.APP_SERVICES_URL}/app/${process.env.APP_SERVICES_APP_ID}/endpoint/sumTopAirports`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error_code: 'MissingParameter', error: expect.stringContaining('must specify some form of authentication') });
  });

  test('counts what the database holds when it is called', async () => {
    await harness.asSystem().db('sample_training').collection('routes').insertMany(routesFrom('EEE', 9));
    const caller = await harness.loginAs({ jwtClaims: { sub: 'analyst' } });
    const { body } = await caller.endpoint('/sumTopAirports');
    expect(body[0]).toEqual({ _id: 'EEE', count: 9 });
  });
});
