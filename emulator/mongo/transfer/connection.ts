/**
 * Where export reads and import writes: exactly one of
 *  - `mongodb`: a MongoDB URI — a running `serve` (it prints its database's URI), `mongod`, a
 *    local server, Atlas;
 *  - `dataDir`: the data directory of a stopped `serve --data-dir` / `mongod --data-dir`, opened
 *    here with the embedded engine. The engine locks the directory, so one a server is still
 *    using is refused with a message naming its process.
 * Either way the transfer talks to it through the driver, like everything else in the emulator.
 */
import fs from 'node:fs';
import type { MongoClient } from 'mongodb';
import pino from 'pino';
import { BackendError, connectMongo, redactUri } from '../connect';
import { DataDirectoryError } from '../embedded/store/durability/data-directory';
import { listDirectory } from '../embedded/store/durability/files';
import { TransferError } from './errors';

export interface DatabaseLocation {
  mongodb?: string;
  dataDir?: string;
}

export interface OpenDatabase {
  client: MongoClient;
  /** What was opened, for messages: the URI without its password, or the data directory. */
  description: string;
  close(): Promise<void>;
}

const HOW = '--mongodb <uri> (a running server: serve and mongod print its MongoDB URI; or any MongoDB) or --data-dir <dir> (a stopped server\'s data directory)';

/** Whether a directory holds an embedded engine's data (snapshots or journals). */
export function isDataDirectory(directory: string): boolean {
  const listing = listDirectory(directory);
  return listing.snapshots.length > 0 || listing.journals.length > 0;
}

/** A data directory to read must exist and be one; one to write may be new, or empty. */
function checkDataDirectory(directory: string, mayCreate: boolean): void {
  let stats: fs.Stats;
  try {
    stats = fs.statSync(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && mayCreate) return;
    throw new TransferError(`--data-dir ${directory}: no such directory`);
  }
  if (!stats.isDirectory()) throw new TransferError(`--data-dir ${directory}: not a directory`);
  if (isDataDirectory(directory)) return;
  if (mayCreate && fs.readdirSync(directory).length === 0) return;
  throw new TransferError(
    `--data-dir ${directory} is not a data directory (no snapshot-*.bson or journal-*.log files)${mayCreate ? '; give a data directory, a new path or an empty directory' : ''}`,
  );
}

export async function openDatabase(location: DatabaseLocation, purpose: 'read' | 'write'): Promise<OpenDatabase> {
  const { mongodb, dataDir } = location;
  if (mongodb !== undefined && dataDir !== undefined) throw new TransferError(`give one database, not both --mongodb and --data-dir: ${HOW}`);
  if (mongodb === undefined && dataDir === undefined) throw new TransferError(`which database? Give ${HOW}`);
  if (mongodb !== undefined) {
    if (!/^mongodb(\+srv)?:\/\//.test(mongodb)) throw new TransferError(`--mongodb must be a mongodb:// or mongodb+srv:// URI; got "${mongodb}"`);
    try {
      // A timeout the URI sets wins over the default.
      const timeout = /[?&]serverSelectionTimeoutMS=(\d+)/i.exec(mongodb)?.[1];
      const connected = await connectMongo({ mongodb, serverSelectionTimeoutMS: timeout === undefined ? 10_000 : Number(timeout) });
      return { client: connected.client, description: redactUri(mongodb), close: () => connected.stop() };
    } catch (error) {
      if (error instanceof BackendError) throw new TransferError(error.message);
      throw error;
    }
  }
  const directory = dataDir as string;
  checkDataDirectory(directory, purpose === 'write');
  try {
    // The engine's own warnings go to stderr: stdout carries the transfer's summary.
    const logger = pino({ level: 'warn' }, pino.destination(2));
    const connected = await connectMongo({ mongodb: 'embedded', port: 0, dataDirectory: directory, logger });
    return { client: connected.client, description: directory, close: () => connected.stop() };
  } catch (error) {
    if (error instanceof DataDirectoryError) {
      const inUse = / is in use by process /.test(error.message);
      throw new TransferError(inUse ? `${error.message} To reach a running server's data, give --mongodb <the URI it printed> instead of --data-dir.` : error.message);
    }
    throw error;
  }
}
