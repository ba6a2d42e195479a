/**
 * The framing layer, spoken to directly over a socket: what a driver never sends but a broken or
 * hostile client might.
 */
import net from 'node:net';
import { deserialize, serialize } from 'bson';
import { MongoClient } from 'mongodb';
import { EmbeddedMongoServer } from '../../../emulator/mongo/embedded/server';
import { describeEmbedded } from '../../helpers/database';

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_COMPRESSED = 2012;
const OP_MSG = 2013;

function header(length: number, requestId: number, opCode: number): Buffer {
  const buffer = Buffer.alloc(16);
  buffer.writeInt32LE(length, 0);
  buffer.writeInt32LE(requestId, 4);
  buffer.writeInt32LE(0, 8);
  buffer.writeInt32LE(opCode, 12);
  return buffer;
}

function opMsg(body: object, { flags = 0, requestId = 1, sequences = [] as [string, object[]][] } = {}): Buffer {
  const parts: Buffer[] = [Buffer.from([0]), Buffer.from(serialize(body))];
  for (const [identifier, documents] of sequences) {
    const payload = Buffer.concat([Buffer.from(`${identifier}\0`), ...documents.map((d) => Buffer.from(serialize(d)))]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(payload.length + 4);
    parts.push(Buffer.from([1]), size, payload);
  }
  const flagBytes = Buffer.alloc(4);
  flagBytes.writeUInt32LE(flags >>> 0);
  const rest = Buffer.concat([flagBytes, ...parts]);
  return Buffer.concat([header(16 + rest.length, requestId, OP_MSG), rest]);
}

function opQuery(collection: string, query: object, requestId = 1): Buffer {
  const flags = Buffer.alloc(4);
  const skipReturn = Buffer.alloc(8);
  const rest = Buffer.concat([flags, Buffer.from(`${collection}\0`), skipReturn, Buffer.from(serialize(query))]);
  return Buffer.concat([header(16 + rest.length, requestId, OP_QUERY), rest]);
}

interface Reply {
  opCode: number;
  responseTo: number;
  body: Record<string, unknown>;
}

class RawClient {
  private buffered = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.waiters.splice(0).forEach((wake) => wake());
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiters.splice(0).forEach((wake) => wake());
    });
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  send(message: Buffer): void {
    this.socket.write(message);
  }

  async reply(): Promise<Reply> {
    for (;;) {
      if (this.buffered.length >= 4 && this.buffered.length >= this.buffered.readInt32LE(0)) {
        const length = this.buffered.readInt32LE(0);
        const message = this.buffered.subarray(0, length);
        this.buffered = this.buffered.subarray(length);
        const opCode = message.readInt32LE(12);
        const responseTo = message.readInt32LE(8);
        const bodyStart = opCode === OP_REPLY ? 36 : 21;
        return { opCode, responseTo, body: deserialize(message.subarray(bodyStart)) };
      }
      if (this.closed) throw new Error('connection closed');
      await new Promise<void>((wake) => this.waiters.push(wake));
    }
  }

  async waitForClose(timeoutMs = 2000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    return this.closed;
  }

  end(): void {
    this.socket.destroy();
  }
}

describeEmbedded('wire protocol', () => {
  let server: EmbeddedMongoServer;
  let port: number;
  beforeAll(async () => {
    server = new EmbeddedMongoServer();
    port = (await server.start()).port;
  });
  afterAll(async () => server.stop());

  it('answers a legacy OP_QUERY isMaster handshake with OP_REPLY', async () => {
    const client = await RawClient.connect(port);
    client.send(opQuery('admin.$cmd', { isMaster: 1, client: { application: { name: 'raw' } } }, 7));
    const reply = await client.reply();
    expect(reply.opCode).toBe(OP_REPLY);
    expect(reply.responseTo).toBe(7);
    expect(reply.body.ismaster).toBe(true);
    expect(reply.body.ok).toBe(1);
    client.end();
  });

  it('answers the wrapped {$query: …} form of OP_QUERY too', async () => {
    const client = await RawClient.connect(port);
    client.send(opQuery('admin.$cmd', { $query: { ismaster: 1 }, $readPreference: { mode: 'primary' } }));
    expect((await client.reply()).body.ismaster).toBe(true);
    client.end();
  });

  it('refuses other commands over OP_QUERY (352), as mongod 6+ does', async () => {
    const client = await RawClient.connect(port);
    client.send(opQuery('test.$cmd', { find: 'x' }));
    const reply = await client.reply();
    expect(reply.body.ok).toBe(0);
    expect(reply.body.code).toBe(352);
    client.end();
  });

  it('answers OP_MSG, attaching document sequences to the body', async () => {
    const client = await RawClient.connect(port);
    client.send(opMsg({ insert: 'seq', $db: 'wire' }, { sequences: [['documents', [{ _id: 1 }, { _id: 2 }]]], requestId: 9 }));
    const reply = await client.reply();
    expect(reply.opCode).toBe(OP_MSG);
    expect(reply.responseTo).toBe(9);
    expect(reply.body).toMatchObject({ ok: 1, n: 2 });
    client.end();
  });

  it('requires $db in OP_MSG', async () => {
    const client = await RawClient.connect(port);
    client.send(opMsg({ ping: 1 }));
    expect((await client.reply()).body).toMatchObject({ ok: 0, code: 40571 });
    client.end();
  });

  it('sends no reply when moreToCome is set, but runs the command', async () => {
    const client = await RawClient.connect(port);
    client.send(opMsg({ insert: 'quiet', documents: [{ _id: 'q' }], $db: 'wire' }, { flags: 2, requestId: 1 }));
    client.send(opMsg({ find: 'quiet', $db: 'wire' }, { requestId: 2 }));
    const reply = await client.reply();
    expect(reply.responseTo).toBe(2);
    expect((reply.body.cursor as { firstBatch: unknown[] }).firstBatch).toEqual([{ _id: 'q' }]);
    client.end();
  });

  it('accepts a message split across many packets', async () => {
    const client = await RawClient.connect(port);
    const message = opMsg({ ping: 1, $db: 'admin', padding: 'x'.repeat(100_000) });
    for (let offset = 0; offset < message.length; offset += 997) client.send(message.subarray(offset, offset + 997));
    expect((await client.reply()).body.ok).toBe(1);
    client.end();
  });

  it('accepts an OP_MSG with a checksum', async () => {
    const client = await RawClient.connect(port);
    const message = opMsg({ ping: 1, $db: 'admin' }, { flags: 1 });
    const withChecksum = Buffer.concat([message, Buffer.alloc(4)]);
    withChecksum.writeInt32LE(withChecksum.length, 0);
    client.send(withChecksum);
    expect((await client.reply()).body.ok).toBe(1);
    client.end();
  });

  const malformed: [string, () => Buffer][] = [
    ['an oversized message length', () => header(64 * 1024 * 1024, 1, OP_MSG)],
    ['a message length below the header size', () => header(8, 1, OP_MSG)],
    ['an unknown opCode', () => Buffer.concat([header(20, 1, 9999), Buffer.alloc(4)])],
    ['OP_COMPRESSED, which was never negotiated', () => Buffer.concat([header(25, 1, OP_COMPRESSED), Buffer.alloc(9)])],
    [
      'a BSON body whose length lies',
      () => {
        const message = opMsg({ ping: 1, $db: 'admin' });
        message.writeInt32LE(9999, 21);
        return message;
      },
    ],
    [
      'unknown required flag bits',
      () => opMsg({ ping: 1, $db: 'admin' }, { flags: 1 << 4 }),
    ],
    [
      'an unknown section kind',
      () => {
        const message = opMsg({ ping: 1, $db: 'admin' });
        message[20] = 7;
        return message;
      },
    ],
  ];

  it.each(malformed)('closes the connection on %s and keeps serving others', async (_name, build) => {
    const bad = await RawClient.connect(port);
    const good = await RawClient.connect(port);
    bad.send(build());
    expect(await bad.waitForClose()).toBe(true);
    good.send(opMsg({ ping: 1, $db: 'admin' }));
    expect((await good.reply()).body.ok).toBe(1);
    good.end();
  });

  it('is still usable by the driver after all that', async () => {
    const client = await new MongoClient(server.uri).connect();
    expect((await client.db('admin').command({ ping: 1 })).ok).toBe(1);
    await client.close();
  });
});
