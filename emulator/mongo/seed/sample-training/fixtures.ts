/**
 * The static lists behind the generator, read from fixtures/sample_training/ (ARCHITECTURE reserves
 * that folder for them; the package ships it). Read at first use and kept, so a process that never
 * seeds never reads them.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SeedError } from '../errors';

/** Both emulator/mongo/seed/sample-training and dist/mongo/seed/sample-training are four levels below the package root. */
const FIXTURES = resolve(__dirname, '../../../../fixtures/sample_training');

export type WeightedEntry = [string, number];

export interface AirlineFixtures {
  /** [id, name, two-letter IATA code, three-letter ICAO code, weight] */
  airlines: [number, string, string, string, number][];
  aircraft: WeightedEntry[];
}

export interface StateFixture {
  state: string;
  zips: number;
  prefixes: [number, number];
  lat: number;
  lon: number;
  spread: [number, number];
  cities: string[];
}

export interface ZipFixtures {
  states: StateFixture[];
  towns: string[];
  townPrefixes: string[];
  townSuffixes: string[];
}

export interface StationFixture {
  id: number;
  name: string;
  lat: number;
  lon: number;
  weight: number;
}

export interface PeopleFixtures {
  firstNames: string[];
  lastNames: string[];
}

export interface CompanyFixtures {
  nameStarts: string[];
  nameEnds: string[];
  categories: WeightedEntry[];
  tags: string[];
  titles: string[];
  financialOrgs: string[];
  /** [city, state code or null, country code, latitude, longitude, zip prefix] */
  offices: [string, string | null, string, number, number, string][];
  streets: string[];
  /** [round code, weight, typical amount in USD] */
  rounds: [string, number, number][];
  audiences: string[];
  products: string[];
  verbs: string[];
  goals: string[];
  adjectives: string[];
  milestones: string[];
  tlds: string[];
}

export interface InspectionFixtures {
  /** [sector, weight, words of business names in that sector] */
  sectors: [string, number, string[]][];
  results: WeightedEntry[];
  /** [city, weight, [lowest zip, highest zip]] */
  localities: [string, number, [number, number]][];
  streets: string[];
  nameWords: string[];
  suffixes: string[];
}

export interface PostFixtures {
  titles: string[];
  tags: string[];
  openings: string[];
  subjects: string[];
  clauses: string[];
  lorem: string[];
}

const cache = new Map<string, unknown>();

function load<T>(file: string): T {
  let value = cache.get(file);
  if (value === undefined) {
    const path = join(FIXTURES, file);
    try {
      value = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new SeedError(`cannot read the sample_training fixture ${path}: ${(error as Error).message}`);
    }
    cache.set(file, value);
  }
  return value as T;
}

export const fixtures = {
  airports: () => load<{ airports: WeightedEntry[] }>('airports.json').airports,
  airlines: () => load<AirlineFixtures>('airlines.json'),
  zips: () => load<ZipFixtures>('us-zips.json'),
  stations: () => load<{ stations: StationFixture[] }>('bike-stations.json').stations,
  people: () => load<PeopleFixtures>('people.json'),
  companies: () => load<CompanyFixtures>('companies.json'),
  inspections: () => load<InspectionFixtures>('inspections.json'),
  posts: () => load<PostFixtures>('posts.json'),
};
