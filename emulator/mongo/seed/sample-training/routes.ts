/**
 * sample_training.routes: airline routes in the shape of the OpenFlights-derived collection.
 * Airports are drawn by weight so hubs dominate (the tutorial's sumTopAirports groups routes by
 * src_airport and shows the top three); each airline flies a small fleet of its own.
 */
import type { Document } from 'bson';
import { fixtures } from './fixtures';
import { objectIds, Random, Weighted } from './random';

export function* generateRoutes(count: number): Generator<Document> {
  const random = new Random('sample_training.routes');
  const nextId = objectIds('routes', 0x56e9b39b);
  const airports = new Weighted(fixtures.airports());
  const { airlines, aircraft } = fixtures.airlines();
  const carriers = new Weighted(airlines.map((airline) => [airline, airline[4]] as const));
  const planes = new Weighted(aircraft);
  const fleets = new Map<number, string[]>();
  for (const [id] of airlines) {
    const fleet = new Set<string>();
    const size = random.int(2, 6);
    while (fleet.size < size) fleet.add(planes.pick(random));
    fleets.set(id, [...fleet]);
  }

  for (let i = 0; i < count; i++) {
    const [id, name, alias, iata] = carriers.pick(random);
    const source = airports.pick(random);
    let destination = airports.pick(random);
    while (destination === source) destination = airports.pick(random);
    const fleet = fleets.get(id) as string[];
    const types = random.chance(0.8) ? 1 : random.chance(0.75) ? 2 : 3;
    yield {
      _id: nextId(),
      airline: { id, name, alias, iata },
      src_airport: source,
      dst_airport: destination,
      codeshare: random.chance(0.22) ? 'Y' : '',
      stops: random.chance(0.0002) ? 1 : 0,
      airplane: random.sample(fleet, types).join(' '),
    };
  }
}
