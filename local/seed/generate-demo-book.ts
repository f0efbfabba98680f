/**
 * The demo tenant's book, generated: a pure function of the anchor date (the day the stack first started). Same anchor,
 * same book; a later anchor gives the same people with their dates moved along, so "birthdays today" and "appointment
 * tomorrow" are true on the day it is seeded.
 */
import type { ConsentRequest } from '../../shared/domain/customers/consent';
import type { CustomerCreate } from '../../shared/domain/customers/customer-schema';
import type { Appointment } from '../../shared/domain/records/appointment';
import type { Layby } from '../../shared/domain/records/layby';
import { refundableAmount, type Purchase } from '../../shared/domain/records/purchase';
import type { Repair } from '../../shared/domain/records/repair';
import type { Role } from '../../shared/auth/roles';
import type { TenantSettings } from '../../shared/domain/tenants/settings';
import { dayOffset, demoClock, instantAt, pastShopInstant, plusDays, shopHoursOn, type DemoClock } from './demo-clock';
import { ContactBook, draftPerson, monthDayIn, yearWith, type PersonDraft } from './demo-people';
import { demoAppointment, demoLayby, demoPurchase, demoRepair, repairStatusForAge } from './demo-records';
import { CATEGORIES, LOYALTY_TIERS, TAGS } from './demo-vocabulary';
import { seededId, seededRandom, type Random } from './prng';

export const DEMO_SEED = 20_240_917;
export const DEMO_CUSTOMER_COUNT = 2000;

export const DEMO_TENANT: TenantSettings = {
  name: 'Aurora Fine Jewellery',
  timeZone: 'Australia/Sydney',
  country: 'AU',
  currency: 'AUD',
  storePhone: '+61255500100',
  postalAddress: 'Shop 12, 400 George Street, Sydney NSW 2000',
  defaultSender: { name: 'Aurora Fine Jewellery', email: 'hello@example.com' },
  defaultSendHour: 10,
  frequencyCap: { messages: 3, days: 7 },
  attributionWindowDays: 7,
};

/** One demo key per role; the owner comes first (the tenant is created with it). */
export const DEMO_STAFF: readonly { role: Role; name: string; email: string }[] = [
  { role: 'owner', name: 'Olivia Hart', email: 'olivia.hart@example.com' },
  { role: 'manager', name: 'Marcus Lee', email: 'marcus.lee@example.com' },
  { role: 'salesperson', name: 'Sienna Park', email: 'sienna.park@example.com' },
  { role: 'workshop', name: 'Wes Turner', email: 'wes.turner@example.com' },
  { role: 'accountant', name: 'Anita Rao', email: 'anita.rao@example.com' },
];

export interface DemoConsentChange {
  at: string;
  source: 'unsubscribe';
  request: ConsentRequest;
}

export interface DemoCustomer {
  customerId: string;
  /** When the customer was added to the book (ISO instant). */
  createdAt: string;
  profile: CustomerCreate;
  /** Consent changes after the customer was added (unsubscribes), oldest first. */
  consentChanges: DemoConsentChange[];
  purchases: Purchase[];
  repairs: Repair[];
  laybys: Layby[];
  appointments: Appointment[];
}

export interface DemoBook {
  anchor: string;
  /** The anchor day in the tenant's time zone (YYYY-MM-DD). */
  today: string;
  tenant: TenantSettings;
  staff: typeof DEMO_STAFF;
  customers: DemoCustomer[];
}

/**
 * Customers at fixed positions carry the cohorts people try first, so they exist whatever the random draw:
 * birthdays today and this month, an appointment tomorrow, overdue lay-bys, repairs ready for pick-up, a wedding
 * today, wedding and other anniversaries today.
 */
export const COHORTS = {
  birthdayToday: [0, 1, 2, 3],
  birthdayThisMonth: [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  appointmentTomorrow: [16, 17, 18],
  overdueLayby: [19, 20, 21, 22, 23],
  repairReady: [24, 25, 26, 27, 28, 29],
  weddingToday: [30],
  weddingAnniversaryToday: [31, 32],
  anniversaryToday: [33, 34],
} as const;

export function generateDemoBook(options: { anchor: Date; seed?: number; customers?: number }): DemoBook {
  const seed = options.seed ?? DEMO_SEED;
  const clock = demoClock(options.anchor, DEMO_TENANT.timeZone);
  const contacts = new ContactBook(seededRandom(seed));
  const count = options.customers ?? DEMO_CUSTOMER_COUNT;
  const customers: DemoCustomer[] = [];
  for (let index = 0; index < count; index++) customers.push(demoCustomer(seed, clock, contacts, index));
  return {
    anchor: options.anchor.toISOString(),
    today: dayOffset(clock, 0).iso,
    tenant: DEMO_TENANT,
    staff: DEMO_STAFF,
    customers,
  };
}

/** Customers before this position belong to a cohort and keep the consent the cohort needs. */
const FIRST_NON_COHORT = Math.max(...Object.values(COHORTS).flat()) + 1;

const inCohort = (cohort: readonly number[], index: number) => cohort.includes(index);

/**
 * Each customer draws from two streams of their own: one for who they are, one for what they did. How many draws the
 * records take depends on the dates, so keeping the person's stream separate gives the same people for any anchor.
 */
const streamSeed = (seed: number, index: number, stream: number) => (Math.imul(seed ^ (index + 1), 0x9e3779b1) + stream * 0x85ebca6b) >>> 0;

function demoCustomer(seed: number, clock: DemoClock, contacts: ContactBook, index: number): DemoCustomer {
  const draft = draftPerson(seededRandom(streamSeed(seed, index, 1)), clock, contacts, index);
  const random = seededRandom(streamSeed(seed, index, 2));
  applyDateCohorts(random, clock, draft, index);
  const sinceDaysAgo = draft.customerSinceDaysAgo;
  const createdAt = instantAt(dayOffset(clock, -sinceDaysAgo), 9, 30);
  const customerId = seededId(random, Date.parse(createdAt));

  const purchases = demoPurchases(random, clock, customerId, sinceDaysAgo);
  const repairs = demoRepairs(random, clock, customerId, sinceDaysAgo, index);
  const laybys = demoLaybys(random, clock, customerId, index);
  const appointments = demoAppointments(random, clock, customerId, index);
  const profile = withPurchaseTraits(random, clock, draft, purchases);
  const consentChanges = index < FIRST_NON_COHORT ? [] : laterUnsubscribes(random, clock, profile, createdAt);
  return { customerId, createdAt, profile, consentChanges, purchases, repairs, laybys, appointments };
}

function applyDateCohorts(random: Random, clock: DemoClock, draft: PersonDraft, index: number): void {
  const { month, day, year } = clock.today;
  const profile = draft.profile;
  if (inCohort(COHORTS.birthdayToday, index)) {
    // Half with the year (their age is known), half without: both must match "birthday today".
    profile.birthday = index % 2 === 0 ? { month, day, year: yearWith(month, day, draft.birthYear) } : { month, day };
    makeReachable(profile);
  } else if (inCohort(COHORTS.birthdayThisMonth, index)) {
    const other = 1 + ((day - 1 + 1 + random.int(0, 26)) % 28);
    profile.birthday = monthDayIn(month, other === day ? (day % 28) + 1 : other, random.chance(0.5) ? draft.birthYear : undefined);
    makeReachable(profile);
  } else if (profile.birthday?.month === month && profile.birthday.day === day) {
    // Keep the birthday-today cohort exactly the fixed customers, so the demo tells a predictable story.
    profile.birthday = monthDayIn((month % 12) + 1, profile.birthday.day, profile.birthday.year);
  }
  if (inCohort(COHORTS.weddingToday, index)) {
    profile.weddingDate = dayOffset(clock, 0).iso;
    makeReachable(profile);
  }
  if (inCohort(COHORTS.weddingAnniversaryToday, index)) {
    const years = index % 2 === 0 ? 10 : 25;
    profile.weddingDate = clock.today.minus({ years }).toISODate()!;
    makeReachable(profile);
  }
  if (inCohort(COHORTS.anniversaryToday, index)) {
    profile.anniversary = { month, day, ...(index % 2 === 0 ? { year: yearWith(month, day, year - 5) } : {}) };
    makeReachable(profile);
  }
}

/** Cohort customers are active and said yes to email news, so a campaign to the cohort actually reaches them. */
function makeReachable(profile: CustomerCreate): void {
  profile.status = 'active';
  if (profile.email !== undefined) profile.consent = { ...profile.consent, email: { marketing: 'granted' } };
}

function demoPurchases(random: Random, clock: DemoClock, customerId: string, sinceDaysAgo: number): Purchase[] {
  const count = random.weighted([[0, 12], [1, 30], [2, 20], [random.int(3, 5), 25], [random.int(6, 12), 13]] as const);
  const purchases: Purchase[] = [];
  for (let i = 0; i < count; i++) {
    // Recent months are busier than years ago; the first purchase is often the day the customer was added.
    const daysAgo = i === 0 ? sinceDaysAgo : random.chance(0.35) ? random.int(1, Math.min(180, sinceDaysAgo)) : random.int(1, sinceDaysAgo);
    const lead = random.chance(0.015) ? 'engagement_rings' : undefined;
    purchases.push(demoPurchase(random, clock, customerId, pastShopInstant(random, clock, daysAgo, daysAgo), lead));
  }
  return purchases.sort((a, b) => a.purchasedAt.localeCompare(b.purchasedAt));
}

function demoRepairs(random: Random, clock: DemoClock, customerId: string, sinceDaysAgo: number, index: number): Repair[] {
  if (inCohort(COHORTS.repairReady, index)) return [demoRepair(random, clock, customerId, random.int(4, 12), 'ready')];
  const count = random.weighted([[0, 78], [1, 18], [2, 4]] as const);
  return Array.from({ length: count }, () => {
    // Repairs come in all through the years, so only a few of the book's repairs are recent enough to still be in the
    // workshop: a shop this size has a few dozen jobs on the bench, not one customer in ten.
    const daysAgo = random.weighted([[random.int(1, 3), 2], [random.int(4, 20), 6], [random.int(21, Math.max(21, Math.min(900, sinceDaysAgo))), 92]] as const);
    return demoRepair(random, clock, customerId, daysAgo, repairStatusForAge(random, daysAgo));
  });
}

function demoLaybys(random: Random, clock: DemoClock, customerId: string, index: number): Layby[] {
  if (inCohort(COHORTS.overdueLayby, index)) {
    const overdueBy = random.int(3, 45);
    return [demoLayby(random, clock, customerId, 90 + overdueBy, 90, false)];
  }
  if (!random.chance(0.07)) return [];
  const openedDaysAgo = random.int(10, 240);
  const termDays = random.pick([60, 90, 120]);
  const pastDue = openedDaysAgo > termDays;
  // Most lay-bys past their due day were paid off; a few are overdue. Current ones are mostly still running.
  const settled = pastDue ? random.chance(0.75) : random.chance(0.15);
  return [demoLayby(random, clock, customerId, openedDaysAgo, termDays, settled)];
}

function demoAppointments(random: Random, clock: DemoClock, customerId: string, index: number): Appointment[] {
  if (inCohort(COHORTS.appointmentTomorrow, index)) {
    const slot = (COHORTS.appointmentTomorrow as readonly number[]).indexOf(index);
    const times = [{ hour: 10, minute: 0 }, { hour: 11, minute: 30 }, { hour: 15, minute: 0 }];
    return [demoAppointment(random, clock, customerId, 1, times[slot]!)];
  }
  const count = random.weighted([[0, 88], [1, 10], [2, 2]] as const);
  return Array.from({ length: count }, () => demoAppointment(random, clock, customerId, random.int(-60, 45)));
}

/** Tags, categories, loyalty and wedding plans that follow from what the customer bought. */
function withPurchaseTraits(random: Random, clock: DemoClock, draft: PersonDraft, purchases: Purchase[]): CustomerCreate {
  const profile = { ...draft.profile };
  const spent = purchases.reduce((sum, p) => sum + refundableAmount(p), 0);
  const departments = purchases.flatMap((p) => p.lines.map((l) => l.department));
  const count = (department: string) => departments.filter((d) => d === department).length;
  const lastRing = purchases.filter((p) => p.lines.some((l) => l.department === 'engagement_rings')).at(-1);

  const tags = new Set<string>();
  for (let n = random.weighted([[0, 45], [1, 35], [2, 15], [3, 5]] as const); n > 0; n--) tags.add(random.weighted(TAGS));
  if (lastRing) tags.add('bridal');
  if (spent > 15_000_00) tags.add('vip');
  if (count('watches') >= 2) tags.add('watch-collector');
  if (count('pearls') >= 2) tags.add('pearl-lover');
  profile.tags = [...tags].sort();

  const categories = new Set<string>();
  if (count('engagement_rings') + count('wedding_bands') > 0) categories.add('Bridal');
  if (count('watches') >= 2) categories.add('Collector');
  if (departments.length > 0 && departments.every((d) => d === 'repairs')) categories.add('Repairs only');
  if (random.chance(0.12)) categories.add(random.pick(CATEGORIES));
  profile.categories = [...categories].sort();

  if (purchases.length > 0 && random.chance(spent > 5_000_00 ? 0.6 : 0.3)) {
    const tier = spent > 20_000_00 ? 'Platinum' : spent > 6_000_00 ? 'Gold' : random.weighted(LOYALTY_TIERS);
    const joined = purchases[random.int(0, purchases.length - 1)]!.purchasedAt;
    profile.loyalty = { member: true, tier, joinedAt: joined.slice(0, 10) };
  }

  // Engaged in the last year: a wedding is coming up. Otherwise some customers are married, some long ago.
  if (profile.weddingDate === undefined) {
    const ringDaysAgo = lastRing ? (clock.anchorMs - Date.parse(lastRing.purchasedAt)) / 86_400_000 : Infinity;
    if (ringDaysAgo < 365 && random.chance(0.7)) {
      profile.weddingDate = dayOffset(clock, random.int(30, 420)).iso;
    } else if (random.chance(0.22)) {
      const earliest = Math.max(draft.birthYear + 20, 1975);
      const weddingYear = random.int(Math.min(earliest, clock.today.year - 1), clock.today.year - 1);
      const month = random.int(1, 12);
      // Day 1-28 exists in every month; the anniversary-today cohort stays exactly the fixed customers.
      let day = random.int(1, 28);
      if (month === clock.today.month && day === clock.today.day) day = (day % 28) + 1;
      profile.weddingDate = `${weddingYear}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    }
  }
  return profile;
}

/** About one in twenty customers who said yes to email news later unsubscribed from a campaign. */
function laterUnsubscribes(random: Random, clock: DemoClock, profile: CustomerCreate, createdAt: string): DemoConsentChange[] {
  if (profile.consent?.email?.marketing !== 'granted' || !random.chance(0.05)) return [];
  const sinceDays = Math.floor((clock.anchorMs - Date.parse(createdAt)) / 86_400_000);
  if (sinceDays < 3) return [];
  const at = shopHoursOn(random, dayOffset(clock, -random.int(1, sinceDays - 1)));
  return [{ at: Date.parse(at) > Date.parse(createdAt) ? at : plusDays(createdAt, 1), source: 'unsubscribe', request: { email: { marketing: 'withdrawn' } } }];
}
