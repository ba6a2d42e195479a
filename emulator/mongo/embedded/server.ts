/**
 * The embedded MongoDB-compatible server: a TCP listener speaking the wire protocol, one engine
 * shared by every connection. The official driver, mongosh and Compass connect to it with
 * `mongodb://<host>:<port>/`.
 */
import net from 'node:net';
import pino, { Logger } from 'pino';
import { ALL_COMMANDS } from './commands';
import type { CommandContext, ConnectionInfo, ServerInfo } from './commands/command';
import { Dispatcher } from './dispatcher';
import { asCommandError, CommandError } from './errors';
import { CursorManager } from './store/cursors';
import { DataDirectory } from './store/durability/data-directory';
import { Engine } from './store/engine';
import type { Document } from './values/forms';
import {
  encodeOpMsg,
  encodeOpReply,
  HEADER_SIZE,
  MAX_MESSAGE_SIZE_BYTES,
  parseMessage,
  ProtocolError,
  Request,
} from './wire/protocol';

export interface EmbeddedServerOptions {
  port?: number;
  host?: string;
  logger?: Logger;
  /** An engine to serve; a new, empty one by default. */
  engine?: Engine;
  /** The clock cursor timeouts are measured with (tests move it forward). */
  clock?: () => number;
  /** How often TTL indexes delete expired documents; mongod's TTL monitor runs every 60 s. */
  ttlMonitorIntervalMs?: number;
  /**
   * A directory that keeps the data across restarts (created if missing, locked while served):
   * every write is on disk before it is acknowledged. Without it the data lives in memory only.
   */
  dataDirectory?: string;
  /** Journal bytes after which a snapshot is taken (see store/durability/data-directory.ts). */
  snapshotThresholdBytes?: number;
}

/** Commands an OP_QUERY may carry: only the handshake, as in mongod 6.0 and later. */
const OP_QUERY_COMMANDS = new Set(['isMaster', 'ismaster', 'hello']);

export class EmbeddedMongoServer {
  readonly engine: Engine;
  readonly cursors: CursorManager;
  private readonly dispatcher = new Dispatcher(ALL_COMMANDS);
  private readonly server = net.createServer((socket) => this.accept(socket));
  private readonly sockets = new Set<net.Socket>();
  private readonly log: Logger;
  private readonly requestedPort: number;
  private readonly requestedHost: string;
  private totalConnections = 0;
  private nextRequestId = 1;
  private info: ServerInfo | undefined;
  private readonly ttlMonitor: NodeJS.Timeout;
  private readonly options: EmbeddedServerOptions;
  #dataDirectory: DataDirectory | undefined;
  /** Per connection, the last reply still waiting for the journal: later replies go after it. */
  private readonly waitingReplies = new Map<net.Socket, Promise<void>>();

  constructor(options: EmbeddedServerOptions = {}) {
    this.options = options;
    this.engine = options.engine ?? new Engine();
    this.cursors = new CursorManager(options.clock);
    this.ttlMonitor = setInterval(() => this.expireDocuments(), options.ttlMonitorIntervalMs ?? 60_000);
    this.ttlMonitor.unref();
    this.log = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'warn' });
    this.requestedPort = options.port ?? 0;
    this.requestedHost = options.host ?? '127.0.0.1';
  }

  /** The data directory being served, when the server was given one. */
  get dataDirectory(): DataDirectory | undefined {
    return this.#dataDirectory;
  }

  /** Loads the data directory (when there is one), then listens. */
  async start(): Promise<{ host: string; port: number; uri: string }> {
    if (this.options.dataDirectory !== undefined && !this.#dataDirectory) {
      this.#dataDirectory = DataDirectory.open(
        { path: this.options.dataDirectory, log: this.log, snapshotThresholdBytes: this.options.snapshotThresholdBytes },
        this.engine,
      );
    }
    try {
      await new Promise<void>((resolve, reject) => {
        this.server.once('error', reject);
        this.server.listen(this.requestedPort, this.requestedHost, () => {
          this.server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      await this.#dataDirectory?.close();
      this.#dataDirectory = undefined;
      throw error;
    }
    const address = this.server.address() as net.AddressInfo;
    this.info = {
      startedAt: new Date(),
      host: this.requestedHost,
      port: address.port,
      connections: () => ({ current: this.sockets.size, totalCreated: this.totalConnections }),
    };
    return { host: this.requestedHost, port: address.port, uri: this.uri };
  }

  get port(): number {
    if (!this.info) throw new Error('the embedded server is not started');
    return this.info.port;
  }

  get uri(): string {
    const host = this.requestedHost.includes(':') ? `[${this.requestedHost}]` : this.requestedHost;
    const connectHost = host === '0.0.0.0' ? '127.0.0.1' : host === '[::]' ? '[::1]' : host;
    return `mongodb://${connectHost}:${this.port}/`;
  }

  /** Stops serving; with a data directory, waits for the journal, writes a snapshot and releases the directory. */
  async stop(): Promise<void> {
    clearInterval(this.ttlMonitor);
    this.cursors.close();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.#dataDirectory?.close();
  }

  private expireDocuments(): void {
    try {
      const removed = this.engine.expireDocuments();
      if (removed > 0) this.log.info({ removed }, 'TTL indexes deleted expired documents');
    } catch (error) {
      this.log.error({ err: error }, 'TTL monitor could not delete expired documents');
    }
    this.#dataDirectory?.commit()?.catch((error: Error) => this.log.error({ err: error }, 'TTL deletions rolled back'));
  }

  private accept(socket: net.Socket): void {
    this.totalConnections += 1;
    const connection: ConnectionInfo = { id: this.totalConnections, remoteAddress: `${socket.remoteAddress}:${socket.remotePort}` };
    this.sockets.add(socket);
    socket.setNoDelay(true);
    // Chunks are joined only once a whole message has arrived, so a large message costs one copy.
    let chunks: Buffer[] = [];
    let buffered = 0;
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      buffered += chunk.length;
      while (buffered >= 4) {
        if (chunks[0].length < 4) chunks = [Buffer.concat(chunks, buffered)];
        const length = chunks[0].readInt32LE(0);
        if (length < HEADER_SIZE || length > MAX_MESSAGE_SIZE_BYTES) {
          this.drop(socket, connection, `message length ${length} is outside [${HEADER_SIZE}, ${MAX_MESSAGE_SIZE_BYTES}]`);
          return;
        }
        if (buffered < length) break;
        const joined = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, buffered);
        const rest = joined.subarray(length);
        chunks = rest.length > 0 ? [rest] : [];
        buffered = rest.length;
        if (!this.handle(socket, connection, joined.subarray(0, length))) return;
      }
    });
    socket.on('error', (error) => this.log.debug({ err: error, connection: connection.id }, 'connection error'));
    socket.on('close', () => this.sockets.delete(socket));
  }

  /** Handles one message; false when the connection was closed because of it. */
  private handle(socket: net.Socket, connection: ConnectionInfo, message: Buffer): boolean {
    let request: Request;
    try {
      request = parseMessage(message);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.drop(socket, connection, error.message);
      return false;
    }
    const reply = this.reply(request, connection);
    const durable = this.#dataDirectory?.commit();
    if (request.kind === 'msg' && request.moreToCome) {
      durable?.catch((error: Error) => this.log.error({ err: error, connection: connection.id }, 'unacknowledged write rolled back'));
      return true;
    }
    const before = this.waitingReplies.get(socket);
    if (!durable && !before) {
      this.send(socket, request, reply);
      return true;
    }
    // Acknowledged means durable: the reply waits for the command's journal frame (and for the
    // replies before it on this connection); a frame that cannot be written fails the command.
    const sent = (before ?? Promise.resolve())
      .then(() => durable)
      .then(
        () => reply,
        (error: unknown) => asCommandError(error).error.toReply(),
      )
      .then((body) => this.send(socket, request, body));
    this.waitingReplies.set(socket, sent);
    void sent.then(() => {
      if (this.waitingReplies.get(socket) === sent) this.waitingReplies.delete(socket);
    });
    return true;
  }

  private send(socket: net.Socket, request: Request, reply: Document): void {
    if (socket.destroyed) return;
    const requestId = this.nextRequestId++;
    const responseTo = request.header.requestId;
    socket.write(request.kind === 'msg' ? encodeOpMsg(requestId, responseTo, reply) : encodeOpReply(requestId, responseTo, reply));
  }

  private reply(request: Request, connection: ConnectionInfo): Document {
    const command = request.command;
    let database: string;
    if (request.kind === 'query') {
      const name = Object.keys(command)[0];
      if (!OP_QUERY_COMMANDS.has(name)) {
        return CommandError.of(
          'UnsupportedOpQueryCommand',
          `Unsupported OP_QUERY command: ${name}. The client driver may require an upgrade.`,
        ).toReply();
      }
      database = request.fullCollectionName.split('.')[0] || 'admin';
    } else {
      if (typeof command.$db !== 'string') {
        return new CommandError(40571, 'OP_MSG requests require a $db argument').toReply();
      }
      database = command.$db;
    }
    if (command.client && typeof command.client === 'object' && !connection.client) {
      connection.client = command.client as Document;
    }
    const context: CommandContext = {
      engine: this.engine,
      cursors: this.cursors,
      database,
      connection,
      server: this.info as ServerInfo,
      log: this.log,
    };
    return this.dispatcher.execute(command, context);
  }

  private drop(socket: net.Socket, connection: ConnectionInfo, reason: string): void {
    this.log.warn({ connection: connection.id, remote: connection.remoteAddress }, `closing connection: ${reason}`);
    socket.destroy();
  }
}
