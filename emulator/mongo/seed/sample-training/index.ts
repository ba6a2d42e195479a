/**
 * The sample_training generator: MongoDB's sample_training database (the data of the Data API
 * tutorial) rebuilt deterministically from the lists in fixtures/sample_training, with the real
 * collections' field names, types and nesting, at the real sizes or at a few hundred documents.
 *
 * Indexes: MongoDB's "Sample Training Dataset" page lists only the `_id_` index for every one of
 * these collections, so none are created beyond the one every collection has.
 */
import type { Document } from 'bson';
import type { SeedWriter } from '../writer';
import { generateCompanies } from './companies';
import { generateGrades } from './grades';
import { generateInspections } from './inspections';
import { generatePosts } from './posts';
import { generateRoutes } from './routes';
import { generateTrips } from './trips';
import { generateZips } from './zips';

export const SAMPLE_TRAINING_DATABASE = 'sample_training';

export type SampleSize = 'full' | 'small';

interface GeneratedCollection {
  name: string;
  /** The real collection's document count. */
  full: number;
  small: number;
  generate(count: number): Iterable<Document>;
}

export const SAMPLE_TRAINING_COLLECTIONS: readonly GeneratedCollection[] = [
  { name: 'routes', full: 66_985, small: 500, generate: generateRoutes },
  { name: 'zips', full: 29_470, small: 300, generate: generateZips },
  { name: 'trips', full: 10_000, small: 300, generate: generateTrips },
  { name: 'companies', full: 9_500, small: 200, generate: generateCompanies },
  { name: 'grades', full: 100_000, small: 300, generate: generateGrades },
  { name: 'inspections', full: 80_047, small: 300, generate: generateInspections },
  { name: 'posts', full: 500, small: 100, generate: generatePosts },
];

/** The documents of one collection, as the generator makes them (for tests and tools). */
export function sampleTrainingDocuments(collection: string, size: SampleSize): Iterable<Document> {
  const entry = SAMPLE_TRAINING_COLLECTIONS.find((candidate) => candidate.name === collection);
  if (!entry) throw new Error(`sample_training has no collection "${collection}"`);
  return entry.generate(entry[size]);
}

export async function seedSampleTraining(writer: SeedWriter, size: SampleSize): Promise<void> {
  for (const entry of SAMPLE_TRAINING_COLLECTIONS) {
    const count = entry[size];
    const target = await writer.open({ database: SAMPLE_TRAINING_DATABASE, collection: entry.name, origin: 'the sample_training generator', total: count });
    for (const document of entry.generate(count)) {
      if (target.push(document)) await target.flush();
    }
    await target.close();
  }
}
