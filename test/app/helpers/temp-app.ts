/**
 * Writes small app directories for tests that need one broken detail; each test describes only
 * the files it is about. Objects are written as JSON, strings as they are.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatProblem, loadApp, type LoadOptions, type LoadResult } from '../../../emulator/app';

export type AppFiles = Record<string, string | object>;

const created: string[] = [];

/** A minimal current-layout root file. */
export const ROOT = { 'realm_config.json': { config_version: 20210101, app_id: 'test-abcde', name: 'test', location: 'US-VA', deployment_model: 'GLOBAL' } };

export async function writeApp(files: AppFiles): Promise<string> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'app-loader-'));
  created.push(directory);
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(directory, ...relative.split('/'));
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 4));
  }
  return directory;
}

export async function removeApps(): Promise<void> {
  await Promise.all(created.splice(0).map((directory) => fs.rm(directory, { recursive: true, force: true })));
}

/** Loads an app made of ROOT plus `files`. */
export async function loadFiles(files: AppFiles, options?: LoadOptions): Promise<LoadResult> {
  return loadApp(await writeApp({ ...ROOT, ...files }), options);
}

/** The problems as the user reads them. */
export function lines(result: LoadResult): string[] {
  return result.problems.map(formatProblem);
}

export const FIXTURES = path.join(__dirname, '..', '..', '..', 'fixtures', 'apps');
