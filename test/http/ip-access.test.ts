import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { connectMongo, ConnectedMongo } from '../../emulator/mongo/connect';
import { errorHandler } from '../../emulator/http/errors';
import { allowedOrigins, IpAccessList } from '../../emulator/http/ip-access';
import { RequestLog } from '../../emulator/http/request-log';

const logger = pino({ level: 'silent' });
let mongo: ConnectedMongo;
beforeAll(async () => {
  mongo = await connectMongo();
});
afterAll(async () => mongo.stop());

let appCounter = 0;
async function openList(initial?: string[]) {
  return IpAccessList.open(mongo.client, `ip-test-${++appCounter}`, logger, initial);
}

/** An app behind the list that trusts X-Forwarded-For from loopback, so tests can pose as any address. */
function appBehind(list: IpAccessList) {
  const log = new RequestLog();
  const app = express();
  app.set('trust proxy', 'loopback');
  app.use(log.middleware(logger));
  app.use(list.middleware());
  app.get('/ping', (_request, response) => {
    response.json({ ok: true });
  });
  app.use(errorHandler(logger, log));
  return app;
}

describe('the IP access list', () => {
  it('starts open to every IPv4 and IPv6 address, as a new App Services app does', async () => {
    const list = await openList();
    expect(list.list().map((entry) => entry.address)).toEqual(['0.0.0.0/0', '::/0']);
    for (const ip of ['127.0.0.1', '::ffff:10.1.2.3', '203.0.113.9', '::1', '2001:db8::7']) expect(list.allows(ip)).toBe(true);
    list.close();
  });

  it('allows exactly the addresses and CIDR blocks it lists', async () => {
    const list = await openList(['10.0.0.0/8', '192.168.1.7', '2001:db8::/32']);
    expect(list.allows('10.200.3.4')).toBe(true);
    expect(list.allows('::ffff:10.200.3.4')).toBe(true);
    expect(list.allows('192.168.1.7')).toBe(true);
    expect(list.allows('192.168.1.8')).toBe(false);
    expect(list.allows('2001:db8:1::1')).toBe(true);
    expect(list.allows('2001:db9::1')).toBe(false);
    expect(list.allows('not an address')).toBe(false);
    list.close();
  });

  it('adds, updates and removes entries, and refuses what is not an address', async () => {
    const list = await openList([]);
    expect(list.allows('127.0.0.1')).toBe(false);
    const entry = await list.add('127.0.0.1', 'this machine');
    expect(list.allows('127.0.0.1')).toBe(true);
    await list.update(entry._id.toHexString(), { address: '127.0.0.0/8' });
    expect(list.allows('127.9.9.9')).toBe(true);
    await list.remove(entry._id.toHexString());
    expect(list.allows('127.0.0.1')).toBe(false);
    await expect(list.add('300.1.1.1')).rejects.toMatchObject({ status: 400, errorCode: 'InvalidParameter' });
    await expect(list.remove(entry._id.toHexString())).rejects.toMatchObject({ status: 404 });
    list.close();
  });

  it('keeps one list for the app, shared by every process on its database', async () => {
    const first = await openList(['10.0.0.1']);
    const appId = `ip-test-${appCounter}`;
    const second = await IpAccessList.open(mongo.client, appId, logger);
    expect(second.list().map((entry) => entry.address)).toEqual(['10.0.0.1']);
    first.close();
    second.close();
  });

  it('answers a refused address with 403 in the App Services error shape, naming it', async () => {
    const list = await openList(['127.0.0.1', '::1', '198.51.100.0/24']);
    const app = appBehind(list);
    await request(app).get('/ping').expect(200);
    await request(app).get('/ping').set('X-Forwarded-For', '198.51.100.20').expect(200);
    const refused = await request(app).get('/ping').set('X-Forwarded-For', '203.0.113.5').expect(403);
    expect(refused.body).toEqual({
      error: "requests from 203.0.113.5 are not allowed by the app's IP access list",
      error_code: 'IPAddressNotAllowed',
      link: expect.stringContaining('/_emulator/requests/'),
    });
    list.close();
  });
});

describe('allowed_request_origins', () => {
  const app = express();
  app.use(allowedOrigins(['https://app.example.com', 'http://localhost:3000/']));
  app.get('/ping', (_request, response) => {
    response.json({ ok: true });
  });
  const log = new RequestLog();
  app.use(errorHandler(logger, log));

  it('lets listed origins and requests without an Origin through, and refuses others', async () => {
    await request(app).get('/ping').expect(200);
    await request(app).get('/ping').set('Origin', 'https://app.example.com').expect(200);
    await request(app).get('/ping').set('Origin', 'http://localhost:3000').expect(200);
    const refused = await request(app).get('/ping').set('Origin', 'https://evil.example.net').expect(403);
    expect(refused.body.error_code).toBe('DomainNotAllowed');
  });
});
