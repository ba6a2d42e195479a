import { BackendError, connectMongo, memoryServerBinaryAvailable } from '../../emulator/mongo/connect';

describe('connectMongo', () => {
  it('starts the embedded engine by default and gives a connected client and its URI', async () => {
    const mongo = await connectMongo();
    try {
      expect(mongo.kind).toBe('embedded');
      expect(mongo.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
      await mongo.client.db('x').collection('y').insertOne({ a: 1 });
      expect(await mongo.client.db('x').collection('y').countDocuments()).toBe(1);
    } finally {
      await mongo.stop();
    }
  });

  it('connects to any MongoDB URI', async () => {
    const server = await connectMongo({ mongodb: 'embedded' });
    try {
      const mongo = await connectMongo({ mongodb: server.uri });
      expect(mongo.kind).toBe('uri');
      expect((await mongo.client.db('admin').command({ ping: 1 })).ok).toBe(1);
      await mongo.stop();
    } finally {
      await server.stop();
    }
  });

  it('names the problem when a URI cannot be reached, without its password', async () => {
    const error = await connectMongo({ mongodb: 'mongodb://user:secret@127.0.0.1:1/', serverSelectionTimeoutMS: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toContain('could not connect to mongodb://user:***@127.0.0.1:1/');
    expect((error as Error).message).not.toContain('secret');
  });

  it('refuses a backend it does not know', async () => {
    await expect(connectMongo({ mongodb: 'postgres://x' })).rejects.toThrow(/must be "embedded", "memory-server" or a mongodb:\/\//);
  });

  it('starts mongodb-memory-server when a mongod binary is available, and says how to get one when not', async () => {
    if (await memoryServerBinaryAvailable()) {
      const mongo = await connectMongo({ mongodb: 'memory-server' });
      try {
        expect(mongo.kind).toBe('memory-server');
        expect((await mongo.client.db('admin').command({ buildInfo: 1 })).version).toMatch(/^\d/);
      } finally {
        await mongo.stop();
      }
      return;
    }
    process.stdout.write('memory-server backend: no mongod binary here (set MONGOMS_SYSTEM_BINARY); checked its error message only\n');
    // Point its download at a closed local port so it fails at once instead of retrying the internet.
    const mirror = process.env.MONGOMS_DOWNLOAD_MIRROR;
    process.env.MONGOMS_DOWNLOAD_MIRROR = 'http://127.0.0.1:9';
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const error = await connectMongo({ mongodb: 'memory-server' })
      .catch((e: unknown) => e)
      .finally(() => {
        warn.mockRestore();
        if (mirror === undefined) delete process.env.MONGOMS_DOWNLOAD_MIRROR;
        else process.env.MONGOMS_DOWNLOAD_MIRROR = mirror;
      });
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toMatch(/MONGOMS_SYSTEM_BINARY/);
  }, 120_000);
});
