/**
 * The IP access list and allowed_request_origins as served: the Admin API's security/access_list
 * routes (realm-cli's shapes and statuses), the check on every app route (Data API, client API)
 * and on no other, X-Forwarded-For only through trusted proxies, and `ipAccessList` at start.
 */
import request from 'supertest';
import { ADMIN_KEY, APP_ID, BASE_FILES, bodyOf, expectErrorShape, on, startDataApiApp, type DataApiTestApp } from './data-api/helpers';

const GROUP = '5f1e2d3c4b5a697887766554';

async function adminHeaders(app: DataApiTestApp): Promise<Record<string, string>> {
  const login = await request(app.emulator.app)
    .post('/api/admin/v3.0/auth/providers/mongodb-cloud/login')
    .send({ username: ADMIN_KEY.publicKey, apiKey: ADMIN_KEY.privateKey })
    .expect(200);
  return { Authorization: `Bearer ${login.body.access_token}` };
}

const listPath = `/api/admin/v3.0/groups/${GROUP}/apps/${APP_ID}/security/access_list`;

describe('the Admin API access list', () => {
  let t: DataApiTestApp;
  let admin: Record<string, string>;
  beforeAll(async () => {
    t = await startDataApiApp();
    admin = await adminHeaders(t);
  });
  afterAll(async () => t.stop());

  it('starts open, and answers {current_ip, allowed_ips}', async () => {
    const response = await request(t.emulator.app).get(listPath).set(admin).expect(200);
    expect(response.body).toEqual({
      current_ip: '127.0.0.1',
      allowed_ips: [
        { _id: expect.stringMatching(/^[0-9a-f]{24}$/), address: '0.0.0.0/0', comment: expect.any(String), includes_current: true },
        { _id: expect.stringMatching(/^[0-9a-f]{24}$/), address: '::/0', comment: expect.any(String), includes_current: false },
      ],
    });
  });

  it('creates (201), updates (200) and deletes (204) entries, and refuses what is not an address', async () => {
    const created = await request(t.emulator.app).post(listPath).set(admin).send({ address: '203.0.113.0/24', comment: 'office' }).expect(201);
    expect(created.body).toEqual({ _id: expect.any(String), address: '203.0.113.0/24', comment: 'office', includes_current: false });
    const current = await request(t.emulator.app).post(listPath).set(admin).send({ use_current: true }).expect(201);
    expect(current.body).toMatchObject({ address: '127.0.0.1', includes_current: true });

    const updated = await request(t.emulator.app).patch(`${listPath}/${created.body._id}`).set(admin).send({ address: '198.51.100.7', comment: 'home' }).expect(200);
    expect(updated.body).toMatchObject({ address: '198.51.100.7', comment: 'home' });

    const invalid = await request(t.emulator.app).post(listPath).set(admin).send({ address: '300.1.1.1' }).expect(400);
    expect(invalid.body).toMatchObject({ error_code: 'InvalidParameter', error: expect.stringContaining('300.1.1.1') });
    expect((await request(t.emulator.app).post(listPath).set(admin).send({ address: '198.51.100.7' }).expect(400)).body.error).toContain('already');
    await request(t.emulator.app).post(listPath).set(admin).send({ comment: 'no address' }).expect(400);
    await request(t.emulator.app).patch(`${listPath}/${created.body._id}`).set(admin).send({}).expect(400);

    await request(t.emulator.app).delete(`${listPath}/${created.body._id}`).set(admin).expect(204);
    await request(t.emulator.app).delete(`${listPath}/${created.body._id}`).set(admin).expect(404);
    await request(t.emulator.app).patch(`${listPath}/000000000000000000000000`).set(admin).send({ comment: 'x' }).expect(404);
    const addresses = (await request(t.emulator.app).get(listPath).set(admin).expect(200)).body.allowed_ips.map((entry: { address: string }) => entry.address);
    expect(addresses).toEqual(['0.0.0.0/0', '::/0', '127.0.0.1']);
  });

  it('needs admin credentials', async () => {
    await request(t.emulator.app).get(listPath).expect(401);
    await request(t.emulator.app).post(listPath).send({ address: '0.0.0.0/0' }).expect(401);
  });
});

describe('the check on app routes', () => {
  let t: DataApiTestApp;
  let admin: Record<string, string>;
  beforeAll(async () => {
    t = await startDataApiApp({}, {}, { ipAccessList: ['198.51.100.0/24', '2001:db8::/32'], trustProxy: 'loopback' });
    admin = await adminHeaders(t);
  });
  afterAll(async () => t.stop());

  it('starts with the list given, replacing the stored one', async () => {
    expect(t.emulator.accessList.list().map((entry) => entry.address)).toEqual(['198.51.100.0/24', '2001:db8::/32']);
  });

  it("refuses the Data API and the client API to other addresses, with 403 naming the address", async () => {
    const data = await t.post('find', on('items')).expect(403);
    expectErrorShape(data.body);
    expect(data.body).toMatchObject({ error_code: 'IPAddressNotAllowed', error: "requests from 127.0.0.1 are not allowed by the app's IP access list" });
    const client = await request(t.emulator.app).get(`/api/client/v2.0/app/${APP_ID}/location`).expect(403);
    expect(client.body.error_code).toBe('IPAddressNotAllowed');
    await request(t.emulator.app).post('/api/client/v2.0/auth/session').expect(403);
    const unknownApp = await request(t.emulator.app).post('/app/another-app/endpoint/data/v1/action/find').expect(403);
    expect(unknownApp.body.error_code).toBe('IPAddressNotAllowed');
  });

  it('takes the client address from X-Forwarded-For sent by a trusted proxy', async () => {
    await t.post('find', on('items'), { 'X-Forwarded-For': '198.51.100.23' }).expect(200);
    await t.post('find', on('items'), { 'X-Forwarded-For': '2001:db8::5' }).expect(200);
    const refused = await t.post('find', on('items'), { 'X-Forwarded-For': '203.0.113.9' }).expect(403);
    expect(refused.body.error).toContain('203.0.113.9');
    // The client named first, proxies after it: the nearest untrusted address is the client.
    await t.post('find', on('items'), { 'X-Forwarded-For': '203.0.113.9, 198.51.100.23' }).expect(200);
    await t.post('find', on('items'), { 'X-Forwarded-For': '198.51.100.23, 203.0.113.9' }).expect(403);
  });

  it("does not guard the emulator's own routes or the Admin API", async () => {
    await request(t.emulator.app).get('/_emulator/health').expect(200);
    await request(t.emulator.app).get(listPath).set(admin).expect(200);
  });

  it('applies a change made through the Admin API at once', async () => {
    const added = await request(t.emulator.app).post(listPath).set(admin).send({ address: '127.0.0.0/8', comment: 'this machine' }).expect(201);
    await t.post('find', on('items')).expect(200);
    await request(t.emulator.app).delete(`${listPath}/${added.body._id}`).set(admin).expect(204);
    await t.post('find', on('items')).expect(403);
  });
});

describe('without trusted proxies', () => {
  it('ignores X-Forwarded-For and uses the socket address', async () => {
    const t = await startDataApiApp({}, {}, { ipAccessList: ['127.0.0.1'] });
    try {
      const response = await t.post('find', on('items'), { 'X-Forwarded-For': '203.0.113.9' }).expect(200);
      expect(bodyOf(response)).toEqual({ documents: [] });
      const blocked = await startDataApiApp({}, {}, { ipAccessList: ['198.51.100.0/24'], mongodb: t.emulator.mongoUri });
      try {
        const refused = await blocked.post('find', on('items'), { 'X-Forwarded-For': '198.51.100.23' }).expect(403);
        expect(refused.body.error).toContain('127.0.0.1');
      } finally {
        await blocked.stop();
      }
    } finally {
      await t.stop();
    }
  });
});

describe('allowed_request_origins', () => {
  it('refuses an Origin the app does not list, and lets listed ones and requests without Origin through', async () => {
    const root = { ...(BASE_FILES['root_config.json'] as object), allowed_request_origins: ['https://app.example.com'] };
    const t = await startDataApiApp({}, { 'root_config.json': root });
    try {
      const refused = await t.post('find', on('items'), { Origin: 'https://evil.example.org' }).expect(403);
      expectErrorShape(refused.body);
      expect(refused.body).toMatchObject({ error_code: 'DomainNotAllowed', error: expect.stringContaining('https://evil.example.org') });
      await request(t.emulator.app).get(`/api/client/v2.0/app/${APP_ID}/location`).set('Origin', 'https://evil.example.org').expect(403);
      await t.post('find', on('items'), { Origin: 'https://app.example.com' }).expect(200);
      await t.post('find', on('items')).expect(200);
    } finally {
      await t.stop();
    }
  });
});
