import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, localDateOf, localHourInstant } from '../../shared/domain/automations/local-time';
import { dueOccurrences, lapseStartOf, REENGAGEMENT_VALID_DAYS } from '../../shared/domain/automations/occurrences';
import { aggregatesOf } from '../../shared/domain/customers/aggregates';
import { compileRule } from '../../shared/domain/segments/compile-rule';
import { customerPredicate } from '../../shared/domain/segments/customer-predicate';
import { automation, bookCustomer, clock, days, localAt } from './support/fixtures';

const SYDNEY = 'Australia/Sydney';
const birthday = automation({ type: 'birthday', name: 'Birthday' });

describe('birthday', () => {
  it('falls due at the send hour on the local day, valid until the day ends', () => {
    const ana = bookCustomer({ birthday: { month: 3, day: 14 } });
    const [occurrence, ...rest] = dueOccurrences(birthday, ana, clock(SYDNEY), days('2026-01-01', '2026-12-31', SYDNEY));
    expect(rest).toEqual([]);
    expect(occurrence).toMatchObject({
      occurrenceKey: 'A1/C1/birthday/2026',
      dueAt: '2026-03-13T23:00:00.000Z', // 10:00 AEDT (+11)
      dueDate: '2026-03-14',
      validUntil: '2026-03-14T13:00:00.000Z', // midnight at the end of 14 March in Sydney
      subject: { kind: 'annual', source: 'birthday', date: '2026-03-14' },
    });
    expect(occurrence?.reason).toBe('birthday on 2026-03-14, on the day');
  });

  it('N days before: the key is the birthday’s year even when the due day is in the year before', () => {
    const weekBefore = automation({ type: 'birthday', name: 'B', timing: { daysBefore: 7, sendHour: 9 } });
    const ana = bookCustomer({ birthday: { month: 1, day: 3 } });
    const found = dueOccurrences(weekBefore, ana, clock(SYDNEY), days('2025-12-01', '2025-12-31', SYDNEY));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      occurrenceKey: 'A1/C1/birthday/2026',
      dueDate: '2025-12-27',
      dueAt: localAt('2025-12-27', 9, SYDNEY),
      validUntil: new Date(localHourInstant('2026-01-04', 0, SYDNEY)).toISOString(),
    });
  });

  it('a 29 February birthday falls on 28 February in other years, on 29 February in leap years', () => {
    const leapling = bookCustomer({ birthday: { month: 2, day: 29 } });
    const found = dueOccurrences(birthday, leapling, clock(SYDNEY), days('2025-01-01', '2028-12-31', SYDNEY));
    expect(found.map((o) => [o.occurrenceKey, o.dueDate])).toEqual([
      ['A1/C1/birthday/2025', '2025-02-28'],
      ['A1/C1/birthday/2026', '2026-02-28'],
      ['A1/C1/birthday/2027', '2027-02-28'],
      ['A1/C1/birthday/2028', '2028-02-29'],
    ]);
  });

  it('uses the tenant’s send hour unless the automation has its own', () => {
    const ana = bookCustomer({ birthday: { month: 6, day: 1 } });
    const window = days('2026-06-01', '2026-06-01', SYDNEY);
    expect(dueOccurrences(birthday, ana, clock(SYDNEY, 'AU', 8), window)[0]?.dueAt).toBe(localAt('2026-06-01', 8, SYDNEY));
    const atFour = automation({ type: 'birthday', name: 'B', timing: { sendHour: 16 } });
    expect(dueOccurrences(atFour, ana, clock(SYDNEY, 'AU', 8), window)[0]?.dueAt).toBe(localAt('2026-06-01', 16, SYDNEY));
  });

  it('is the local day for tenants east and west of UTC, whatever UTC day that is', () => {
    const ana = bookCustomer({ birthday: { month: 6, day: 1 } });
    const late = automation({ type: 'birthday', name: 'B', timing: { sendHour: 23 } });
    const early = automation({ type: 'birthday', name: 'B', timing: { sendHour: 0 } });
    for (const zone of ['Pacific/Kiritimati', 'Pacific/Auckland', SYDNEY, 'Asia/Kolkata', 'Europe/London', 'America/New_York', 'Pacific/Honolulu', 'Pacific/Pago_Pago']) {
      for (const a of [late, early]) {
        const found = dueOccurrences(a, ana, clock(zone), days('2026-05-01', '2026-07-01', zone));
        expect(found).toHaveLength(1);
        expect(localDateOf(found[0]!.dueAt, zone)).toBe('2026-06-01');
        expect(found[0]!.dueDate).toBe('2026-06-01');
      }
    }
    // 23:00 in Honolulu (-10) is 09:00 UTC the next day; 00:00 in Kiritimati (+14) is 10:00 UTC the day before.
    expect(dueOccurrences(late, ana, clock('Pacific/Honolulu'), days('2026-06-01', '2026-06-01', 'Pacific/Honolulu'))[0]?.dueAt).toBe('2026-06-02T09:00:00.000Z');
    expect(dueOccurrences(early, ana, clock('Pacific/Kiritimati'), days('2026-06-01', '2026-06-01', 'Pacific/Kiritimati'))[0]?.dueAt).toBe('2026-05-31T10:00:00.000Z');
  });

  it('finds an occurrence in exactly one of two adjacent windows (half-open)', () => {
    const ana = bookCustomer({ birthday: { month: 6, day: 1 } });
    const due = localHourInstant('2026-06-01', 10, SYDNEY);
    const before = { from: due - 900_000, to: due };
    const after = { from: due, to: due + 900_000 };
    expect(dueOccurrences(birthday, ana, clock(SYDNEY), before)).toEqual([]);
    expect(dueOccurrences(birthday, ana, clock(SYDNEY), after)).toHaveLength(1);
    expect(dueOccurrences(birthday, ana, clock(SYDNEY), { from: due, to: due })).toEqual([]);
  });

  it('on a DST day the send hour is wall time: a skipped hour goes at the end of the gap', () => {
    const twoAm = automation({ type: 'birthday', name: 'B', timing: { sendHour: 2 } });
    const ana = bookCustomer({ birthday: { month: 10, day: 5 } });
    const [found] = dueOccurrences(twoAm, ana, clock(SYDNEY), days('2025-10-05', '2025-10-05', SYDNEY));
    expect(found?.dueAt).toBe('2025-10-04T16:00:00.000Z'); // 03:00 AEDT, the first instant after 02:00 AEST
  });

  it('is never computed for erased, deceased or do-not-contact customers', () => {
    const window = days('2026-01-01', '2026-12-31', SYDNEY);
    for (const overrides of [{ erased: true }, { status: 'deceased' as const }, { status: 'do_not_contact' as const }]) {
      expect(dueOccurrences(birthday, bookCustomer({ birthday: { month: 3, day: 1 }, ...overrides }), clock(SYDNEY), window)).toEqual([]);
    }
    expect(dueOccurrences(birthday, bookCustomer(), clock(SYDNEY), window)).toEqual([]);
  });

  it('does not celebrate the year of birth itself', () => {
    const baby = bookCustomer({ birthday: { month: 3, day: 1, year: 2026 } });
    expect(dueOccurrences(birthday, baby, clock(SYDNEY), days('2026-01-01', '2027-12-31', SYDNEY)).map((o) => o.occurrenceKey)).toEqual([
      'A1/C1/birthday/2027',
    ]);
  });

  it('lists the occurrences of a long (catch-up) window oldest first', () => {
    const ana = bookCustomer({ birthday: { month: 12, day: 31 } });
    const found = dueOccurrences(birthday, ana, clock(SYDNEY), days('2020-01-01', '2025-12-31', SYDNEY));
    expect(found.map((o) => o.dueDate)).toEqual(['2020-12-31', '2021-12-31', '2022-12-31', '2023-12-31', '2024-12-31', '2025-12-31']);
  });
});

describe('anniversaries and custom dates', () => {
  it('anniversary: the years are the occurrence’s, available as anniversary_years', () => {
    const a = automation({ type: 'anniversary', name: 'Anniversary' });
    const couple = bookCustomer({ anniversary: { month: 10, day: 2, year: 2015 } });
    const found = dueOccurrences(a, couple, clock(SYDNEY), days('2015-01-01', '2026-12-31', SYDNEY));
    expect(found[0]).toMatchObject({ occurrenceKey: 'A1/C1/anniversary/2016', merge: { anniversaryYears: 1 } });
    expect(found.at(-1)).toMatchObject({ occurrenceKey: 'A1/C1/anniversary/2026', merge: { anniversaryYears: 11 }, dueDate: '2026-10-02' });
    expect(found).toHaveLength(11);
  });

  it('anniversary without a year: no years', () => {
    const a = automation({ type: 'anniversary', name: 'Anniversary' });
    const [found] = dueOccurrences(a, bookCustomer({ anniversary: { month: 10, day: 2 } }), clock(SYDNEY), days('2026-10-02', '2026-10-02', SYDNEY));
    expect(found?.merge).toBeUndefined();
    expect(found?.subject).toEqual({ kind: 'annual', source: 'anniversary', date: '2026-10-02' });
  });

  it('wedding_anniversary: from the wedding date, 29 February weddings on 28 February', () => {
    const a = automation({ type: 'wedding_anniversary', name: 'Wedding' });
    const couple = bookCustomer({ weddingDate: '2020-02-29' });
    const found = dueOccurrences(a, couple, clock(SYDNEY), days('2020-01-01', '2024-12-31', SYDNEY));
    expect(found.map((o) => [o.dueDate, o.merge?.anniversaryYears])).toEqual([
      ['2021-02-28', 1],
      ['2022-02-28', 2],
      ['2023-02-28', 3],
      ['2024-02-29', 4],
    ]);
  });

  it('custom_date first_purchase: the purchase’s LOCAL day (an evening sale in UTC is the next morning in Sydney)', () => {
    const a = automation({ type: 'custom_date', name: 'First purchase', timing: { field: 'first_purchase' } });
    const buyer = bookCustomer({ agg: aggregatesOf({ firstPurchaseAt: '2023-05-31T22:30:00.000Z', purchaseCount: 1 }) });
    const [found] = dueOccurrences(a, buyer, clock(SYDNEY), days('2026-01-01', '2026-12-31', SYDNEY));
    expect(found).toMatchObject({ dueDate: '2026-06-01', occurrenceKey: 'A1/C1/anniversary/2026', merge: { anniversaryYears: 3 } });
    expect(found?.reason).toBe('first purchase on 2026-06-01 (3 years), on the day');
  });

  it('custom_date N days after: valid until the end of the due day', () => {
    const a = automation({ type: 'custom_date', name: 'Since', timing: { field: 'customer_since', daysAfter: 3 } });
    const [found] = dueOccurrences(a, bookCustomer({ customerSince: '2019-12-30' }), clock(SYDNEY), days('2026-01-01', '2026-12-31', SYDNEY));
    expect(found).toMatchObject({
      occurrenceKey: 'A1/C1/anniversary/2025',
      dueDate: '2026-01-02',
      validUntil: new Date(localHourInstant('2026-01-03', 0, SYDNEY)).toISOString(),
    });
  });
});

describe('seasonal', () => {
  it("Mother's Day in the tenant's country, N days before, valid until the day itself ends", () => {
    const a = automation({ type: 'seasonal', name: "Mother's Day", timing: { date: 'mothers_day', daysBefore: 10 } });
    const anyone = bookCustomer();
    const au = dueOccurrences(a, anyone, clock(SYDNEY, 'AU'), days('2026-01-01', '2026-12-31', SYDNEY));
    expect(au).toHaveLength(1);
    expect(au[0]).toMatchObject({
      occurrenceKey: 'A1/C1/seasonal/2026',
      dueDate: '2026-04-30',
      subject: { kind: 'seasonal', name: 'mothers_day', date: '2026-05-10' },
      validUntil: new Date(localHourInstant('2026-05-11', 0, SYDNEY)).toISOString(),
    });
    const gb = dueOccurrences(a, anyone, clock('Europe/London', 'GB'), days('2026-01-01', '2026-12-31', 'Europe/London'));
    expect(gb[0]).toMatchObject({ dueDate: '2026-03-05', subject: { date: '2026-03-15' } });
  });

  it('none where the country does not keep the date', () => {
    const a = automation({ type: 'seasonal', name: 'Boxing Day', timing: { date: 'boxing_day' } });
    expect(dueOccurrences(a, bookCustomer(), clock('America/New_York', 'US'), days('2026-01-01', '2026-12-31', 'America/New_York'))).toEqual([]);
    expect(dueOccurrences(a, bookCustomer(), clock('Europe/Paris', 'FR'), days('2026-01-01', '2026-12-31', 'Europe/Paris'))).toEqual([]);
  });
});

describe('reengagement', () => {
  const reengagement = automation({ type: 'reengagement', name: 'We miss you' });
  const lastBought = (at: string) => bookCustomer({ agg: aggregatesOf({ purchaseCount: 2, lastPurchaseAt: at, firstPurchaseAt: '2020-01-01T00:00:00.000Z' }) });

  it('falls due once, on the first day the customer is lapsed; keyed by that day', () => {
    const customer = lastBought('2026-03-14T02:00:00.000Z'); // 14 March, 13:00 in Sydney
    const found = dueOccurrences(reengagement, customer, clock(SYDNEY), days('2026-01-01', '2027-12-31', SYDNEY));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      occurrenceKey: 'A1/C1/lapse/2026-09-15',
      dueDate: '2026-09-15',
      subject: { kind: 'lapse', lapseStart: '2026-09-15', lastPurchaseAt: '2026-03-14T02:00:00.000Z' },
      validUntil: new Date(localHourInstant(addDays('2026-09-15', REENGAGEMENT_VALID_DAYS), 0, SYDNEY)).toISOString(),
    });
  });

  it('a new purchase starts a new lapse: a new key', () => {
    const window = days('2026-01-01', '2028-12-31', SYDNEY);
    const first = dueOccurrences(reengagement, lastBought('2026-03-14T02:00:00.000Z'), clock(SYDNEY), window)[0];
    const second = dueOccurrences(reengagement, lastBought('2027-01-20T02:00:00.000Z'), clock(SYDNEY), window)[0];
    expect(first?.occurrenceKey).not.toBe(second?.occurrenceKey);
    expect(second?.occurrenceKey).toBe('A1/C1/lapse/2027-07-21');
  });

  it('never for customers who have not bought', () => {
    expect(dueOccurrences(reengagement, bookCustomer(), clock(SYDNEY), days('2000-01-01', '2030-12-31', SYDNEY))).toEqual([]);
  });

  it('the lapse starts exactly when the segment engine’s lapsed leaf starts to hold (month ends, leap years)', () => {
    const zone = 'Australia/Sydney';
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 * 366 }),
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 0, max: 23 }),
        (dayOffset, months, hour) => {
          const purchaseDay = addDays('2023-01-01', dayOffset);
          const customer = lastBought(new Date(localHourInstant(purchaseDay, hour, zone)).toISOString());
          const lapse = lapseStartOf(purchaseDay, months);
          const at = (day: string) =>
            customerPredicate(compileRule({ type: 'lapsed', months }), { now: new Date(localHourInstant(day, 12, zone)), timeZone: zone }).test(customer);
          expect(at(lapse)).toBe('match');
          expect(at(addDays(lapse, -1))).toBe('no_match');
        },
      ),
      { numRuns: 200 },
    );
  });
});
