/**
 * `app-services-emulator mongod`: the embedded engine on its own, as a stand-in for a local mongod
 * or mongodb-memory-server. Prints the URI on stdout once it accepts connections, and stops
 * cleanly on SIGINT/SIGTERM. With `--data-dir` the data survives restarts, and any kill: a write is
 * acknowledged once it is on disk.
 */
import { DataDirectoryError } from '../mongo/embedded/store/durability/data-directory';
import { EmbeddedMongoServer } from '../mongo/embedded/server';
import { createLogger, type LogFormat } from './logger';

export interface MongodOptions {
  port: number;
  host: string;
  logLevel: string;
  logFormat: LogFormat;
  dataDir?: string;
}

export async function runMongod(options: MongodOptions): Promise<void> {
  const logger = createLogger(options.logLevel, options.logFormat);
  if (options.host === '0.0.0.0' || options.host === '::') {
    logger.warn(`binding to ${options.host} exposes the engine to your network, and it has no authentication`);
  }
  const server = new EmbeddedMongoServer({ port: options.port, host: options.host, logger, dataDirectory: options.dataDir });
  try {
    await server.start();
  } catch (error) {
    if (error instanceof DataDirectoryError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EADDRINUSE' ? `port ${options.port} is already in use` : (error as Error).message;
    throw new Error(`could not start the embedded engine on ${options.host}:${options.port}: ${reason}`);
  }
  const loaded = server.dataDirectory?.loaded;
  if (loaded) {
    process.stderr.write(
      `data directory ${options.dataDir}: ${loaded.documents} documents in ${loaded.collections} collections, loaded in ${Math.round(loaded.milliseconds)} ms\n`,
    );
  }
  const stop = (signal: string) => {
    logger.info(`${signal}: stopping`);
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // Before the URI: whoever reads it may signal at once, and the data directory needs a clean stop.
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.stdout.write(`${server.uri}\n`);
}
