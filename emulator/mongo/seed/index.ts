/**
 * Seeding: loads data into the database through the driver, from a spec as the CLI's repeatable
 * `--seed <spec>` gives it:
 *  - `sample_training` or `sample_training:small`: MongoDB's sample_training database, generated
 *    deterministically (real sizes, or a few hundred documents per collection for tests);
 *  - a directory: mongoexport JSON or mongodump BSON + metadata per database folder, or one
 *    database's dump folder;
 *  - a file: a mongodump --archive, plain or gzipped.
 * Relative paths are resolved against `baseDirectory` (default: the working directory).
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { MongoClient } from 'mongodb';
import { seedArchive } from './archive';
import { seedDirectory } from './dump-directory';
import { messageOf, SeedError } from './errors';
import { SampleSize, seedSampleTraining } from './sample-training';
import { SeededCollection, SeedProgress, SeedWriter } from './writer';

export { SeedError } from './errors';
export { terminalProgress } from './progress';
export type { SeededCollection, SeedProgress } from './writer';

export interface SeedResult {
  source: string;
  collections: SeededCollection[];
  milliseconds: number;
}

export interface SeedOptions {
  onProgress?: (progress: SeedProgress) => void;
  baseDirectory?: string;
}

const SIZES: Record<string, SampleSize> = { '': 'full', small: 'small' };

function generatedSize(spec: string): SampleSize | undefined {
  const match = /^sample_training(?::(.*))?$/.exec(spec);
  if (!match) return undefined;
  const size = SIZES[match[1] ?? ''];
  if (!size) throw new SeedError(`unknown seed "${spec}": sample_training comes as "sample_training" (real sizes) or "sample_training:small"`);
  return size;
}

async function seedPath(spec: string, path: string, writer: SeedWriter): Promise<void> {
  let kind: 'directory' | 'file';
  try {
    const stats = await stat(path);
    kind = stats.isDirectory() ? 'directory' : 'file';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new SeedError(`cannot read ${path}: ${messageOf(error)}`);
    // A bare word that is no file was most likely meant as a dataset name.
    const word = /^[\w-]+(:[\w-]+)?$/.test(spec);
    throw new SeedError(
      word
        ? `unknown seed "${spec}": not a dataset this emulator generates (sample_training, sample_training:small) and no file or directory ${path}`
        : `seed path not found: ${path}`,
    );
  }
  if (kind === 'directory') return seedDirectory(path, writer);
  // A lone export file has no database name; its folder structure provides one.
  const lone = /\.(json|bson)(\.gz)?$/.exec(path);
  if (lone) {
    throw new SeedError(`${path} is a single .${lone[1]} file: seed the folder that holds it instead (<database>/<collection>.${lone[1]}, or one database's folder of <collection>.${lone[1]} files)`);
  }
  await seedArchive(path, writer);
}

export async function seed(client: MongoClient, spec: string, options: SeedOptions = {}): Promise<SeedResult> {
  const started = performance.now();
  const writer = new SeedWriter(client, spec, options.onProgress);
  const size = generatedSize(spec);
  if (size) await seedSampleTraining(writer, size);
  else if (spec.trim() === '') throw new SeedError('empty seed spec: give sample_training, sample_training:small, a directory or a mongodump archive');
  else await seedPath(spec, resolve(options.baseDirectory ?? process.cwd(), spec), writer);
  return { source: spec, collections: writer.results(), milliseconds: Math.round(performance.now() - started) };
}
