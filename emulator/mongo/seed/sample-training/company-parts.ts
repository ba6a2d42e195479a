/**
 * The nested parts of a generated Crunchbase-style company profile: people and their
 * relationships, funding rounds and their investors, offices, milestones, images, and the
 * formats Crunchbase used for dates ("Tue Feb 12 17:31:58 UTC 2008") and money ("$5.2M").
 */
import type { Document } from 'bson';
import { CompanyFixtures, fixtures, PeopleFixtures } from './fixtures';
import { Random, Weighted } from './random';

export interface CompanyRef {
  name: string;
  permalink: string;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const CURRENCIES: [string, number][] = [['USD', 92], ['EUR', 4], ['GBP', 2], ['CAD', 2]];

export function slug(text: string): string {
  return text.toLowerCase().replace(/&/g, 'and').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export function crunchbaseDate(time: number): string {
  const d = new Date(time);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/** "$0", "$750k", "$5.2M", "$1.1B", as total_money_raised shows amounts. */
export function money(amount: number): string {
  if (amount >= 1e9) return `$${Number((amount / 1e9).toFixed(1))}B`;
  if (amount >= 1e6) return `$${Number((amount / 1e6).toFixed(1))}M`;
  if (amount >= 1e3) return `$${Math.round(amount / 1e3)}k`;
  return `$${amount}`;
}

/** Amounts as announced: two significant digits. */
function announced(amount: number): number {
  const magnitude = 10 ** Math.max(0, Math.floor(Math.log10(amount)) - 1);
  return Math.max(1000, Math.round(amount / magnitude) * magnitude);
}

export class CompanyParts {
  private readonly lists: CompanyFixtures = fixtures.companies();
  private readonly people: PeopleFixtures = fixtures.people();
  private readonly rounds: Weighted<[string, number, number]>;
  private readonly currencies = new Weighted(CURRENCIES);
  private nextRoundId = 1;
  private nextMilestoneId = 1;
  private nextImage = 1000;

  constructor(private readonly random: Random) {
    this.rounds = new Weighted(this.lists.rounds.map((round) => [round, round[1]] as const));
  }

  person(): Document {
    const first = this.random.pick(this.people.firstNames);
    const last = this.random.pick(this.people.lastNames);
    return { first_name: first, last_name: last, permalink: slug(`${first} ${last}`) };
  }

  relationships(): Document[] {
    const count = Math.min(25, Math.floor(this.random.exponential(3)));
    return Array.from({ length: count }, () => ({ is_past: this.random.chance(0.25), title: this.random.pick(this.lists.titles), person: this.person() }));
  }

  private date(fromYear: number): { year: number; month: number; day: number } {
    const year = this.random.int(Math.max(fromYear, 1995), 2013);
    return { year, month: this.random.int(1, 12), day: this.random.int(1, 28) };
  }

  private investor(): Document {
    if (this.random.chance(0.8)) {
      const name = this.random.pick(this.lists.financialOrgs);
      return { company: null, financial_org: { name, permalink: slug(name) }, person: null };
    }
    return { company: null, financial_org: null, person: this.person() };
  }

  /** Rounds in date order after the founding year, and their total in US dollars for total_money_raised. */
  fundingRounds(company: CompanyRef, domain: string, founded: number): { rounds: Document[]; raised: number } {
    const count = this.random.chance(0.55) ? 0 : Math.min(8, 1 + Math.floor(this.random.exponential(1.2)));
    const rounds: Document[] = [];
    let raised = 0;
    let year = founded;
    for (let i = 0; i < count; i++) {
      const [code, , typical] = this.rounds.pick(this.random);
      const amount = announced(this.random.logNormal(typical, 0.7));
      const currency = this.currencies.pick(this.random);
      const when = this.date(year);
      year = when.year;
      raised += amount;
      rounds.push({
        id: this.nextRoundId++,
        round_code: code,
        source_url: `http://www.${domain}/press/${when.year}/${slug(code)}-round`,
        source_description: `${company.name} raises ${money(amount)} in ${code === 'a' || code === 'b' || code === 'c' ? `series ${code.toUpperCase()}` : code.replace(/_/g, ' ')} funding`,
        raised_amount: amount,
        raised_currency_code: currency,
        funded_year: when.year,
        funded_month: when.month,
        funded_day: when.day,
        investments: Array.from({ length: this.random.int(1, 4) }, () => this.investor()),
      });
    }
    return { rounds, raised };
  }

  offices(): Document[] {
    const count = this.random.chance(0.15) ? 0 : this.random.chance(0.8) ? 1 : this.random.int(2, 3);
    return Array.from({ length: count }, (_, index) => {
      const [city, state, country, lat, lon, zip] = this.random.pick(this.lists.offices);
      const located = this.random.chance(0.6);
      return {
        description: index === 0 ? (this.random.chance(0.5) ? 'Headquarters' : '') : this.random.chance(0.5) ? null : 'Office',
        address1: `${this.random.int(1, 2500)} ${this.random.pick(this.lists.streets)}`,
        address2: this.random.chance(0.3) ? `Suite ${this.random.int(1, 9) * 100}` : '',
        zip_code: this.random.chance(0.85) ? `${zip}${this.random.int(0, 99).toString().padStart(2, '0')}` : '',
        city,
        state_code: state,
        country_code: country,
        latitude: located ? Number(this.random.normal(lat, 0.02).toFixed(6)) : null,
        longitude: located ? Number(this.random.normal(lon, 0.02).toFixed(6)) : null,
      };
    });
  }

  milestones(company: CompanyRef, domain: string, founded: number): Document[] {
    const count = this.random.chance(0.6) ? 0 : this.random.int(1, 3);
    return Array.from({ length: count }, () => {
      const when = this.date(founded);
      return {
        id: this.nextMilestoneId++,
        description: this.random.pick(this.lists.milestones),
        stoned_year: when.year,
        stoned_month: when.month,
        stoned_day: when.day,
        source_url: `http://www.${domain}/news`,
        source_text: null,
        source_description: `${company.name} news`,
        stoneable_type: 'Company',
        stoned_value: null,
        stoned_value_type: null,
        stoned_acquirer: null,
        stoneable: { name: company.name, permalink: company.permalink },
      };
    });
  }

  /** A logo or screenshot in Crunchbase's three resized variants. */
  image(width: number, height: number): Document {
    const id = this.nextImage++;
    const folder = `${String(Math.floor(id / 10000)).padStart(4, '0')}/${String(id % 10000).padStart(4, '0')}`;
    const sizes = [150, 250, 450].map((box) => {
      const scale = Math.min(1, box / Math.max(width, height));
      return [[Math.round(width * scale), Math.round(height * scale)], `assets/images/resized/${folder}/${id}v1-max-${box}x${box}.png`];
    });
    return { available_sizes: sizes, attribution: null };
  }
}
