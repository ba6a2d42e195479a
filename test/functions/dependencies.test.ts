import { promises as fs, existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { AppDefinition } from '../../emulator/app/definition';
import { DependencyArchiveError, dependenciesDirectory } from '../../emulator/functions/dependencies';
import { FIXTURE_APP, loadFixture, startRuntime, user } from './helpers';

const PACKAGE = {
  'greeting-lib/package.json': JSON.stringify({ name: 'greeting-lib', main: 'index.js' }),
  'greeting-lib/index.js': "exports.greet = (name) => 'hi ' + name + ' from ' + require('./package.json').name;\n",
};

/** A ustar archive (what `tar -cf` writes), enough for the reader under test. */
function tar(files: Record<string, string>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const header = Buffer.alloc(512);
    header.write(name, 0);
    header.write(`${Buffer.byteLength(content).toString(8).padStart(11, '0')}\0`, 124);
    header.write('0', 156);
    header.write('ustar\0', 257);
    blocks.push(header, Buffer.from(content), Buffer.alloc((512 - (Buffer.byteLength(content) % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** A zip archive with deflated entries. */
function zip(files: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const fileName = Buffer.from(name);
    const data = zlib.deflateRawSync(Buffer.from(content));
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(Buffer.byteLength(content), 22);
    local.writeUInt16LE(fileName.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(Buffer.byteLength(content), 24);
    entry.writeUInt16LE(fileName.length, 28);
    entry.writeUInt32LE(offset, 42);
    parts.push(local, fileName, data);
    central.push(entry, fileName);
    offset += 30 + fileName.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}

const temporary: string[] = [];

async function appWithArchive(file: string, content: Buffer): Promise<AppDefinition> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'functions-archive-'));
  temporary.push(directory);
  await fs.cp(FIXTURE_APP, directory, { recursive: true });
  await fs.writeFile(path.join(directory, 'functions', file), content);
  return loadFixture(directory);
}

afterAll(async () => {
  await Promise.all(temporary.map((directory) => fs.rm(directory, { recursive: true, force: true })));
});

describe('dependency archives', () => {
  it('unpacks a zip of packages into a cache directory, under node_modules', async () => {
    const cache = await fs.mkdtemp(path.join(os.tmpdir(), 'functions-cache-'));
    temporary.push(cache);
    const directory = dependenciesDirectory(await appWithArchive('node_modules.zip', zip(PACKAGE)), cache) as string;
    expect(directory.startsWith(cache)).toBe(true);
    expect(readFileSync(path.join(directory, 'node_modules', 'greeting-lib', 'index.js'), 'utf8')).toBe(PACKAGE['greeting-lib/index.js']);
  });

  it('keeps a tar.gz that holds node_modules/ as it is, and never writes outside its directory', async () => {
    const cache = await fs.mkdtemp(path.join(os.tmpdir(), 'functions-cache-'));
    temporary.push(cache);
    const files = { 'node_modules/a/index.js': 'module.exports = 1;\n', 'node_modules/../../escaped.js': 'x' };
    const directory = dependenciesDirectory(await appWithArchive('node_modules.tar.gz', zlib.gzipSync(tar(files))), cache) as string;
    expect(existsSync(path.join(directory, 'node_modules', 'a', 'index.js'))).toBe(true);
    expect(existsSync(path.join(cache, 'escaped.js'))).toBe(false);
    expect(existsSync(path.join(path.dirname(cache), 'escaped.js'))).toBe(false);
  });

  it('says which archives it cannot unpack', async () => {
    const definition = await appWithArchive('node_modules.7z', Buffer.from('7z'));
    expect(() => dependenciesDirectory(definition)).toThrow(DependencyArchiveError);
    expect(() => dependenciesDirectory(definition)).toThrow(/only \.zip, \.tar, \.tar\.gz and \.tgz/);
  });

  it("lets functions require the archive's packages", async () => {
    const { runtime } = await startRuntime({ definition: await appWithArchive('node_modules.tgz', zlib.gzipSync(tar(PACKAGE))) });
    try {
      const { result } = await runtime.call({ name: 'require/dependency', args: ['ada'], user: user() });
      expect(result).toBe('hi ada from greeting-lib');
    } finally {
      await runtime.stop();
    }
  });
});
