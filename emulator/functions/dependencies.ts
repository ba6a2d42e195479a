/**
 * The app's own npm dependencies (docs: functions/dependencies): a functions/node_modules folder,
 * or the archive `push --include-node-modules` uploads (functions/node_modules.zip, .tar, .tar.gz
 * or .tgz). An archive is unpacked once into a cache directory keyed by its content, so restarts
 * reuse it; the directory returned is where `require` looks for node_modules.
 *
 * Only regular files and folders are unpacked, and only inside the target: links and entries
 * with absolute or `..` paths are skipped, so an archive cannot write or point anywhere else.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { AppDefinition } from '../app/definition';

export class DependencyArchiveError extends Error {}

/** The directory holding the app's node_modules, or undefined when it ships none. */
export function dependenciesDirectory(definition: AppDefinition, cacheRoot = path.join(os.tmpdir(), 'app-services-emulator-dependencies')): string | undefined {
  const shipped = definition.functionDependencies.nodeModules;
  if (!shipped) return undefined;
  const functionsDirectory = path.join(definition.meta.directory, 'functions');
  if (shipped.kind === 'directory') return functionsDirectory;
  const archive = path.join(definition.meta.directory, shipped.file);
  const data = fs.readFileSync(archive);
  const entries = readArchive(archive, data);
  const target = path.join(cacheRoot, createHash('sha256').update(data).digest('hex').slice(0, 24));
  const complete = path.join(target, '.complete');
  if (fs.existsSync(complete)) return target;
  // Archives hold either node_modules/… or the packages themselves.
  const prefix = entries.every((entry) => entry.name === 'node_modules' || entry.name.startsWith('node_modules/')) ? '' : 'node_modules/';
  fs.rmSync(target, { recursive: true, force: true });
  for (const entry of entries) {
    const relative = `${prefix}${entry.name}`;
    const segments = relative.split('/').filter((segment) => segment !== '' && segment !== '.');
    if (segments.length === 0 || segments.includes('..') || path.isAbsolute(entry.name)) continue;
    const file = path.join(target, ...segments);
    if (entry.kind === 'directory') {
      fs.mkdirSync(file, { recursive: true });
    } else {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, entry.read());
    }
  }
  fs.mkdirSync(target, { recursive: true });
  fs.writeFileSync(complete, archive);
  return target;
}

interface ArchiveEntry {
  name: string;
  kind: 'file' | 'directory';
  read(): Buffer;
}

function readArchive(file: string, data: Buffer): ArchiveEntry[] {
  if (file.endsWith('.zip')) return readZip(data);
  if (file.endsWith('.tar')) return readTar(data);
  if (file.endsWith('.tar.gz') || file.endsWith('.tgz')) return readTar(zlib.gunzipSync(data));
  throw new DependencyArchiveError(`${path.basename(file)}: only .zip, .tar, .tar.gz and .tgz dependency archives can be unpacked; unpack it into functions/node_modules`);
}

/** POSIX ustar with pax and GNU long names: 512-byte headers, each followed by its data. */
function readTar(data: Buffer): ArchiveEntry[] {
  const entries: ArchiveEntry[] = [];
  let longName: string | undefined;
  for (let offset = 0; offset + 512 <= data.length; ) {
    const header = data.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const text = (start: number, end: number) => header.toString('utf8', start, end).replace(/\0.*$/s, '');
    const size = parseInt(text(124, 136).trim() || '0', 8);
    const type = text(156, 157) || '0';
    const body = data.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1] ?? longName;
      continue;
    }
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    const prefix = text(345, 500);
    const name = longName ?? (prefix ? `${prefix}/${text(0, 100)}` : text(0, 100));
    longName = undefined;
    if (type === '0' || type === '7') entries.push({ name, kind: 'file', read: () => Buffer.from(body) });
    else if (type === '5') entries.push({ name, kind: 'directory', read: () => Buffer.alloc(0) });
  }
  return entries;
}

/** Zip (stored or deflated entries), read through its central directory. */
function readZip(data: Buffer): ArchiveEntry[] {
  let end = data.length - 22;
  while (end >= 0 && data.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new DependencyArchiveError('the dependency archive is not a zip file (no end of central directory)');
  const count = data.readUInt16LE(end + 10);
  let offset = data.readUInt32LE(end + 16);
  const entries: ArchiveEntry[] = [];
  for (let index = 0; index < count; index++) {
    if (data.readUInt32LE(offset) !== 0x02014b50) throw new DependencyArchiveError('the dependency archive has a damaged central directory');
    const method = data.readUInt16LE(offset + 10);
    const compressedSize = data.readUInt32LE(offset + 20);
    const nameLength = data.readUInt16LE(offset + 28);
    const local = data.readUInt32LE(offset + 42);
    const name = data.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + data.readUInt16LE(offset + 30) + data.readUInt16LE(offset + 32);
    if (name.endsWith('/')) {
      entries.push({ name: name.slice(0, -1), kind: 'directory', read: () => Buffer.alloc(0) });
      continue;
    }
    const start = local + 30 + data.readUInt16LE(local + 26) + data.readUInt16LE(local + 28);
    const stored = data.subarray(start, start + compressedSize);
    if (method !== 0 && method !== 8) throw new DependencyArchiveError(`${name}: zip compression method ${method} is not supported (only stored and deflate)`);
    entries.push({ name, kind: 'file', read: () => (method === 8 ? zlib.inflateRawSync(stored) : Buffer.from(stored)) });
  }
  return entries;
}
