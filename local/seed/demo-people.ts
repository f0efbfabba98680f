import type { ConsentRequest } from '../../shared/domain/customers/consent';
import type { CustomerCreate } from '../../shared/domain/customers/customer-schema';
import type { MonthDay } from '../../shared/domain/customers/customer-item';
import { dayOffset, type DemoClock } from './demo-clock';
import { CITIES, EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, STREETS, type City } from './demo-vocabulary';
import type { Random } from './prng';

/** Contact details must be unique per tenant (the email guard), and never real: see demo-vocabulary.ts. */
export class ContactBook {
  private readonly emails = new Set<string>();
  private readonly mobiles: string[];

  constructor(random: Random) {
    // +61 4 9165 xxxx: 10,000 fictional mobile numbers, handed out in a shuffled order.
    this.mobiles = random.sample(
      Array.from({ length: 10_000 }, (_, n) => `+6149165${String(n).padStart(4, '0')}`),
      10_000,
    );
  }

  email(random: Random, firstName: string, lastName: string): string {
    const first = asciiLocalPart(firstName);
    const last = asciiLocalPart(lastName);
    const domain = random.weighted(EMAIL_DOMAINS);
    const local = random.weighted([
      [`${first}.${last}`, 50],
      [`${first}${last}`, 20],
      [`${first[0]}${last}`, 15],
      [`${first}_${last}${random.int(1, 99)}`, 15],
    ] as const);
    let candidate = `${local}@${domain}`;
    for (let n = 2; this.emails.has(candidate); n++) candidate = `${local}${n}@${domain}`;
    this.emails.add(candidate);
    return candidate;
  }

  mobile(): string {
    const number = this.mobiles.pop();
    if (!number) throw new Error('Out of fictional mobile numbers');
    return number;
  }
}

/** `Zoë O'Brien` -> `zoe`, `obrien`: email local parts stay plain ASCII. */
export function asciiLocalPart(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** +61 {area} 5550 xxxx: the fictional landline range of each state. */
const landline = (random: Random, city: City) => `+61${city.area}5550${String(random.int(0, 9999)).padStart(4, '0')}`;

const daysIn = (month: number, year: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** A month and day that exists in `year` (29 February only in leap years). */
export function monthDayIn(month: number, day: number, year: number | undefined): MonthDay {
  const valid = Math.min(day, daysIn(month, year ?? 2000));
  return year === undefined ? { month, day: valid } : { month, day: valid, year };
}

/** A year <= `latest` in which the month and day exist (for 29 February: a leap year). */
export function yearWith(month: number, day: number, latest: number): number {
  let year = latest;
  while (daysIn(month, year) < day) year -= 1;
  return year;
}

function randomMonthDay(random: Random, year: number | undefined): MonthDay {
  const month = random.int(1, 12);
  return monthDayIn(month, random.int(1, daysIn(month, year ?? 2001)), year);
}

export interface PersonDraft {
  profile: CustomerCreate;
  /** Year of birth (whether or not the customer told the shop). */
  birthYear: number;
  city: City;
  customerSinceDaysAgo: number;
}

/** Name, contact, address, dates and consent of one customer; purchases decide tags, tiers and weddings later. */
export function draftPerson(random: Random, clock: DemoClock, contacts: ContactBook, index: number): PersonDraft {
  const firstName = random.pick(FIRST_NAMES);
  const lastName = random.pick(LAST_NAMES);
  const city = random.weighted(CITIES.map((c) => [c, c.weight] as const));
  const birthYear = clock.today.year - random.weighted([
    [random.int(19, 29), 25],
    [random.int(30, 44), 35],
    [random.int(45, 64), 30],
    [random.int(65, 85), 10],
  ] as const);

  const hasEmail = random.chance(0.9);
  const phoneKind = random.weighted([['mobile', 82], ['landline', 10], ['none', 8]] as const);
  const email = hasEmail ? contacts.email(random, firstName, lastName) : undefined;
  const phone = phoneKind === 'mobile' ? contacts.mobile() : phoneKind === 'landline' ? landline(random, city) : undefined;

  const hasBirthday = random.chance(0.78);
  const birthday = hasBirthday ? randomMonthDay(random, random.chance(0.7) ? birthYear : undefined) : undefined;
  const anniversary = random.chance(0.12)
    ? randomMonthDay(random, random.chance(0.6) ? random.int(Math.max(birthYear + 18, 1970), clock.today.year - 1) : undefined)
    : undefined;

  const customerSinceDaysAgo = random.weighted([
    [random.int(20, 365), 25],
    [random.int(366, 3 * 365), 40],
    [random.int(3 * 365, 12 * 365), 35],
  ] as const);

  const profile: CustomerCreate = {
    firstName,
    lastName,
    ...(email === undefined ? {} : { email }),
    ...(phone === undefined ? {} : { phone }),
    ...(random.chance(0.85)
      ? {
          address: {
            line1: `${random.int(1, 240)} ${random.pick(STREETS)}`,
            ...(random.chance(0.2) ? { line2: `Unit ${random.int(1, 40)}` } : {}),
            city: city.city,
            state: city.state,
            postcode: String(random.int(city.postcodes[0], city.postcodes[1])).padStart(4, '0'),
            country: 'AU',
          },
        }
      : {}),
    ...(birthday === undefined ? {} : { birthday }),
    ...(anniversary === undefined ? {} : { anniversary }),
    tags: [],
    status: random.weighted([['active', 96], ['inactive', 2], ['do_not_contact', 1.3], ['deceased', 0.7]] as const),
    categories: [],
    loyalty: { member: false },
    ...(random.chance(0.85) ? { externalId: `POS-${100000 + index}` } : {}),
    customerSince: dayOffset(clock, -customerSinceDaysAgo).iso,
    ...(random.chance(0.1)
      ? { notes: random.pick(['Prefers yellow gold', 'Ring size N', 'Nickel allergy', 'Likes to be called before pick-up', 'Buys for a partner every December']) }
      : {}),
    consent: consentMix(random, email !== undefined, phone !== undefined && phoneKind === 'mobile'),
  };
  return { profile, birthYear, city, customerSinceDaysAgo };
}

/**
 * Roughly what an Australian jeweller's book looks like: most customers with an email said yes to news at the counter,
 * fewer to SMS; some were never asked and some said no. A few also opted out of service messages.
 */
function consentMix(random: Random, hasEmail: boolean, hasMobile: boolean): ConsentRequest {
  const consent: ConsentRequest = {};
  if (hasEmail) {
    const marketing = random.weighted([['granted', 58], ['withdrawn', 14], ['unasked', 28]] as const);
    consent.email = {
      ...(marketing === 'unasked' ? {} : { marketing }),
      ...(random.chance(0.03) ? { service: 'withdrawn' as const } : {}),
    };
  }
  if (hasMobile) {
    const marketing = random.weighted([['granted', 32], ['withdrawn', 12], ['unasked', 56]] as const);
    consent.sms = {
      ...(marketing === 'unasked' ? {} : { marketing }),
      ...(random.chance(0.04) ? { service: 'withdrawn' as const } : {}),
    };
  }
  return consent;
}
