/**
 * The database behind the emulator, chosen once at start-up. Whatever the backend, the rest of the
 * program gets the same thing: a connected MongoClient (the official driver) and the URI it uses.
 *  - "embedded" (default): the MongoDB-compatible engine of this project, in this process;
 *  - "memory-server": a real mongod started by mongodb-memory-server (binary from
 *    MONGOMS_SYSTEM_BINARY or its cache);
 *  - a "mongodb://" or "mongodb+srv://" URI: any MongoDB — local, replica set, Atlas.
 */
import { MongoClient } from 'mongodb';
import type { Logger } from 'pino';
import { EmbeddedMongoServer } from './embedded/server';

export type BackendKind = 'embedded' | 'memory-server' | 'uri';

export interface ConnectOptions {
  /** "embedded", "memory-server" or a MongoDB URI. */
  mongodb?: string;
  /** Port for the embedded engine or the memory-server mongod (0: any free port). */
  port?: number;
  host?: string;
  logger?: Logger;
  /** How long to wait for a URI backend to answer, in milliseconds. */
  serverSelectionTimeoutMS?: number;
  /** Keeps the embedded engine's data in this directory across restarts (embedded backend only). */
  dataDirectory?: string;
}

export interface ConnectedMongo {
  kind: BackendKind;
  client: MongoClient;
  uri: string;
  /** The in-process engine, for the embedded backend. */
  embedded?: EmbeddedMongoServer;
  /** Closes the client and stops whatever this function started. */
  stop(): Promise<void>;
}

export class BackendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendError';
  }
}

export async function connectMongo(options: ConnectOptions = {}): Promise<ConnectedMongo> {
  const choice = options.mongodb ?? 'embedded';
  checkDataDirectoryBackend(choice, options.dataDirectory);
  if (choice === 'embedded') return connectEmbedded(options);
  if (choice === 'memory-server') return connectMemoryServer(options);
  if (/^mongodb(\+srv)?:\/\//.test(choice)) return connectUri(choice, options);
  throw new BackendError(
    `--mongodb must be "embedded", "memory-server" or a mongodb:// or mongodb+srv:// URI; got "${choice}"`,
  );
}

/** A data directory is the embedded engine's; any other database keeps (or discards) its own data. */
export function checkDataDirectoryBackend(mongodb: string, dataDirectory: string | undefined): void {
  if (dataDirectory === undefined || mongodb === 'embedded') return;
  throw new BackendError(
    `--data-dir keeps the embedded engine's data and cannot be used with --mongodb ${mongodb === 'memory-server' ? mongodb : redactUri(mongodb)}: ` +
      'that database keeps (or discards) its own data; drop --data-dir, or use --mongodb embedded',
  );
}

async function connectEmbedded(options: ConnectOptions): Promise<ConnectedMongo> {
  const embedded = new EmbeddedMongoServer({
    port: options.port ?? 0,
    host: options.host,
    logger: options.logger,
    dataDirectory: options.dataDirectory,
  });
  const { uri } = await embedded.start();
  let client: MongoClient;
  try {
    client = await new MongoClient(uri).connect();
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  return {
    kind: 'embedded',
    client,
    uri,
    embedded,
    async stop() {
      await client.close();
      await embedded.stop();
    },
  };
}

/** Loaded on demand: most runs never start a real mongod. */
function loadMemoryServer(): typeof import('mongodb-memory-server-core') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('mongodb-memory-server-core');
}

/** Where the mongod binary comes from, without downloading anything. */
async function locateMongodBinary(): Promise<string | undefined> {
  if (process.env.MONGOMS_SYSTEM_BINARY) return process.env.MONGOMS_SYSTEM_BINARY;
  const { DryMongoBinary } = loadMemoryServer();
  return DryMongoBinary.locateBinary(DryMongoBinary.getEnsuredOptions());
}

/** Whether the memory-server backend can start here without a download (tests use this to decide to run). */
export async function memoryServerBinaryAvailable(): Promise<boolean> {
  return (await locateMongodBinary().catch(() => undefined)) !== undefined;
}

async function connectMemoryServer(options: ConnectOptions): Promise<ConnectedMongo> {
  const { MongoMemoryServer } = loadMemoryServer();
  const binary = await locateMongodBinary().catch(() => undefined);
  let server: InstanceType<typeof MongoMemoryServer>;
  try {
    server = await MongoMemoryServer.create({
      instance: { port: options.port || undefined, ip: options.host },
      binary: binary ? { systemBinary: binary } : undefined,
    });
  } catch (error) {
    throw new BackendError(
      `mongodb-memory-server could not start a mongod: ${(error as Error).message}\n` +
        'Provide a mongod binary: set MONGOMS_SYSTEM_BINARY=/path/to/mongod, or put one in ' +
        "mongodb-memory-server's cache (~/.cache/mongodb-binaries), or use --mongodb embedded or a MongoDB URI.",
    );
  }
  const uri = server.getUri();
  const client = await new MongoClient(uri).connect();
  return {
    kind: 'memory-server',
    client,
    uri,
    async stop() {
      await client.close();
      await server.stop();
    },
  };
}

/** The URI without its password, for messages. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

async function connectUri(uri: string, options: ConnectOptions): Promise<ConnectedMongo> {
  let client: MongoClient;
  try {
    client = await new MongoClient(uri, { serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 10_000 }).connect();
  } catch (error) {
    throw new BackendError(`could not connect to ${redactUri(uri)}: ${(error as Error).message}`);
  }
  return {
    kind: 'uri',
    client,
    uri,
    async stop() {
      await client.close();
    },
  };
}
