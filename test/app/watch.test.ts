/** watchAppDirectory: what `serve --watch` reloads on, and what it leaves alone. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type AppWatcher, watchAppDirectory } from '../../emulator/app/watch';

let directory: string;
let watcher: AppWatcher | undefined;
let reports: string[][];
let waiting: Array<() => void>;

beforeEach(async () => {
  directory = await fs.mkdtemp(path.join(os.tmpdir(), 'watch-'));
  reports = [];
  waiting = [];
});

afterEach(async () => {
  watcher?.close();
  watcher = undefined;
  await fs.rm(directory, { recursive: true, force: true });
});

function watch(debounceMs = 300): void {
  watcher = watchAppDirectory(directory, {
    debounceMs,
    onChange(changed) {
      reports.push(changed);
      for (const wake of waiting.splice(0)) wake();
    },
  });
}

/** The next report (the `count`th overall). */
function report(count = reports.length + 1): Promise<string[]> {
  return new Promise((resolve) => {
    const check = () => (reports.length >= count ? resolve(reports[count - 1]) : waiting.push(check));
    check();
  });
}

const write = async (relative: string, text = '{}') => {
  await fs.mkdir(path.dirname(path.join(directory, relative)), { recursive: true });
  await fs.writeFile(path.join(directory, relative), text);
};

it('reports a burst of saves once, naming each file, including an editor-style write and rename', async () => {
  await write('functions/config.json', '[]');
  watch();
  const next = report();
  await write('functions/config.json', '[{"name": "a"}]');
  await write('functions/a.js', 'exports = () => 1;');
  await write('functions/b.js.tmp', 'exports = () => 2;');
  await fs.rename(path.join(directory, 'functions/b.js.tmp'), path.join(directory, 'functions/b.js'));
  expect(await next).toEqual(expect.arrayContaining(['functions/config.json', 'functions/a.js', 'functions/b.js']));
});

it('ignores version control and editor swap and backup files', async () => {
  await fs.mkdir(path.join(directory, '.git'));
  await fs.mkdir(path.join(directory, 'auth'));
  watch();
  const next = report();
  await write('.git/index', 'x');
  await write('.git/objects/ab/cdef', 'x');
  await write('auth/.providers.json.swp', 'x');
  await write('auth/providers.json~', 'x');
  await write('auth/providers.json', '{}');
  expect(await next).toEqual(['auth/providers.json']);
});

it('watches directories made after it started', async () => {
  watch(100);
  await write('data_sources/mongodb-atlas/shop/items/rules.json');
  await report(1);
  const next = report(2);
  await write('data_sources/mongodb-atlas/shop/items/rules.json', '{"roles": []}');
  expect(await next).toContain('data_sources/mongodb-atlas/shop/items/rules.json');
});

it("watches functions/node_modules at its top only, where npm records every install", async () => {
  await write('functions/node_modules/left-pad/index.js', 'module.exports = 1;');
  watch();
  const next = report();
  await write('functions/node_modules/left-pad/index.js', 'module.exports = 2;');
  await write('functions/node_modules/.package-lock.json', '{}');
  expect(await next).toEqual(['functions/node_modules/.package-lock.json']);
});
