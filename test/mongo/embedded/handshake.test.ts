import { MongoClient, MongoServerError } from 'mongodb';
import { openTestDatabase, TestDatabase } from '../../helpers/database';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase('handshake');
});
afterAll(async () => t.close());

describe('handshake and server commands', () => {
  it('answers hello as a writable standalone that supports sessions', async () => {
    const reply = await t.db.admin().command({ hello: 1 });
    expect(reply.isWritablePrimary).toBe(true);
    expect(reply.setName).toBeUndefined();
    expect(reply.logicalSessionTimeoutMinutes).toBeGreaterThan(0);
    expect(reply.maxWireVersion).toBeGreaterThanOrEqual(8);
    expect(reply.compression).toBeUndefined();
  });

  it('answers the legacy isMaster with ismaster', async () => {
    const reply = await t.db.admin().command({ isMaster: 1 });
    expect(reply.ismaster).toBe(true);
  });

  it('answers ping and buildInfo', async () => {
    expect((await t.db.admin().command({ ping: 1 })).ok).toBe(1);
    const info = await t.db.admin().command({ buildInfo: 1 });
    expect(info.version).toMatch(/^\d+\.\d+/);
    expect(Array.isArray(info.versionArray)).toBe(true);
  });

  it('answers getParameter for one parameter, for all, and refuses an unknown one', async () => {
    const fcv = await t.db.admin().command({ getParameter: 1, featureCompatibilityVersion: 1 });
    expect(fcv.featureCompatibilityVersion.version).toMatch(/^\d+\.\d+$/);
    const all = await t.db.admin().command({ getParameter: '*' });
    expect(all).toHaveProperty('cursorTimeoutMillis');
    const error = await t.db.admin().command({ getParameter: 1, noSuchParameter: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
  });

  it('answers serverStatus with uptime and connection counts', async () => {
    const status = await t.db.admin().command({ serverStatus: 1 });
    expect(status.uptime).toBeGreaterThanOrEqual(0);
    expect(status.connections.current).toBeGreaterThanOrEqual(1);
    expect(status.localTime).toBeInstanceOf(Date);
  });

  it('ends sessions', async () => {
    const session = t.client.startSession();
    await t.db.collection('s').findOne({}, { session });
    await expect(t.db.admin().command({ endSessions: [session.id] })).resolves.toMatchObject({ ok: 1 });
    await session.endSession();
  });

  it('serves a client that offers compression, without compressing', async () => {
    const client = await new MongoClient(t.uri, { compressors: ['zlib'] }).connect();
    try {
      const reply = await client.db('admin').command({ hello: 1, compression: ['zlib'] });
      expect(reply.compression).toBeUndefined();
      expect((await client.db('admin').command({ ping: 1 })).ok).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('answers an unknown command with CommandNotFound (59)', async () => {
    const error = await t.db.command({ noSuchCommand: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).code).toBe(59);
    expect((error as MongoServerError).codeName).toBe('CommandNotFound');
  });
});
