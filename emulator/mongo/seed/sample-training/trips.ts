/**
 * sample_training.trips: bike-share trips in the shape of the Citi Bike collection (January 2016,
 * field names with spaces, GeoJSON station locations, "birth year" an empty string when unknown).
 * Trips follow the day's rhythm, mostly end near where they start, and last as long as the ride.
 */
import type { Document } from 'bson';
import { fixtures, StationFixture } from './fixtures';
import { objectIds, Random, Weighted } from './random';

/** Relative demand per hour of the day (commute peaks), averaging 1. */
const HOURLY = [0.15, 0.08, 0.05, 0.04, 0.06, 0.2, 0.6, 1.5, 2.4, 1.5, 0.9, 1.0, 1.2, 1.2, 1.1, 1.2, 1.6, 2.5, 2.2, 1.5, 1.0, 0.8, 0.6, 0.35];
const START = Date.UTC(2016, 0, 1);
/** Mean gap between trips so the full collection (10,000) spans the month. */
const MEAN_GAP_SECONDS = (31 * 86400) / 10000;

function metres(a: StationFixture, b: StationFixture): number {
  const dLat = (a.lat - b.lat) * 111_320;
  const dLon = (a.lon - b.lon) * 111_320 * Math.cos((a.lat * Math.PI) / 180);
  return Math.hypot(dLat, dLon);
}

/** Riders are mostly 20 to 60; teenagers are rare (a few dozen in the real 10,000 trips). */
function birthYearOf(random: Random): number {
  if (random.chance(0.004)) return random.int(1997, 2000);
  for (;;) {
    const year = Math.round(random.normal(1977, 10.5));
    if (year >= 1932 && year <= 1996) return year;
  }
}

function location(station: StationFixture): Document {
  return { type: 'Point', coordinates: [station.lon, station.lat] };
}

export function* generateTrips(count: number): Generator<Document> {
  const random = new Random('sample_training.trips');
  const nextId = objectIds('trips', 0x572bb822);
  const stations = fixtures.stations();
  const byPopularity = new Weighted(stations.map((station) => [station, station.weight] as const));
  let seconds = 0;

  for (let i = 0; i < count; i++) {
    const hour = Math.floor((seconds % 86400) / 3600);
    seconds += Math.max(1, Math.round(random.exponential(MEAN_GAP_SECONDS / HOURLY[hour])));
    const start = byPopularity.pick(random);
    const subscriber = random.chance(0.88);
    // Of three candidate destinations the nearest wins: rides are short, not uniform across town.
    let end = byPopularity.pick(random);
    for (let k = 0; k < 2; k++) {
      const candidate = byPopularity.pick(random);
      if (metres(start, candidate) < metres(start, end)) end = candidate;
    }
    if (!subscriber && random.chance(0.15)) end = start;
    const ride = metres(start, end) / (3 + random.next() * 1.5) + 60 + random.logNormal(90, 1);
    const tripduration = Math.min(40_000, Math.round(subscriber ? ride : ride * 1.8));
    const known = subscriber ? random.chance(0.98) : random.chance(0.15);
    const birthYear = known ? birthYearOf(random) : '';
    const gender = known ? (random.chance(0.04) ? 0 : random.chance(0.75) ? 1 : 2) : 0;
    const startTime = START + seconds * 1000;
    yield {
      _id: nextId(),
      tripduration,
      'start station id': start.id,
      'start station name': start.name,
      'end station id': end.id,
      'end station name': end.name,
      bikeid: random.int(14529, 25600),
      usertype: subscriber ? 'Subscriber' : 'Customer',
      'birth year': birthYear,
      'start station location': location(start),
      'end station location': location(end),
      'start time': new Date(startTime),
      'stop time': new Date(startTime + tripduration * 1000),
      gender,
    };
  }
}
