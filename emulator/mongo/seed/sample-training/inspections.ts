/**
 * sample_training.inspections: New York City business inspections. A business (certificate
 * number, name, sector, address) is often inspected more than once; dates are strings in the
 * real collection's "Mar  3 2015" form; a mobile vendor's address is often empty strings and 0.
 */
import type { Document } from 'bson';
import { fixtures } from './fixtures';
import { objectIds, Random, Weighted } from './random';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const NO_ADDRESS = { city: '', zip: '', street: '', number: 0 };

interface Business {
  certificate: number;
  name: string;
  sector: string;
  address: { city: string; zip: number | string; street: string; number: number };
}

/** C's "%b %e %Y": the day padded with a space. */
function inspectionDate(random: Random): string {
  const year = random.chance(0.8) ? 2015 : 2016;
  const day = new Date(Date.UTC(year, 0, 1) + random.int(0, 364) * 86_400_000);
  return `${MONTHS[day.getUTCMonth()]} ${String(day.getUTCDate()).padStart(2, ' ')} ${year}`;
}

export function* generateInspections(count: number): Generator<Document> {
  const random = new Random('sample_training.inspections');
  const nextId = objectIds('inspections', 0x56d61033);
  const { sectors, results, localities, streets, nameWords, suffixes } = fixtures.inspections();
  const { firstNames, lastNames } = fixtures.people();
  const bySector = new Weighted(sectors.map((sector) => [sector, sector[1]] as const));
  const byResult = new Weighted(results);
  const byLocality = new Weighted(localities.map((locality) => [locality, locality[1]] as const));
  const businesses: Business[] = [];
  let certificate = 3_000_000;
  let serial = 10_000;

  const person = () => `${random.pick(firstNames)} ${random.pick(lastNames)}`.toUpperCase();
  const newBusiness = (): Business => {
    const [sector, , words] = bySector.pick(random);
    const vendor = sector.startsWith('Mobile Food Vendor');
    let name: string;
    if (words.length === 0 || random.chance(0.2)) {
      name = vendor && random.chance(0.3) ? `UNNAMED HOT DOG VENDOR LICENSE NUMBER TA0${random.int(1000, 9999)}` : person();
    } else {
      name = [random.pick(nameWords), random.pick(words), random.pick(suffixes)].filter(Boolean).join(' ');
    }
    const [city, , [lowZip, highZip]] = byLocality.pick(random);
    const address = vendor && random.chance(0.5)
      ? NO_ADDRESS
      : { city, zip: random.chance(0.01) ? '' : random.int(lowZip, highZip), street: random.pick(streets), number: random.chance(0.1) ? random.int(10_000, 25_000) : random.int(1, 3_000) };
    certificate += random.int(1, 900);
    return { certificate, name, sector, address };
  };

  for (let i = 0; i < count; i++) {
    const revisit = businesses.length > 0 && random.chance(0.3);
    const business = revisit ? random.pick(businesses) : newBusiness();
    if (!revisit) businesses.push(business);
    const date = inspectionDate(random);
    serial += random.int(1, 3);
    const kind = random.chance(0.6) ? 'ENFO' : random.chance(0.9) ? 'CMPL' : 'UNIT';
    yield {
      _id: nextId(),
      id: `${serial}-${date.slice(-4)}-${kind}`,
      certificate_number: business.certificate,
      business_name: business.name,
      date,
      result: byResult.pick(random),
      sector: business.sector,
      address: { ...business.address },
    };
  }
}
