/** Servers on a data directory, restarts, and the whole state of a server as canonical EJSON, for comparing two. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EJSON } from 'bson';
import { MongoClient } from 'mongodb';
import { EmbeddedMongoServer, EmbeddedServerOptions } from '../../../emulator/mongo/embedded/server';

export interface Running {
  server: EmbeddedMongoServer;
  client: MongoClient;
  stop(): Promise<void>;
}

const directories: string[] = [];
const running = new Set<Running>();

/** A fresh directory under the system's temporary directory, removed after the test file. */
export function temporaryDirectory(): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'data-dir-'));
  directories.push(directory);
  return directory;
}

afterAll(async () => {
  // Servers a failed test left running, so that jest can exit and the directories be removed.
  for (const server of running) await server.stop();
  for (const directory of directories) fs.rmSync(directory, { recursive: true, force: true });
});

export async function startOn(dataDirectory: string, options: EmbeddedServerOptions = {}): Promise<Running> {
  const server = new EmbeddedMongoServer({ ...options, dataDirectory });
  const { uri } = await server.start();
  const client = await new MongoClient(uri).connect();
  const handle: Running = {
    server,
    client,
    async stop() {
      running.delete(handle);
      await client.close();
      await server.stop();
    },
  };
  running.add(handle);
  return handle;
}

/**
 * What a SIGKILL leaves behind, while the server goes on running: a copy of the directory's files
 * as they are now. Every acknowledged write was written and fsynced before its reply, so the copy
 * holds it; what the page cache holds and the disk not yet is beyond what a kill can lose.
 */
export function copyAsIfKilled(dataDirectory: string): string {
  const copy = temporaryDirectory();
  for (const name of fs.readdirSync(dataDirectory)) fs.copyFileSync(path.join(dataDirectory, name), path.join(copy, name));
  return copy;
}

const RAW = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true } as const;

/** Every database, collection (options, UUID), index and document (in natural order), as canonical EJSON. */
export async function dumpState(client: MongoClient): Promise<string> {
  const { databases } = await client.db('admin').admin().listDatabases();
  const state: Record<string, unknown> = {};
  for (const { name } of databases.sort((a, b) => a.name.localeCompare(b.name))) {
    const db = client.db(name);
    const collections = (await db.listCollections({}, RAW).toArray()).sort((a, b) => a.name.localeCompare(b.name));
    for (const collection of collections) {
      state[`${name}.${collection.name}`] = {
        info: collection,
        indexes: await db.collection(collection.name).listIndexes(RAW).toArray(),
        documents: await db.collection(collection.name).find({}, RAW).toArray(),
      };
    }
  }
  return EJSON.stringify(state, undefined, 1, { relaxed: false });
}
