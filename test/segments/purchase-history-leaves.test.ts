import { describe, expect, it } from 'vitest';
import { spendDistributionOf } from '../../shared/domain/segments/spend-distribution';
import { aggregates, at, buyer, customer, evaluate, matching, sale, zonedInstant } from './book-fixtures';

const SYDNEY = 'Australia/Sydney';
const LOS_ANGELES = 'America/Los_Angeles';

/** A customer whose only purchase happened at a local time in a zone. */
const boughtAt = (local: string, zone: string, amount = 10_000) => buyer(zone, [sale(zonedInstant(local, zone).toISOString(), amount)]);

describe('lapsed', () => {
  it('is "bought before, but not on or after the same day N months ago", in the tenant time zone', async () => {
    const context = at('2025-09-15T10:00', SYDNEY);
    const justBefore = boughtAt('2025-03-14T23:30', SYDNEY);
    // 00:10 on the 15th in Sydney is still the 14th in UTC: a UTC "today" would wrongly call this customer lapsed.
    const onTheDay = boughtAt('2025-03-15T00:10', SYDNEY);
    const neverBought = customer();
    expect(await matching({ type: 'lapsed', months: 6 }, [justBefore, onTheDay, neverBought], context)).toEqual([justBefore.customerId]);
  });

  it('defaults to six months and clamps to the end of a shorter month (leap years included)', async () => {
    const feb27 = boughtAt('2025-02-27T12:00', SYDNEY);
    const feb28 = boughtAt('2025-02-28T12:00', SYDNEY);
    expect(await matching({ type: 'lapsed' }, [feb27, feb28], at('2025-08-31T09:00', SYDNEY))).toEqual([feb27.customerId]);

    const leapFeb28 = boughtAt('2024-02-28T12:00', SYDNEY);
    const leapFeb29 = boughtAt('2024-02-29T12:00', SYDNEY);
    expect(await matching({ type: 'lapsed' }, [leapFeb28, leapFeb29], at('2024-08-31T09:00', SYDNEY))).toEqual([leapFeb28.customerId]);
  });

  it('explains itself with the local day of the last purchase', async () => {
    const late = boughtAt('2025-01-31T23:30', LOS_ANGELES);
    const result = await evaluate({ type: 'lapsed' }, [late], at('2025-09-01T09:00', LOS_ANGELES));
    expect(result.matches[0]?.why).toEqual([{ path: 'rule', leaf: 'lapsed', holds: true, detail: 'last purchase 2025-01-31' }]);
  });
});

describe('last_purchase', () => {
  it('counts from the start of the local day, also on a day that starts at 01:00 (Santiago, DST)', async () => {
    const zone = 'America/Santiago';
    // 2024-09-08 has no midnight in Santiago: clocks jump from 24:00 to 01:00, so the day starts at 04:00Z.
    const justBefore = buyer(zone, [sale('2024-09-08T03:59:59.000Z', 100)]);
    const atStart = buyer(zone, [sale('2024-09-08T04:00:00.000Z', 100)]);
    const book = [justBefore, atStart];
    expect(await matching({ type: 'last_purchase', days: 1 }, book, at('2024-09-09T12:00', zone))).toEqual([atStart.customerId]);
    expect(await matching({ type: 'last_purchase', days: 2 }, book, at('2024-09-09T12:00', zone))).toHaveLength(2);
    expect(await matching({ type: 'last_purchase', days: 1 }, book, at('2024-09-10T12:00', zone))).toEqual([]);
  });

  it('splits at the start of the day N days ago on the day Sydney leaves daylight saving', async () => {
    // 2025-04-06 starts at 2025-04-05T13:00Z (still +11); a fixed +10 offset would put it at 14:00Z.
    const before = buyer(SYDNEY, [sale('2025-04-05T12:59:59.000Z', 100)]);
    const after = buyer(SYDNEY, [sale('2025-04-05T13:00:00.000Z', 100)]);
    expect(await matching({ type: 'last_purchase', days: 1 }, [before, after], at('2025-04-07T09:00', SYDNEY))).toEqual([after.customerId]);
  });
});

describe('never_purchased, high_value, total_spent, spent_more_than', () => {
  it('never_purchased holds only for customers without a purchase', async () => {
    const none = customer();
    const some = boughtAt('2025-01-01T10:00', SYDNEY);
    expect(await matching({ type: 'never_purchased' }, [none, some], at('2025-06-01T10:00', SYDNEY))).toEqual([none.customerId]);
  });

  it('high_value is a single purchase over the amount (strictly)', async () => {
    const exactly = customer({ agg: aggregates({ purchaseCount: 1, totalSpent: 500_000, largestPurchase: 500_000 }) });
    const over = customer({ agg: aggregates({ purchaseCount: 1, totalSpent: 500_001, largestPurchase: 500_001 }) });
    const manySmall = customer({ agg: aggregates({ purchaseCount: 20, totalSpent: 2_000_000, largestPurchase: 100_000 }) });
    expect(await matching({ type: 'high_value', amount: 500_000 }, [exactly, over, manySmall], at('2025-06-01T10:00', SYDNEY))).toEqual([
      over.customerId,
    ]);
  });

  it('total_spent is an inclusive range; with only a maximum it includes customers who never bought', async () => {
    const zero = customer();
    const low = customer({ agg: aggregates({ purchaseCount: 1, totalSpent: 100 }) });
    const high = customer({ agg: aggregates({ purchaseCount: 1, totalSpent: 200 }) });
    const context = at('2025-06-01T10:00', SYDNEY);
    expect(await matching({ type: 'total_spent', min: 100, max: 200 }, [zero, low, high], context)).toEqual([low.customerId, high.customerId]);
    expect(await matching({ type: 'total_spent', max: 100 }, [zero, low, high], context)).toEqual([zero.customerId, low.customerId]);
  });

  it('spent_more_than, optionally "and shopped with you since"', async () => {
    const context = at('2025-09-15T10:00', SYDNEY);
    const bigRecent = buyer(SYDNEY, [sale('2025-08-01T00:00:00Z', 600_000)]);
    const bigOld = buyer(SYDNEY, [sale('2024-01-01T00:00:00Z', 600_000)]);
    const smallRecent = buyer(SYDNEY, [sale('2025-08-01T00:00:00Z', 500_000)]);
    const book = [bigRecent, bigOld, smallRecent];
    expect(await matching({ type: 'spent_more_than', amount: 500_000 }, book, context)).toEqual([bigRecent.customerId, bigOld.customerId]);
    expect(await matching({ type: 'spent_more_than', amount: 500_000, shoppedSince: { lastMonths: 6 } }, book, context)).toEqual([
      bigRecent.customerId,
    ]);
    expect(await matching({ type: 'spent_more_than', amount: 500_000, shoppedSince: { date: '2023-12-31' } }, book, context)).toHaveLength(2);
  });
});

describe('sales_in_month', () => {
  // 23:30 on 31 December in Sydney is 12:30Z the same day, 13:30 in Auckland on 1 January: the bucket is the tenant's.
  const newYearsEve = buyer(SYDNEY, [sale('2024-12-31T12:30:00.000Z', 30_000)]);
  const january = buyer(SYDNEY, [sale('2024-12-31T13:30:00.000Z', 30_000)]);
  const smallDecember = buyer(SYDNEY, [sale('2024-12-10T00:00:00.000Z', 29_999)]);
  const book = [newYearsEve, january, smallDecember];

  it('finds "last December" with a minimum amount (inclusive)', async () => {
    expect(await matching({ type: 'sales_in_month', month: 12, minAmount: 30_000 }, book, at('2025-11-23T10:00', SYDNEY))).toEqual([
      newYearsEve.customerId,
    ]);
    expect(await matching({ type: 'sales_in_month', month: '2024-12', minAmount: 1 }, book, at('2025-11-23T10:00', SYDNEY))).toHaveLength(2);
  });

  it('"last December" said in December means the December before; said in January, the one just ended', async () => {
    expect(await matching({ type: 'sales_in_month', month: 12, minAmount: 1 }, book, at('2024-12-20T10:00', SYDNEY))).toEqual([]);
    expect(await matching({ type: 'sales_in_month', month: 12, minAmount: 1 }, book, at('2025-01-05T10:00', SYDNEY))).toHaveLength(2);
    expect(await matching({ type: 'sales_in_month', month: 1, minAmount: 1 }, book, at('2025-02-01T10:00', SYDNEY))).toEqual([january.customerId]);
  });
});

describe('new', () => {
  it('is customer since today or in the N days before, by the tenant calendar', async () => {
    // 00:30 on 1 March in Sydney is still 28 February in UTC.
    const context = at('2025-03-01T00:30', SYDNEY);
    const today = customer({ customerSince: '2025-03-01' });
    const first = customer({ customerSince: '2025-01-30' });
    const tooOld = customer({ customerSince: '2025-01-29' });
    const future = customer({ customerSince: '2025-03-02' });
    expect(await matching({ type: 'new' }, [today, first, tooOld, future], context)).toEqual([today.customerId, first.customerId]);
    expect(await matching({ type: 'new', days: 1 }, [today, first], context)).toEqual([today.customerId]);
  });
});

describe('vip', () => {
  const spenders = (totals: number[]) => totals.map((totalSpent) => customer({ agg: aggregates({ purchaseCount: 1, totalSpent }) }));
  const context = at('2025-06-01T10:00', SYDNEY);

  it('is the top N percent of buyers by lifetime spend; everyone tied at the boundary is in', async () => {
    const tens = spenders([100, 90, 90, 80, 70, 60, 50, 40, 30, 20]);
    expect(await matching({ type: 'vip', percent: 10 }, tens, context)).toEqual([tens[0]?.customerId]);
    // 20% of 10 buyers is 2, and the second place is shared: both 90s are in.
    expect(await matching({ type: 'vip', percent: 20 }, tens, context)).toEqual([tens[0], tens[1], tens[2]].map((c) => c?.customerId));
    const allTied = spenders([50, 50, 50, 50]);
    expect(await matching({ type: 'vip', percent: 10 }, allTied, context)).toHaveLength(4);
  });

  it('ranks among customers who have bought, leaving out those who have not and erased customers', async () => {
    const buyers = spenders([500, 400, 300, 200, 100, 90, 80, 70, 60, 50]);
    const nonBuyers = Array.from({ length: 90 }, () => customer());
    const erasedWhale = customer({ erased: true, agg: aggregates({ purchaseCount: 3, totalSpent: 9_999_999 }) });
    const result = await evaluate({ type: 'vip' }, [...nonBuyers, ...buyers, erasedWhale], context);
    expect(result.customerIds).toEqual([buyers[0]?.customerId]);
    expect(result.spendDistribution?.totalsDescending.length).toBe(10);
  });

  it('reads the book twice (first the totals) unless the caller passes the distribution', async () => {
    const book = spenders([10, 20, 30]);
    const first = await evaluate({ type: 'vip', percent: 50 }, book, context);
    expect(first.counters.passes).toBe(2);
    expect(first.counters.customersRead).toBe(6);
    const again = await evaluate({ type: 'vip', percent: 50 }, book, { ...context, spendDistribution: first.spendDistribution });
    expect(again.counters.passes).toBe(1);
    expect(again.customerIds).toEqual(first.customerIds);
    expect(first.customerIds).toEqual([book[2]?.customerId, book[1]?.customerId].sort());
  });

  it('matches no one in an empty book or a book without buyers', async () => {
    expect((await evaluate({ type: 'vip' }, [], context)).count).toBe(0);
    expect((await evaluate({ type: 'vip' }, [customer(), customer()], context)).count).toBe(0);
    expect((await evaluate({ not: { type: 'vip' } }, [customer()], context)).count).toBe(1);
    expect(spendDistributionOf([]).totalsDescending.length).toBe(0);
  });
});
