import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { customerCreateSchema } from '../../shared/domain/customers/customer-schema';
import { REPAIR_STATUSES } from '../../shared/domain/customers/aggregates';
import { KNOWN_DEPARTMENTS, KNOWN_METALS } from '../../shared/domain/records/catalogue';
import { COHORTS, generateDemoBook, type DemoBook } from '../../local/seed/generate-demo-book';
import { DEPARTMENTS } from '../../local/seed/demo-vocabulary';

const ZONE = 'Australia/Sydney';
const anchor = new Date('2025-03-14T02:00:00Z');
const book = generateDemoBook({ anchor });

const localDay = (instant: string) => DateTime.fromISO(instant, { zone: ZONE }).toISODate();
const tomorrow = (b: DemoBook) => DateTime.fromISO(b.today, { zone: ZONE }).plus({ days: 1 }).toISODate();

function cohortCounts(b: DemoBook) {
  const [, month, day] = b.today.split('-').map(Number) as [number, number, number];
  const c = b.customers;
  return {
    birthdayToday: c.filter((x) => x.profile.birthday?.month === month && x.profile.birthday.day === day).length,
    birthdayThisMonth: c.filter((x) => x.profile.birthday?.month === month).length,
    appointmentTomorrow: c.filter((x) => x.appointments.some((a) => a.status === 'scheduled' && localDay(a.startsAt) === tomorrow(b))).length,
    overdueLayby: c.filter((x) => x.laybys.some((l) => l.balance > 0 && l.dueDate < b.today)).length,
    repairReady: c.filter((x) => x.repairs.some((r) => r.status === 'ready')).length,
    marriedToday: c.filter((x) => x.profile.weddingDate === b.today).length,
  };
}

describe('the demo book generator', () => {
  it('is deterministic: the same anchor gives the same book', () => {
    expect(generateDemoBook({ anchor })).toEqual(book);
  });

  it('moves dates with the anchor but keeps the same people', () => {
    const later = generateDemoBook({ anchor: new Date('2025-09-01T23:00:00Z') });
    expect(later.customers.map((c) => c.profile.lastName)).toEqual(book.customers.map((c) => c.profile.lastName));
    expect(later.today).toBe('2025-09-02');
    expect(later.customers[16]!.appointments[0]!.startsAt).not.toBe(book.customers[16]!.appointments[0]!.startsAt);
  });

  it('has about 2,000 customers with purchases, refunds, repairs, lay-bys and appointments', () => {
    const c = book.customers;
    expect(c).toHaveLength(2000);
    const purchases = c.flatMap((x) => x.purchases);
    expect(purchases.length).toBeGreaterThan(4000);
    expect(purchases.filter((p) => p.refunds.length > 0).length).toBeGreaterThan(50);
    expect(new Set(purchases.flatMap((p) => p.lines.map((l) => l.department)))).toEqual(
      new Set(['engagement_rings', 'wedding_bands', 'diamonds', 'watches', 'pearls', 'charms', 'repairs', 'earrings', 'necklaces']),
    );
    const metals = new Set(purchases.flatMap((p) => p.lines.map((l) => l.metal)));
    for (const metal of ['platinum', 'yellow_gold', 'white_gold', 'rose_gold', 'silver', 'titanium']) expect(metals).toContain(metal);
    for (const line of purchases.flatMap((p) => p.lines)) {
      expect(KNOWN_DEPARTMENTS).toContain(line.department);
      expect(KNOWN_METALS).toContain(line.metal);
      expect(Number.isInteger(line.amount) && line.amount > 0).toBe(true);
    }
    const repairStatuses = new Set(c.flatMap((x) => x.repairs.map((r) => r.status)));
    expect([...repairStatuses].sort()).toEqual([...REPAIR_STATUSES].sort());
    const laybys = c.flatMap((x) => x.laybys);
    expect(laybys.some((l) => l.status === 'paid')).toBe(true);
    expect(laybys.some((l) => l.balance > 0 && l.dueDate >= book.today)).toBe(true);
    const appointments = c.flatMap((x) => x.appointments);
    expect(appointments.some((a) => a.status === 'cancelled')).toBe(true);
    expect(appointments.some((a) => Date.parse(a.startsAt) < anchor.getTime())).toBe(true);
  });

  it('guarantees the cohorts people try first, on the anchor day in Sydney', () => {
    expect(cohortCounts(book)).toEqual({
      birthdayToday: COHORTS.birthdayToday.length,
      birthdayThisMonth: expect.any(Number),
      appointmentTomorrow: expect.any(Number),
      overdueLayby: expect.any(Number),
      repairReady: expect.any(Number),
      marriedToday: 1,
    });
    const counts = cohortCounts(book);
    expect(counts.birthdayThisMonth).toBeGreaterThanOrEqual(COHORTS.birthdayThisMonth.length);
    expect(counts.appointmentTomorrow).toBeGreaterThanOrEqual(COHORTS.appointmentTomorrow.length);
    expect(counts.overdueLayby).toBeGreaterThanOrEqual(COHORTS.overdueLayby.length);
    expect(counts.repairReady).toBeGreaterThanOrEqual(COHORTS.repairReady.length);
    const birthdaysToday = COHORTS.birthdayToday.map((i) => book.customers[i]!.profile);
    expect(birthdaysToday.some((p) => p.birthday?.year === undefined)).toBe(true);
    expect(birthdaysToday.every((p) => p.consent?.email?.marketing === 'granted' && p.status === 'active')).toBe(true);
  });

  it.each([
    ['a leap day', '2028-02-29T01:00:00Z'],
    ['the day DST ends', '2025-04-05T15:30:00Z'],
    ['late evening UTC, already tomorrow in Sydney', '2025-12-31T20:00:00Z'],
  ])('holds its guarantees on %s', (_, iso) => {
    const b = generateDemoBook({ anchor: new Date(iso), customers: 60 });
    expect(b.today).toBe(DateTime.fromISO(iso, { zone: ZONE }).toISODate());
    const counts = cohortCounts(b);
    expect(counts.birthdayToday).toBe(COHORTS.birthdayToday.length);
    expect(counts.appointmentTomorrow).toBeGreaterThanOrEqual(3);
    expect(counts.overdueLayby).toBeGreaterThanOrEqual(5);
    expect(counts.repairReady).toBeGreaterThanOrEqual(6);
    for (const c of b.customers) expect(customerCreateSchema.safeParse(c.profile).success).toBe(true);
  });

  it('uses only reserved example domains and fictional phone ranges, and unique emails', () => {
    const emails = book.customers.flatMap((c) => (c.profile.email ? [c.profile.email] : []));
    expect(emails.length).toBeGreaterThan(1500);
    for (const email of emails) expect(email).toMatch(/^[a-z0-9._]+@example\.(com|net|org)$/);
    expect(new Set(emails).size).toBe(emails.length);
    for (const staff of book.staff) expect(staff.email).toMatch(/@example\.(com|net|org)$/);
    expect(book.tenant.defaultSender?.email).toMatch(/@example\.com$/);
    const phones = book.customers.flatMap((c) => (c.profile.phone ? [c.profile.phone] : []));
    for (const phone of phones) expect(phone).toMatch(/^\+61(49165\d{4}|[2378]5550\d{4})$/);
  });

  it('produces profiles the API would accept, and nothing dated after the anchor', () => {
    const now = anchor.getTime();
    const notFuture = (instant: string) => expect(Date.parse(instant)).toBeLessThanOrEqual(now);
    for (const c of book.customers) {
      const parsed = customerCreateSchema.safeParse(c.profile);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      notFuture(c.createdAt);
      for (const change of c.consentChanges) expect(change.at > c.createdAt && Date.parse(change.at) <= now).toBe(true);
      for (const p of c.purchases) {
        notFuture(p.purchasedAt);
        p.refunds.forEach((r) => notFuture(r.refundedAt));
      }
      for (const r of c.repairs) r.history.forEach((h) => notFuture(h.at));
      for (const l of c.laybys) {
        notFuture(l.openedAt);
        l.payments.forEach((p) => notFuture(p.paidAt));
        expect(l.balance).toBe(l.total - l.paid);
        expect(l.balance).toBeGreaterThanOrEqual(0);
      }
      for (const a of c.appointments) notFuture(a.createdAt);
    }
  });

  it('prices sales as an Australian jeweller rings them up: small tickets mostly, a sale over $5,000 rare', () => {
    const purchases = book.customers.flatMap((x) => x.purchases);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const linesOf = (department: string) => purchases.flatMap((p) => p.lines.filter((l) => l.department === department).map((l) => l.amount / l.quantity));
    expect(median(purchases.map((p) => p.total))).toBeGreaterThan(150_00);
    expect(median(purchases.map((p) => p.total))).toBeLessThan(600_00);
    expect(median(linesOf('charms'))).toBeLessThan(150_00);
    expect(median(linesOf('engagement_rings'))).toBeGreaterThan(2_500_00);
    expect(median(linesOf('engagement_rings'))).toBeLessThan(6_000_00);
    // The "High value" system segment (one purchase over $5,000) is a small cohort, not half of the buyers.
    const buyers = book.customers.filter((x) => x.purchases.length > 0);
    const highValue = buyers.filter((x) => x.purchases.some((p) => p.total > 5_000_00)).length;
    expect(highValue / buyers.length).toBeGreaterThan(0.03);
    expect(highValue / buyers.length).toBeLessThan(0.12);
    // Rings and diamonds still make a VIP: the top tenth of buyers spent several thousand dollars each.
    const lifetime = buyers.map((x) => x.purchases.reduce((sum, p) => sum + p.total, 0)).sort((a, b) => b - a);
    expect(lifetime[Math.floor(buyers.length / 10)]!).toBeGreaterThan(3_000_00);
    for (const department of DEPARTMENTS) {
      for (const amount of linesOf(department.department)) {
        expect(amount).toBeGreaterThanOrEqual(department.price.low * 100 - 9_00);
        expect(amount).toBeLessThanOrEqual(department.price.high * 100);
      }
    }
  });

  it('has a few dozen repairs on the bench, not one customer in ten', () => {
    const active = book.customers.filter((x) => x.repairs.some((r) => ['received', 'in_progress', 'ready'].includes(r.status))).length;
    expect(active).toBeGreaterThanOrEqual(COHORTS.repairReady.length + 10);
    expect(active / book.customers.length).toBeLessThan(0.05);
  });

  it('has a realistic consent mix, tags, loyalty tiers and cities', () => {
    const c = book.customers;
    const share = (f: (x: (typeof c)[number]) => boolean) => c.filter(f).length / c.length;
    expect(share((x) => x.profile.consent?.email?.marketing === 'granted')).toBeGreaterThan(0.35);
    expect(share((x) => x.profile.consent?.email?.marketing === 'withdrawn')).toBeGreaterThan(0.05);
    expect(share((x) => x.profile.consent?.sms?.marketing === 'granted')).toBeGreaterThan(0.15);
    expect(share((x) => x.profile.loyalty.member)).toBeGreaterThan(0.15);
    // Capitalised as a POS shows them: templates print the tier as stored ("Tier: Gold", as the preview's sample).
    expect(new Set(c.map((x) => x.profile.loyalty.tier).filter(Boolean))).toEqual(new Set(['Silver', 'Gold', 'Platinum']));
    expect(share((x) => x.profile.tags.length > 0)).toBeGreaterThan(0.4);
    expect(share((x) => x.profile.weddingDate !== undefined)).toBeGreaterThan(0.15);
    expect(share((x) => x.profile.anniversary !== undefined)).toBeGreaterThan(0.05);
    expect(share((x) => x.consentChanges.length > 0)).toBeGreaterThan(0.01);
    const cities = new Set(c.map((x) => x.profile.address?.city));
    for (const city of ['Sydney', 'Melbourne', 'Brisbane', 'Perth', 'Adelaide', 'Hobart', 'Canberra', 'Newcastle', 'Gold Coast']) {
      expect(cities).toContain(city);
    }
  });
});
