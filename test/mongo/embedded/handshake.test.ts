import { MongoServerError } from 'mongodb';
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

  it('answers an unknown command with CommandNotFound (59)', async () => {
    const error = await t.db.command({ noSuchCommand: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).code).toBe(59);
    expect((error as MongoServerError).codeName).toBe('CommandNotFound');
  });
});
