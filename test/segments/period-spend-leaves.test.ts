import { describe, expect, it } from 'vitest';
import type { PurchaseFacts } from '../../shared/domain/records/purchase';
import type { BookCustomer } from '../../shared/domain/segments/book-customer';
import { compileRule } from '../../shared/domain/segments/compile-rule';
import type { PurchaseReader } from '../../shared/domain/segments/evaluate-stream';
import { SegmentRun } from '../../shared/domain/segments/segment-run';
import { at, buyer, customer, evaluate, matching, sale, valid, zonedInstant } from './book-fixtures';

const SYDNEY = 'Australia/Sydney';
const local = (dateTime: string) => zonedInstant(dateTime, SYDNEY).toISOString();

/** A purchase store for the fake reader: every customer's purchases, and a log of who was read. */
function purchaseStore(entries: [BookCustomer, PurchaseFacts[]][]) {
  const byCustomer = new Map(entries.map(([c, purchases]) => [c.customerId, purchases]));
  const reads: { customerId: string; from: string; to: string }[] = [];
  const reader: PurchaseReader = async (request) => {
    reads.push(request);
    return (byCustomer.get(request.customerId) ?? []).filter((p) => p.purchasedAt >= request.from && p.purchasedAt < request.to);
  };
  return { reader, reads };
}

/** A customer and the purchases behind their aggregates. */
function shopper(purchases: PurchaseFacts[]): [BookCustomer, PurchaseFacts[]] {
  return [buyer(SYDNEY, purchases), purchases];
}

describe('purchases: spend on lines by department and metal, in an amount range', () => {
  const context = at('2025-06-10T09:00', SYDNEY);

  it('"all clients who spent over $5,000 on platinum", from the buckets alone', async () => {
    const [platinumBuyer] = shopper([
      sale('2024-01-01T00:00:00Z', [{ metal: 'platinum', amount: 300_000 }, { metal: 'silver', amount: 900_000 }]),
      sale('2025-01-01T00:00:00Z', [{ metal: 'platinum', amount: 250_000 }]),
    ]);
    const [silverBuyer] = shopper([sale('2024-01-01T00:00:00Z', [{ metal: 'silver', amount: 900_000 }])]);
    const plan = compileRule(valid({ type: 'purchases', metals: ['platinum'], min: 500_000 }));
    expect(plan.needs.purchases).toBe(false);
    expect(await matching({ type: 'purchases', metals: ['platinum'], min: 500_000 }, [platinumBuyer, silverBuyer], context)).toEqual([
      platinumBuyer.customerId,
    ]);
  });

  it('"$500–$1,000 on charms": both ends inclusive; departments and metals together use department × metal', async () => {
    const charms = (amount: number, metal = 'silver') => shopper([sale('2025-02-01T00:00:00Z', [{ department: 'charms', metal, amount }])])[0];
    const low = charms(50_000);
    const high = charms(100_000);
    const over = charms(100_001);
    const goldCharms = charms(60_000, 'yellow_gold');
    const book = [low, high, over, goldCharms];
    expect(await matching({ type: 'purchases', departments: ['charms'], min: 50_000, max: 100_000 }, book, context)).toEqual([
      low.customerId,
      high.customerId,
      goldCharms.customerId,
    ]);
    expect(await matching({ type: 'purchases', departments: ['charm'], metals: ['silver'], min: 50_000, max: 100_000 }, book, context)).toEqual([
      low.customerId,
      high.customerId,
    ]);
  });

  it('whole months of an absolute period need no purchase reads', async () => {
    const [inside] = shopper([sale(local('2025-03-31T23:30'), 10_000)]);
    const [after] = shopper([sale(local('2025-04-01T00:30'), 10_000)]);
    const rule = { type: 'purchases', during: { from: '2025-01-01', to: '2025-03-31' } };
    expect(compileRule(valid(rule)).needs.purchases).toBe(false);
    expect(await matching(rule, [inside, after], context)).toEqual([inside.customerId]);
  });
});

describe('a day-exact period: boundary months the buckets cannot settle are read', () => {
  // Today is 15 March 2025 in Sydney; the last 10 days start on 5 March, in the middle of the month.
  const context = at('2025-03-15T09:00', SYDNEY);
  const rule = { type: 'purchases', during: { lastDays: 10 }, min: 20_000 };

  const open = shopper([
    sale(local('2025-01-20T10:00'), 50_000),
    sale(local('2025-03-02T10:00'), 15_000),
    sale(local('2025-03-10T10:00'), 25_000),
  ]);
  const allBefore = shopper([sale(local('2025-01-20T10:00'), 50_000), sale(local('2025-03-04T23:00'), 40_000)]);
  const allAfter = shopper([sale(local('2025-03-05T00:10'), 30_000)]);
  const tooLittleEvenIfAllCounted = shopper([sale(local('2025-02-01T10:00'), 5_000), sale(local('2025-03-09T10:00'), 10_000)]);
  const splitBelow = shopper([sale(local('2025-03-01T10:00'), 15_000), sale(local('2025-03-12T10:00'), 15_000)]);
  const entries = [open, allBefore, allAfter, tooLittleEvenIfAllCounted, splitBelow];
  const book = entries.map(([c]) => c);

  it('asks the reader only for customers whose answer the boundary month leaves open, and decides them exactly', async () => {
    const store = purchaseStore(entries);
    const result = await evaluate(rule, book, context, { purchases: store.reader });
    expect([...result.customerIds].sort()).toEqual([open[0].customerId, allAfter[0].customerId]);
    // allBefore: the last purchase is before 5 March; allAfter: the first is after it; tooLittle: even all of March is
    // under the minimum. Only `open` and `splitBelow` had purchases on both sides.
    expect(store.reads.map((r) => r.customerId).sort()).toEqual([open[0].customerId, splitBelow[0].customerId].sort());
    expect(result.counters.purchaseReads).toBe(2);
    expect(store.reads[0]).toMatchObject({ from: local('2025-03-05T00:00'), to: local('2025-04-01T00:00') });
  });

  it('models the undecided customer in the run API: needs_purchases, then decided with the purchases', () => {
    const run = new SegmentRun(compileRule(valid(rule)), context);
    const [customerOpen, purchases] = open;
    expect(run.offer(customerOpen)).toEqual({
      kind: 'needs_purchases',
      customerId: customerOpen.customerId,
      from: local('2025-03-05T00:00'),
      to: local('2025-04-01T00:00'),
    });
    expect(run.offerWithPurchases(customerOpen, purchases)).toEqual({ kind: 'matched' });
    expect(run.offer(allBefore[0])).toEqual({ kind: 'not_matched' });
    expect(run.finish().count).toBe(1);
  });

  it('fails loudly without a reader rather than guess', async () => {
    await expect(evaluate(rule, book, context)).rejects.toThrow(/purchase reader/);
  });

  it('explains a match decided from purchases with the exact amount', async () => {
    const store = purchaseStore(entries);
    const result = await evaluate(rule, [open[0]], context, { purchases: store.reader });
    expect(result.matches[0]?.why[0]?.detail).toBe('spent 250.00 in the last 10 days');
  });
});

describe('best_customers: top N by spend in a period, ranked in the same pass', () => {
  const context = at('2025-06-10T09:00', SYDNEY);
  const spent = (amount: number, department = 'diamonds', when = '2025-05-01T00:00:00Z') => buyer(SYDNEY, [sale(when, [{ department, amount }])]);

  it('keeps the top N, breaking ties by customer id, whatever order the book is read in', async () => {
    const a = spent(300);
    const b = spent(500);
    const c = spent(500);
    const d = spent(100);
    const none = customer();
    const rule = { type: 'best_customers', limit: 2 };
    expect(await matching(rule, [a, b, c, d, none], context)).toEqual([b.customerId, c.customerId]);
    expect(await matching(rule, [none, d, c, b, a], context)).toEqual([b.customerId, c.customerId]);
    const tied = await matching({ type: 'best_customers', limit: 1 }, [c, b], context);
    expect(tied).toEqual([[b.customerId, c.customerId].sort()[0]]);
  });

  it('ranks by the period and departments asked for', async () => {
    const oldWhale = spent(900_000, 'diamonds', '2024-01-01T00:00:00Z');
    const recentDiamonds = spent(5_000);
    const recentWatches = spent(50_000, 'watches');
    const rule = { type: 'best_customers', limit: 1, during: { from: '2025-01-01' }, departments: ['diamonds'] };
    const result = await evaluate(rule, [oldWhale, recentDiamonds, recentWatches], context);
    expect(result.customerIds).toEqual([recentDiamonds.customerId]);
    expect(result.rankings).toEqual([{ path: 'rule', ranked: [{ customerId: recentDiamonds.customerId, score: 5_000 }] }]);
    expect(result.matches[0]?.why[0]?.detail).toBe('spent 50.00 on diamonds since 2025-01-01 (top 1)');
  });

  it('combines with the rest of the tree: "not among the best 2" and "best 2 and in Sydney" hold only what they must', async () => {
    const sydney = spent(900, 'diamonds');
    sydney.city = 'Sydney';
    const perth = spent(800, 'diamonds');
    perth.city = 'Perth';
    const small = spent(10, 'diamonds');
    const none = customer();
    const book = [sydney, perth, small, none];
    expect(await matching({ not: { type: 'best_customers', limit: 2 } }, book, context)).toEqual([small.customerId, none.customerId].sort());
    expect(await matching({ and: [{ type: 'best_customers', limit: 2 }, { type: 'city', city: 'sydney' }] }, book, context)).toEqual([
      sydney.customerId,
    ]);
  });

  it('holds at most the limit of customers while the top N settles', async () => {
    const book = Array.from({ length: 200 }, (_, i) => spent(1_000 + i));
    const result = await evaluate({ not: { type: 'best_customers', limit: 5 } }, book, context);
    expect(result.count).toBe(195);
    expect(result.counters.pendingPeak).toBeLessThanOrEqual(5);
  });

  it('skips purchase reads for customers who cannot reach the top N even with all of the boundary month', async () => {
    // Today 15 June; the last 10 days start on 5 June. Everyone bought on 1 June and 10 June (boundary month open).
    const june = (early: number, late: number) =>
      shopper([sale(local('2025-06-01T10:00'), early), sale(local('2025-06-10T08:00'), late)]);
    const big = june(10, 100_000);
    const smallOnes = Array.from({ length: 20 }, (_, i) => june(1, 10 + i));
    const entries = [big, ...smallOnes];
    const store = purchaseStore(entries);
    const rule = { type: 'best_customers', limit: 1, during: { lastDays: 10 } };
    const book = entries.map(([c]) => c);
    const context = at('2025-06-15T09:00', SYDNEY);
    const oneAtATime = await evaluate(rule, book, context, { purchases: store.reader, purchaseReadConcurrency: 1 });
    expect(oneAtATime.customerIds).toEqual([big[0].customerId]);
    // The big spender is read first; after that no one else's whole June (at most 30) can beat 100,000.
    expect(store.reads).toHaveLength(1);

    // Reads in parallel cannot learn from each other: at most the first page's undecided customers are read.
    store.reads.length = 0;
    const parallel = await evaluate(rule, book, context, { purchases: store.reader });
    expect(parallel.customerIds).toEqual([big[0].customerId]);
    expect(store.reads.map((r) => r.customerId)).toEqual(book.slice(0, 3).map((c) => c.customerId));
  });
});

describe('purchases with a row limit: "top 2 who spent $500–$1,000 on charms"', () => {
  it('ranks only customers inside the range', async () => {
    const context = at('2025-06-10T09:00', SYDNEY);
    const charms = (amount: number) => buyer(SYDNEY, [sale('2025-02-01T00:00:00Z', [{ department: 'charms', amount }])]);
    const over = charms(200_000);
    const top = charms(95_000);
    const second = charms(80_000);
    const third = charms(60_000);
    const rule = { type: 'purchases', departments: ['charms'], min: 50_000, max: 100_000, limit: 2 };
    expect(await matching(rule, [over, top, second, third], context)).toEqual([top.customerId, second.customerId].sort());
  });
});
