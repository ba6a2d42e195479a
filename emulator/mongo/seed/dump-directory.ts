/**
 * Seeds from a directory: `<db>/<collection>.json` (mongoexport output, lines or an array) and
 * mongodump output `<db>/<collection>.bson` with `<collection>.metadata.json` (its options and
 * indexes), any of them gzipped; or a directory that is one database's dump, whose files sit
 * directly inside it (the database is then named after the directory).
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Document, EJSON } from 'bson';
import { BsonReader } from './bson-reader';
import { ejsonDocuments } from './ejson-file';
import { messageOf, SeedError } from './errors';
import { openInput, readFailure } from './input';
import type { SeedWriter } from './writer';

export interface CollectionFiles {
  data?: { path: string; kind: 'bson' | 'json' };
  metadata?: string;
}

/** mongodump percent-escapes characters that cannot appear in file names. */
function unescapeName(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

function collectionFiles(directory: string, entries: Dirent[]): Map<string, CollectionFiles> {
  const collections = new Map<string, CollectionFiles>();
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const name = entry.name.replace(/\.gz$/, '');
    const path = join(directory, entry.name);
    const match = /^(.+?)\.(metadata\.json|bson|json)$/.exec(name);
    if (!match) continue;
    const collection = unescapeName(match[1]);
    const files = collections.get(collection) ?? {};
    if (match[2] === 'metadata.json') files.metadata = path;
    else if (files.data) throw new SeedError(`${directory} holds both ${basename(files.data.path)} and ${entry.name} for collection "${collection}"; keep one`);
    else files.data = { path, kind: match[2] as 'bson' | 'json' };
    collections.set(collection, files);
  }
  // System collections (users, roles, profiles, old index catalogues) are the server's, not data.
  for (const name of collections.keys()) if (name.startsWith('system.')) collections.delete(name);
  return collections;
}

export async function readMetadata(path: string): Promise<Document> {
  const { stream, gzip, close } = await openInput(path);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
  } catch (error) {
    throw readFailure(path, gzip, error);
  } finally {
    close();
  }
  let metadata: unknown;
  try {
    metadata = EJSON.parse(Buffer.concat(chunks).toString('utf8'), { relaxed: false });
  } catch (error) {
    throw new SeedError(`${path} is not valid mongodump metadata: ${messageOf(error)}`);
  }
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) throw new SeedError(`${path} is not valid mongodump metadata: expected a JSON object`);
  return metadata as Document;
}

async function* bsonDocuments(path: string): AsyncGenerator<Document> {
  const { stream, gzip, close } = await openInput(path);
  const reader = new BsonReader(stream, path);
  try {
    for (;;) {
      const at = reader.offset;
      const bytes = await reader.next();
      if (bytes === undefined) return;
      yield reader.decode(bytes as Buffer, at);
    }
  } catch (error) {
    throw readFailure(path, gzip, error);
  } finally {
    close();
  }
}

async function* jsonDocuments(path: string): AsyncGenerator<Document> {
  const { stream, gzip, close } = await openInput(path);
  stream.setEncoding('utf8');
  try {
    yield* ejsonDocuments(stream, path);
  } catch (error) {
    throw readFailure(path, gzip, error);
  } finally {
    close();
  }
}

/** A collection's documents, streamed from its .json or .bson file (none when it has only metadata). */
export async function* collectionDocuments(files: CollectionFiles): AsyncGenerator<Document> {
  if (!files.data) return;
  yield* files.data.kind === 'bson' ? bsonDocuments(files.data.path) : jsonDocuments(files.data.path);
}

async function seedCollection(writer: SeedWriter, database: string, name: string, files: CollectionFiles): Promise<void> {
  const metadata = files.metadata ? await readMetadata(files.metadata) : {};
  const origin = files.data?.path ?? (files.metadata as string);
  const options = (metadata.options ?? {}) as Document;
  if (metadata.type === 'timeseries' || options.timeseries !== undefined) {
    throw new SeedError(`${database}.${name} (${origin}) is a time series collection, which seeding does not restore; use mongorestore against a MongoDB server`);
  }
  const indexes = Array.isArray(metadata.indexes) ? (metadata.indexes as Document[]).filter((index) => index.name !== '_id_') : [];
  const collection = typeof metadata.collectionName === 'string' ? metadata.collectionName : name;
  const target = await writer.open({ database, collection, origin, options, indexes });
  for await (const document of collectionDocuments(files)) {
    if (target.push(document)) await target.flush();
  }
  await target.close();
}

async function list(directory: string): Promise<Dirent[]> {
  try {
    return (await readdir(directory, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    throw new SeedError(`cannot read the directory ${directory}: ${messageOf(error)}`);
  }
}

/**
 * The databases of a dump or export directory, each with its collections' files; empty when it holds
 * none. Database folders win over files beside them: a full dump keeps its oplog (--oplog) and, in
 * recent tools, a prelude.json at the top, which are not collections. Only a folder without
 * database folders is read as one database's dump.
 */
export async function listDumpDirectory(root: string): Promise<[string, Map<string, CollectionFiles>][]> {
  const entries = await list(root);
  const databases: [string, Map<string, CollectionFiles>][] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const directory = join(root, entry.name);
    const collections = collectionFiles(directory, await list(directory));
    if (collections.size > 0) databases.push([unescapeName(entry.name), collections]);
  }
  if (databases.length === 0) {
    const direct = collectionFiles(root, entries);
    if (direct.size > 0) databases.push([basename(root), direct]);
  }
  return databases;
}

export async function seedDirectory(root: string, writer: SeedWriter): Promise<void> {
  const databases = await listDumpDirectory(root);
  if (databases.length === 0) {
    throw new SeedError(`${root} holds no data to seed: expected <database>/<collection>.json or .bson files (mongoexport or mongodump output), or <collection>.bson/.json files directly inside a database's folder`);
  }
  for (const [database, collections] of databases) {
    for (const [name, files] of collections) await seedCollection(writer, database, name, files);
  }
}
