/**
 * sample_training.zips: US zip codes with city, state, population and a location. Every state gets
 * its share of zips from its own prefix range, in ascending order; neighbouring zips share a city.
 * As in the real collection, `loc.x` is the longitude without its sign (a positive number).
 */
import { Double, Document } from 'bson';
import { fixtures, StateFixture } from './fixtures';
import { objectIds, Random } from './random';

/** Splits `count` over the states in proportion to their weight (largest remainder, so it sums exactly). */
function apportion(states: StateFixture[], count: number): number[] {
  const total = states.reduce((sum, state) => sum + state.zips, 0);
  const exact = states.map((state) => (state.zips * count) / total);
  const shares = exact.map(Math.floor);
  let missing = count - shares.reduce((sum, share) => sum + share, 0);
  const byRemainder = exact.map((value, index) => [value - Math.floor(value), index]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, index] of byRemainder) {
    if (missing-- <= 0) break;
    shares[index]++;
  }
  return shares;
}

/** `count` distinct codes from the state's prefix range, ascending (selection sampling). */
function zipCodes(random: Random, state: StateFixture, count: number): number[] {
  const first = state.prefixes[0] * 100;
  const available = (state.prefixes[1] + 1) * 100 - first;
  const codes: number[] = [];
  for (let code = first, left = available; codes.length < count; code++, left--) {
    if (random.next() * left < count - codes.length) codes.push(code);
  }
  return codes;
}

export function* generateZips(count: number): Generator<Document> {
  const random = new Random('sample_training.zips');
  const nextId = objectIds('zips', 0x5c8eccc1);
  const { states, towns, townPrefixes, townSuffixes } = fixtures.zips();
  const ordered = states.slice().sort((a, b) => a.prefixes[0] - b.prefixes[0]);
  const shares = apportion(ordered, count);
  const places = new Map<string, [number, number]>();

  /** A city's centre, the same wherever the city recurs in the state. */
  const centre = (state: StateFixture, city: string): [number, number] => {
    const key = `${state.state}/${city}`;
    let place = places.get(key);
    if (!place) {
      const local = new Random(key);
      place = [state.lat + (local.next() * 2 - 1) * state.spread[0], state.lon + (local.next() * 2 - 1) * state.spread[1]];
      places.set(key, place);
    }
    return place;
  };
  const townName = (): string => {
    let name = random.pick(towns);
    if (random.chance(0.3)) name = random.pick(townPrefixes) + name;
    else if (random.chance(0.25)) name += random.pick(townSuffixes);
    return name;
  };

  for (const [index, state] of ordered.entries()) {
    let city = '';
    let median = 0;
    let run = 0;
    for (const code of zipCodes(random, state, shares[index])) {
      if (run-- <= 0) {
        const rank = Math.min(state.cities.length - 1, Math.floor(random.exponential(state.cities.length / 3)));
        // Big cities hold runs of consecutive zips; most zips are small towns of a few hundred people.
        const major = random.chance(0.35);
        city = major ? state.cities[rank] : townName();
        median = major ? (rank < 3 ? 9000 : 4000) : 1100;
        run = major && rank < 3 ? random.int(0, 4) : random.int(0, 1);
      }
      const [lat, lon] = centre(state, city);
      const pop = random.chance(0.01) ? 0 : Math.min(112000, Math.round(random.logNormal(median, 1.15)));
      yield {
        _id: nextId(),
        city,
        zip: String(code).padStart(5, '0'),
        loc: { y: new Double(Number(random.normal(lat, 0.04).toFixed(6))), x: new Double(Number((-random.normal(lon, 0.04)).toFixed(6))) },
        pop,
        state: state.state,
      };
    }
  }
}
