/**
 * sample_training.companies: Crunchbase-style company profiles with every top-level field the
 * real collection has, in its order, with its mix of nulls, empty strings and empty arrays.
 * Competitors and acquirers are companies generated earlier, so references resolve.
 */
import type { Document } from 'bson';
import { CompanyParts, CompanyRef, crunchbaseDate, money, slug } from './company-parts';
import { fixtures } from './fixtures';
import { objectIds, Random, Weighted } from './random';

const FIRST_PROFILE = Date.UTC(2007, 4, 25);
const LAST_PROFILE = Date.UTC(2012, 11, 31);
const LAST_UPDATE = Date.UTC(2013, 11, 31);

export function* generateCompanies(count: number): Generator<Document> {
  const random = new Random('sample_training.companies');
  const nextId = objectIds('companies', 0x52cdef7c);
  const lists = fixtures.companies();
  const parts = new CompanyParts(random);
  const categories = new Weighted(lists.categories);
  const earlier: CompanyRef[] = [];
  const permalinks = new Set<string>();

  const companyName = (): string => {
    const start = random.pick(lists.nameStarts);
    if (random.chance(0.3)) return start + random.pick(lists.nameStarts).toLowerCase();
    return start + random.pick(lists.nameEnds);
  };
  const someEarlier = (max: number): CompanyRef[] => random.sample(earlier.slice(-500), random.int(0, max));
  const deal = (company: CompanyRef, year: number): Document => ({
    price_amount: random.chance(0.4) ? random.int(1, 400) * 1_000_000 : null,
    price_currency_code: 'USD',
    term_code: random.pick(['cash', 'stock', 'cash_and_stock', null]),
    source_url: `http://www.${company.permalink.replace(/-/g, '')}.com/press`,
    source_description: `Acquisition announced`,
    acquired_year: random.int(Math.min(year + 1, 2013), 2013),
    acquired_month: random.int(1, 12),
    acquired_day: random.int(1, 28),
  });

  for (let i = 0; i < count; i++) {
    let name = companyName();
    for (let attempt = 0; permalinks.has(slug(name)) && attempt < 5; attempt++) name = companyName();
    let permalink = slug(name);
    for (let n = 2; permalinks.has(permalink); n++) permalink = `${slug(name)}-${n}`;
    permalinks.add(permalink);
    const self = { name, permalink };
    const domain = permalink.replace(/-/g, '') + random.pick(lists.tlds);
    const hasYear = random.chance(0.7);
    const founded = hasYear ? Math.max(1900, Math.min(2013, Math.round(2013 - random.logNormal(6, 0.7)))) : null;
    const foundedMonth = founded !== null && random.chance(0.6) ? random.int(1, 12) : null;
    const dead = founded !== null && random.chance(0.04) ? random.int(Math.min(founded + 1, 2013), 2013) : null;
    const category = random.chance(0.05) ? null : categories.pick(random);
    const blog = random.chance(0.45) ? (random.chance(0.5) ? `http://blog.${domain}` : `http://www.${domain}/blog`) : '';
    const created = FIRST_PROFILE + random.next() * (LAST_PROFILE - FIRST_PROFILE);
    const funding = parts.fundingRounds(self, domain, founded ?? 2005);
    const audience = random.pick(lists.audiences);
    const product = random.pick(lists.products);
    const overview = [
      `<p>${name} is a ${random.pick(lists.adjectives)} company whose ${product} ${random.pick(lists.verbs)} ${audience} to ${random.pick(lists.goals)}.</p>`,
      ...(random.chance(0.6) ? [`<p>${founded ? `Founded in ${founded}, ` : ''}${name} serves ${random.pick(lists.audiences)} and ${random.pick(lists.audiences)}, and is building a ${random.pick(lists.products)} for them.</p>`] : []),
    ].join('\n\n');
    const acquired = earlier.length > 0 && random.chance(0.08);
    const ipo = !acquired && random.chance(0.015);

    yield {
      _id: nextId(),
      name,
      permalink,
      crunchbase_url: `http://www.crunchbase.com/company/${permalink}`,
      homepage_url: random.chance(0.9) ? `http://www.${domain}` : '',
      blog_url: blog,
      blog_feed_url: blog && random.chance(0.7) ? `${blog}/feed` : '',
      twitter_username: random.chance(0.5) ? name.replace(/\s+/g, '') : null,
      category_code: category,
      number_of_employees: random.chance(0.55) ? Math.max(1, Math.round(random.logNormal(25, 1.5))) : null,
      founded_year: founded,
      founded_month: foundedMonth,
      founded_day: foundedMonth !== null && random.chance(0.5) ? random.int(1, 28) : null,
      deadpooled_year: dead,
      deadpooled_month: dead !== null && random.chance(0.5) ? random.int(1, 12) : null,
      deadpooled_day: null,
      deadpooled_url: dead !== null && random.chance(0.3) ? `http://www.${domain}/goodbye` : null,
      tag_list: random.chance(0.6) ? random.sample(lists.tags, random.int(1, 6)).join(', ') : random.chance(0.5) ? '' : null,
      alias_list: random.chance(0.9) ? null : '',
      email_address: random.chance(0.7) ? `${random.pick(['info', 'contact', 'hello', 'press', 'support'])}@${domain}` : '',
      phone_number: random.chance(0.6) ? `${random.int(201, 989)}-${random.int(200, 999)}-${random.int(1000, 9999)}` : '',
      description: random.chance(0.6) ? `${product.charAt(0).toUpperCase()}${product.slice(1)} for ${audience}` : null,
      created_at: crunchbaseDate(created),
      updated_at: crunchbaseDate(created + random.next() * (LAST_UPDATE - created)),
      overview,
      image: random.chance(0.7) ? parts.image(random.int(120, 400), random.int(40, 200)) : null,
      products: Array.from({ length: random.chance(0.6) ? 0 : random.int(1, 3) }, () => {
        const productName = `${name} ${random.pick(['Pro', 'Mobile', 'for iPhone', 'Analytics', 'Cloud', 'Connect', 'Studio', 'Express', 'Platform', 'API'])}`;
        return { name: productName, permalink: slug(productName) };
      }),
      relationships: parts.relationships(),
      competitions: someEarlier(random.chance(0.6) ? 0 : 4).map((competitor) => ({ competitor })),
      providerships: random.chance(0.97) ? [] : someEarlier(1).map((provider) => ({ title: random.pick(['Legal', 'Public Relations', 'Accounting']), is_past: false, provider })),
      total_money_raised: money(funding.raised),
      funding_rounds: funding.rounds,
      investments: [],
      acquisition: acquired ? { ...deal(self, founded ?? 2005), acquiring_company: random.pick(earlier) } : null,
      acquisitions: random.chance(0.9) ? [] : someEarlier(3).map((company) => ({ ...deal(company, founded ?? 2005), company })),
      offices: parts.offices(),
      milestones: parts.milestones(self, domain, founded ?? 2005),
      video_embeds: [],
      screenshots: random.chance(0.8) ? [] : [parts.image(random.int(800, 1280), random.int(500, 800))],
      external_links: Array.from({ length: random.chance(0.7) ? 0 : random.int(1, 2) }, () => ({
        external_url: `http://www.${domain}/press/${random.int(1000, 9999)}`,
        title: `${name} in the news`,
      })),
      partners: [],
      ipo: ipo ? {
        valuation_amount: random.int(100, 20_000) * 1_000_000,
        valuation_currency_code: 'USD',
        pub_year: random.int(Math.min((founded ?? 2005) + 2, 2013), 2013),
        pub_month: random.int(1, 12),
        pub_day: random.int(1, 28),
        stock_symbol: `NASDAQ:${permalink.replace(/[^a-z]/g, '').slice(0, 4).toUpperCase()}`,
      } : null,
    };
    earlier.push(self);
  }
}
