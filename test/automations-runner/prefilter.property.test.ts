/**
 * The runner's prefilter never hides an occurrence: for random customers, automations, time zones and windows (a
 * pass's 15 minutes up to a catch-up of weeks, across DST changes, month ends and 29 February), whenever
 * `dueOccurrences` finds something, the prefilter let the customer through. And it does prune: on a one-day window
 * most customers are skipped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { automationDefinitionSchema, type Automation } from '../../shared/domain/automations/automation-schema';
import { dueOccurrences, type TenantClock } from '../../shared/domain/automations/occurrences';
import { occurrencePrefilter } from '../../shared/domain/automations/prefilter-service';
import { bookCustomerFromItem, type BookCustomer } from '../../shared/domain/segments/book-customer';

const ZONES = ['Australia/Sydney', 'America/New_York', 'Europe/London', 'Pacific/Auckland', 'America/Los_Angeles', 'Asia/Kolkata'];
const DAY = 86_400_000;
const START = Date.parse('2023-01-01T00:00:00Z');
const END = Date.parse('2029-01-01T00:00:00Z');

const isoDay = fc.integer({ min: Date.parse('1960-01-01T00:00:00Z'), max: END }).map((ms) => new Date(ms).toISOString().slice(0, 10));
const monthDay = fc.record({ month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }), year: fc.option(fc.integer({ min: 1950, max: 2025 }), { nil: undefined }) }).map((value) => {
  const last = new Date(Date.UTC(value.year ?? 2000, value.month, 0)).getUTCDate();
  return { ...value, day: Math.min(value.day, last) };
});
// Month ends and 29 February often.
const tricky = fc.constantFrom({ month: 2, day: 29 }, { month: 2, day: 28 }, { month: 1, day: 31 }, { month: 12, day: 31 }, { month: 3, day: 1 });

const customer: fc.Arbitrary<BookCustomer> = fc
  .record({
    birthday: fc.option(fc.oneof(monthDay, tricky), { nil: undefined }),
    anniversary: fc.option(fc.oneof(monthDay, tricky), { nil: undefined }),
    weddingDate: fc.option(isoDay, { nil: undefined }),
    customerSince: isoDay,
    lastPurchase: fc.option(fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: END }), { nil: undefined }),
  })
  .map((fields) =>
    bookCustomerFromItem({
      customerId: 'c1',
      customerSince: fields.customerSince,
      ...(fields.birthday ? { birthday: fields.birthday } : {}),
      ...(fields.anniversary ? { anniversary: fields.anniversary } : {}),
      ...(fields.weddingDate ? { weddingDate: fields.weddingDate } : {}),
      agg: fields.lastPurchase === undefined ? {} : { purchaseCount: 2, firstPurchaseAt: '2019-05-01T03:00:00.000Z', lastPurchaseAt: new Date(fields.lastPurchase).toISOString() },
    }),
  );

const automation: fc.Arbitrary<Automation> = fc
  .oneof(
    fc.record({ type: fc.constantFrom('birthday', 'anniversary', 'wedding_anniversary'), timing: fc.record({ daysBefore: fc.integer({ min: 0, max: 60 }), sendHour: fc.integer({ min: 0, max: 23 }) }) }),
    fc.record({
      type: fc.constant('custom_date'),
      timing: fc.oneof(
        fc.record({ field: fc.constantFrom('customer_since', 'wedding_date', 'first_purchase'), daysBefore: fc.integer({ min: 0, max: 60 }) }),
        fc.record({ field: fc.constantFrom('customer_since', 'wedding_date'), daysAfter: fc.integer({ min: 0, max: 60 }), sendHour: fc.integer({ min: 0, max: 23 }) }),
      ),
    }),
    fc.record({ type: fc.constant('reengagement'), timing: fc.record({ lapseMonths: fc.integer({ min: 1, max: 24 }), sendHour: fc.integer({ min: 0, max: 23 }) }) }),
    fc.record({ type: fc.constant('seasonal'), timing: fc.record({ date: fc.constantFrom('mothers_day', 'christmas', 'valentines_day', 'black_friday'), daysBefore: fc.integer({ min: 0, max: 30 }) }) }),
  )
  .map((input) => ({ ...automationDefinitionSchema.parse({ ...input, name: 'A', enabled: true }), automationId: 'a1', enabledAt: '2020-01-01T00:00:00.000Z' }) as Automation);

const clock: fc.Arbitrary<TenantClock> = fc.record({ timeZone: fc.constantFrom(...ZONES), country: fc.constantFrom('AU', 'US', 'GB', 'NZ'), defaultSendHour: fc.integer({ min: 0, max: 23 }) });
const window = fc
  .record({ from: fc.integer({ min: START, max: END - 40 * DAY }), length: fc.oneof(fc.integer({ min: 1, max: 15 * 60_000 }), fc.integer({ min: 1, max: 2 * DAY }), fc.integer({ min: 1, max: 40 * DAY })) })
  .map(({ from, length }) => ({ from, to: from + length }));

describe('the runner prefilter', () => {
  it('lets through every customer who has an occurrence in the window', () => {
    fc.assert(
      fc.property(automation, customer, clock, window, (auto, person, tenantClock, win) => {
        const found = dueOccurrences(auto, person, tenantClock, win);
        if (found.length > 0) expect(occurrencePrefilter(auto, tenantClock, win)(person)).toBe(true);
      }),
      { numRuns: 4000 },
    );
  });

  it('lets through every customer whose date is the window day (no chance hits: targeted cases)', () => {
    fc.assert(
      fc.property(automation, clock, fc.integer({ min: START, max: END - 2 * DAY }), fc.integer({ min: 0, max: 23 }), (auto, tenantClock, dayStart, hour) => {
        // A customer whose every date is the due day of this window, so occurrences are found often.
        const at = new Date(dayStart + hour * 3_600_000);
        const date = at.toISOString().slice(0, 10);
        const person = bookCustomerFromItem({
          customerId: 'c2',
          customerSince: `2001-${date.slice(5)}`,
          birthday: { month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) },
          anniversary: { month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)), year: 2001 },
          weddingDate: `1999-${date.slice(5)}`,
          agg: { purchaseCount: 1, firstPurchaseAt: `2005-${date.slice(5)}T02:00:00.000Z`, lastPurchaseAt: at.toISOString() },
        });
        const win = { from: dayStart - 70 * DAY, to: dayStart + 70 * DAY };
        if (dueOccurrences(auto, person, tenantClock, win).length > 0) expect(occurrencePrefilter(auto, tenantClock, win)(person)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('lets a 29 February birthday through on 28 February of other years', () => {
    const birthday = { ...automationDefinitionSchema.parse({ type: 'birthday', name: 'B', enabled: true }), automationId: 'a', enabledAt: '2020-01-01T00:00:00.000Z' } as Automation;
    const leapling = bookCustomerFromItem({ customerId: 'leap', birthday: { month: 2, day: 29, year: 2000 } });
    const sydney = { timeZone: 'Australia/Sydney', country: 'AU', defaultSendHour: 10 };
    // 28 February 2027 in Sydney (AEDT, UTC+11), the whole day.
    const day = { from: Date.parse('2027-02-27T13:00:00Z'), to: Date.parse('2027-02-28T13:00:00Z') };
    expect(dueOccurrences(birthday, leapling, sydney, day)).toHaveLength(1);
    expect(occurrencePrefilter(birthday, sydney, day)(leapling)).toBe(true);
  });

  it('skips most customers on a one-day window', () => {
    const birthdays = Array.from({ length: 365 }, (_, i) => {
      const date = new Date(Date.UTC(2026, 0, 1) + i * DAY).toISOString();
      return bookCustomerFromItem({ customerId: `c${i}`, birthday: { month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) } });
    });
    const birthday = { ...automationDefinitionSchema.parse({ type: 'birthday', name: 'B', enabled: true }), automationId: 'a', enabledAt: '2020-01-01T00:00:00.000Z' } as Automation;
    const sydney = { timeZone: 'Australia/Sydney', country: 'AU', defaultSendHour: 10 };
    const day = { from: Date.parse('2026-06-09T14:00:00Z'), to: Date.parse('2026-06-10T00:30:00Z') };
    const through = birthdays.filter(occurrencePrefilter(birthday, sydney, day));
    expect(through.length).toBeLessThanOrEqual(5);
    expect(through.map((c) => c.birthday)).toContainEqual({ month: 6, day: 10 });
  });
});
