/**
 * Opens a file as a stream of bytes, gunzipping it when it starts with gzip's magic bytes
 * (mongodump --gzip writes .bson.gz and gzipped archives), whatever its name says.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { messageOf, SeedError } from './errors';

export interface Input {
  stream: Readable;
  gzip: boolean;
  /** Releases the file, also when reading stops early. */
  close(): void;
}

async function startsWithGzipMagic(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await file.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await file.close();
  }
}

export async function openInput(path: string): Promise<Input> {
  let gzip: boolean;
  try {
    gzip = await startsWithGzipMagic(path);
  } catch (error) {
    throw new SeedError(`cannot read ${path}: ${messageOf(error)}`);
  }
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (!gzip) return { stream: raw, gzip, close: () => raw.destroy() };
  const gunzip = createGunzip();
  raw.on('error', (error) => gunzip.destroy(error));
  return {
    stream: raw.pipe(gunzip),
    gzip,
    close() {
      raw.destroy();
      gunzip.destroy();
    },
  };
}

/** Turns a stream failure (unreadable file, corrupt gzip) into a SeedError that names the file. */
export function readFailure(path: string, gzip: boolean, error: unknown): SeedError {
  if (error instanceof SeedError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (gzip && typeof code === 'string' && code.startsWith('Z_')) return new SeedError(`${path}: the gzip data is corrupt or truncated (${messageOf(error)})`);
  return new SeedError(`cannot read ${path}: ${messageOf(error)}`);
}
