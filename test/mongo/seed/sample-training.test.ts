import { Document, Double, EJSON, Int32, ObjectId } from 'bson';
import type { ConnectedMongo } from '../../../emulator/mongo/connect';
import { seed } from '../../../emulator/mongo/seed';
import { SAMPLE_TRAINING_COLLECTIONS, sampleTrainingDocuments } from '../../../emulator/mongo/seed/sample-training';
import { seedRecording, startServer } from './helpers';

let mongo: ConnectedMongo;
beforeAll(async () => {
  mongo = await startServer();
});
afterAll(async () => mongo.stop());

const db = () => mongo.client.db('sample_training');

/** Every document of a collection with its exact BSON types (Int32, Double, … kept as classes). */
async function stored(collection: string): Promise<Document[]> {
  return db().collection(collection).find({}, { promoteValues: false, sort: { _id: 1 } }).toArray();
}

/** The BSON type of a value as read with promoteValues: false. */
function bsonType(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Int32) return 'int';
  if (value instanceof Double) return 'double';
  if (value instanceof ObjectId) return 'objectId';
  if (value instanceof Date) return 'date';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function typesOf(document: Document, paths: string[]): Record<string, string> {
  return Object.fromEntries(paths.map((path) => [path, bsonType(path.split('.').reduce<unknown>((value, key) => (value as Document)?.[key], document))]));
}

describe('sample_training:small', () => {
  beforeAll(async () => {
    await db().dropDatabase();
  });

  it('creates the seven collections with a few hundred documents each and reports them', async () => {
    const { result } = await seedRecording(mongo, 'sample_training:small');
    expect(result.source).toBe('sample_training:small');
    expect(result.collections.map((entry) => entry.collection)).toEqual(['routes', 'zips', 'trips', 'companies', 'grades', 'inspections', 'posts']);
    for (const entry of result.collections) {
      expect(entry.database).toBe('sample_training');
      expect(entry.documents).toBeGreaterThanOrEqual(100);
      expect(entry.documents).toBeLessThanOrEqual(500);
      expect(await db().collection(entry.collection).countDocuments()).toBe(entry.documents);
      // MongoDB's Sample Training Dataset page lists only the _id index for these collections.
      expect((await db().collection(entry.collection).listIndexes().toArray()).map((index) => index.name)).toEqual(['_id_']);
    }
    expect(result.milliseconds).toBeGreaterThanOrEqual(0);
  });

  it('gives routes the real field names and types, with IATA airport codes', async () => {
    const routes = await stored('routes');
    for (const route of routes) {
      expect(Object.keys(route)).toEqual(['_id', 'airline', 'src_airport', 'dst_airport', 'codeshare', 'stops', 'airplane']);
      expect(typesOf(route, ['_id', 'airline.id', 'airline.name', 'airline.alias', 'airline.iata', 'stops'])).toEqual({
        _id: 'objectId', 'airline.id': 'int', 'airline.name': 'string', 'airline.alias': 'string', 'airline.iata': 'string', stops: 'int',
      });
      expect(route.src_airport).toMatch(/^[A-Z]{3}$/);
      expect(route.dst_airport).toMatch(/^[A-Z]{3}$/);
      expect(route.dst_airport).not.toBe(route.src_airport);
      expect(['', 'Y']).toContain(route.codeshare);
      expect(route.airplane).toMatch(/^[A-Z0-9]{3}( [A-Z0-9]{3})*$/);
    }
  });

  it('lets the busiest airports dominate routes, as sumTopAirports expects', async () => {
    const top = await db().collection('routes').aggregate([
      { $group: { _id: '$src_airport', count: { $sum: 1 } } },
      { $sort: { count: -1 } },
      { $limit: 3 },
    ]).toArray();
    const airports = await db().collection('routes').distinct('src_airport');
    const average = 500 / airports.length;
    expect(top).toHaveLength(3);
    for (const airport of top) expect(airport.count).toBeGreaterThan(3 * average);
  });

  it('gives zips a string zip code, a double location and an integer population', async () => {
    const zips = await stored('zips');
    for (const zip of zips) {
      expect(Object.keys(zip)).toEqual(['_id', 'city', 'zip', 'loc', 'pop', 'state']);
      expect(typesOf(zip, ['city', 'zip', 'loc.y', 'loc.x', 'pop', 'state'])).toEqual({ city: 'string', zip: 'string', 'loc.y': 'double', 'loc.x': 'double', pop: 'int', state: 'string' });
      expect(zip.zip).toMatch(/^\d{5}$/);
      expect(zip.state).toMatch(/^[A-Z]{2}$/);
    }
    expect(new Set(zips.map((zip) => zip.zip)).size).toBe(zips.length);
  });

  it('gives trips spaced field names, GeoJSON points and dates', async () => {
    const trips = await stored('trips');
    for (const trip of trips) {
      expect(typesOf(trip, ['tripduration', 'start station id', 'bikeid', 'start time', 'stop time', 'gender', 'usertype'])).toEqual({
        tripduration: 'int', 'start station id': 'int', bikeid: 'int', 'start time': 'date', 'stop time': 'date', gender: 'int', usertype: 'string',
      });
      expect(trip['start station location']).toEqual({ type: 'Point', coordinates: [expect.any(Double), expect.any(Double)] });
      expect(['Subscriber', 'Customer']).toContain(trip.usertype);
      expect(['int', 'string']).toContain(bsonType(trip['birth year']));
      expect(trip['stop time'].getTime() - trip['start time'].getTime()).toBe(trip.tripduration.value * 1000);
    }
  });

  it('gives companies the Crunchbase profile fields with their nested arrays', async () => {
    const companies = await stored('companies');
    for (const company of companies) {
      expect(Object.keys(company)).toEqual(expect.arrayContaining([
        'name', 'permalink', 'crunchbase_url', 'homepage_url', 'category_code', 'number_of_employees', 'founded_year', 'founded_month', 'founded_day',
        'tag_list', 'description', 'overview', 'products', 'relationships', 'competitions', 'offices', 'funding_rounds', 'total_money_raised', 'acquisition',
      ]));
      expect(company.crunchbase_url).toBe(`http://www.crunchbase.com/company/${company.permalink}`);
      expect(['int', 'null']).toContain(bsonType(company.founded_year));
      for (const field of ['products', 'relationships', 'competitions', 'offices', 'funding_rounds']) expect(Array.isArray(company[field])).toBe(true);
      for (const round of company.funding_rounds) expect(typesOf(round, ['round_code', 'raised_currency_code', 'funded_year'])).toEqual({ round_code: 'string', raised_currency_code: 'string', funded_year: 'int' });
      for (const relationship of company.relationships) expect(Object.keys(relationship.person)).toEqual(['first_name', 'last_name', 'permalink']);
    }
    expect(new Set(companies.map((company) => company.permalink)).size).toBe(companies.length);
    expect(companies.some((company) => company.funding_rounds.length > 0)).toBe(true);
  });

  it('stores grades ids and scores as doubles, with an exam, a quiz and two homeworks', async () => {
    for (const grade of await stored('grades')) {
      expect(typesOf(grade, ['student_id', 'class_id'])).toEqual({ student_id: 'double', class_id: 'double' });
      expect(grade.scores.map((score: Document) => score.type)).toEqual(['exam', 'quiz', 'homework', 'homework']);
      for (const score of grade.scores) {
        expect(score.score).toBeInstanceOf(Double);
        expect(score.score.value).toBeGreaterThanOrEqual(0);
        expect(score.score.value).toBeLessThanOrEqual(100);
      }
    }
  });

  it('gives inspections string dates in the "Mar  3 2015" form and an address', async () => {
    for (const inspection of await stored('inspections')) {
      expect(Object.keys(inspection)).toEqual(['_id', 'id', 'certificate_number', 'business_name', 'date', 'result', 'sector', 'address']);
      expect(inspection.date).toMatch(/^[A-Z][a-z]{2} [ \d]\d \d{4}$/);
      expect(inspection.id).toMatch(/^\d+-\d{4}-(ENFO|CMPL|UNIT)$/);
      expect(inspection.sector).toMatch(/ - \d{3}$/);
      expect(Object.keys(inspection.address)).toEqual(['city', 'zip', 'street', 'number']);
      expect(bsonType(inspection.certificate_number)).toBe('int');
    }
  });

  it('gives posts ten tags, comments with an author and email, and a date', async () => {
    for (const post of await stored('posts')) {
      expect(Object.keys(post)).toEqual(['_id', 'body', 'permalink', 'author', 'title', 'tags', 'comments', 'date']);
      expect(post.tags).toHaveLength(10);
      expect(post.permalink).toMatch(/^[A-Za-z]{20}$/);
      expect(post.date).toBeInstanceOf(Date);
      for (const comment of post.comments) expect(comment.email).toMatch(/^[A-Za-z]{8}@[A-Za-z]{8}\.com$/);
    }
  });

  it('generates the same documents on every run, _ids included', async () => {
    const first = Object.fromEntries(await Promise.all(SAMPLE_TRAINING_COLLECTIONS.map(async ({ name }) => [name, EJSON.stringify(await stored(name))])));
    await db().dropDatabase();
    await seed(mongo.client, 'sample_training:small');
    for (const { name } of SAMPLE_TRAINING_COLLECTIONS) expect(EJSON.stringify(await stored(name))).toBe(first[name]);
    expect(EJSON.stringify([...sampleTrainingDocuments('companies', 'small')])).toBe(EJSON.stringify([...sampleTrainingDocuments('companies', 'small')]));
  });

  it('leaves the data as it is when seeded again (existing _ids are kept, not duplicated)', async () => {
    const before = await db().collection('routes').countDocuments();
    const { result } = await seedRecording(mongo, 'sample_training:small');
    expect(await db().collection('routes').countDocuments()).toBe(before);
    expect(result.collections.find((entry) => entry.collection === 'routes')?.documents).toBe(before);
  });
});

describe('sample_training at the real sizes', () => {
  // The full set is about 300,000 documents: ~10 s through the embedded engine on a 2-core machine.
  it('creates every collection at the size of MongoDB\'s sample data', async () => {
    await db().dropDatabase();
    const { result } = await seedRecording(mongo, 'sample_training');
    const expected = { routes: 66_985, zips: 29_470, trips: 10_000, companies: 9_500, grades: 100_000, inspections: 80_047, posts: 500 };
    expect(Object.fromEntries(result.collections.map((entry) => [entry.collection, entry.documents]))).toEqual(expected);
    for (const [collection, count] of Object.entries(expected)) expect(await db().collection(collection).estimatedDocumentCount()).toBe(count);
    await db().dropDatabase();
  }, 180_000);
});
