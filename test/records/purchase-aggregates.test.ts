import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyAggregates, type CustomerAggregates, type MonthBucket } from '../../shared/domain/customers/aggregates';
import { applyPurchase, monthOf, purchaseAggregates } from '../../shared/domain/records/purchase-aggregates';
import { netLineAmounts, planRefund, type PurchaseFacts, type Refund } from '../../shared/domain/records/purchase';

const ZONES = ['Australia/Sydney', 'Pacific/Auckland', 'America/Los_Angeles', 'UTC', 'Asia/Kolkata'];

const lineArb = fc.record({
  department: fc.constantFrom('engagement_rings', 'watches', 'charms', 'diamonds'),
  metal: fc.constantFrom('platinum', 'yellow_gold', 'none'),
  description: fc.constant('item'),
  quantity: fc.integer({ min: 1, max: 3 }),
  amount: fc.integer({ min: 0, max: 2_000_000 }),
});

const instantArb = fc
  .integer({ min: Date.UTC(2015, 0, 1), max: Date.UTC(2030, 0, 1) })
  .map((ms) => new Date(ms).toISOString());

/** A purchase with a positive total and, sometimes, refunds planned by the real refund rules. */
const purchaseArb: fc.Arbitrary<PurchaseFacts> = fc
  .record({
    purchasedAt: instantArb,
    lines: fc.array(lineArb, { minLength: 1, maxLength: 4 }).filter((ls) => ls.some((l) => l.amount > 0)),
    refundFractions: fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { maxLength: 3 }),
  })
  .map(({ purchasedAt, lines, refundFractions }) => {
    let purchase: PurchaseFacts = { purchasedAt, lines, refunds: [] };
    for (const fraction of refundFractions) {
      const left = netLineAmounts(purchase).reduce((a, b) => a + b, 0);
      const amount = Math.max(1, Math.floor(left * fraction));
      const plan = planRefund(purchase, { amount });
      if (!plan.ok) break;
      purchase = { ...purchase, refunds: [...purchase.refunds, refund(plan.amount, plan.lines)] };
    }
    return purchase;
  });

function refund(amount: number, lines: Refund['lines']): Refund {
  return { refundId: 'r', amount, lines, reason: 'test', refundedAt: '2024-01-01T00:00:00.000Z', recordedAt: '2024-01-01T00:00:00.000Z', recordedBy: 's' };
}

function refundEverything(purchase: PurchaseFacts): PurchaseFacts {
  const left = netLineAmounts(purchase).reduce((a, b) => a + b, 0);
  if (left <= 0) return purchase;
  const plan = planRefund(purchase, { amount: left });
  if (!plan.ok) throw new Error(plan.problem);
  return { ...purchase, refunds: [...purchase.refunds, refund(plan.amount, plan.lines)] };
}

function allStats(agg: CustomerAggregates) {
  return Object.values(agg.months).flatMap((b: MonthBucket) => [b.t, ...Object.values(b.d), ...Object.values(b.m), ...Object.values(b.dm)]);
}

describe('purchase aggregates', () => {
  it('folding applyPurchase over purchases equals recomputing from the full list', () => {
    fc.assert(
      fc.property(fc.array(purchaseArb, { maxLength: 12 }), fc.constantFrom(...ZONES), (purchases, zone) => {
        const folded = purchases.reduce((agg, p) => applyPurchase(agg, p, zone), emptyAggregates());
        expect(folded).toEqual({ ...emptyAggregates(), ...purchaseAggregates(purchases, zone) });
      }),
    );
  });

  it('does not depend on the order purchases are recorded in', () => {
    fc.assert(
      fc.property(fc.array(purchaseArb, { maxLength: 8 }), fc.constantFrom(...ZONES), (purchases, zone) => {
        expect(purchaseAggregates([...purchases].reverse(), zone)).toEqual(purchaseAggregates(purchases, zone));
      }),
    );
  });

  it('refunding everything returns to the empty aggregates', () => {
    fc.assert(
      fc.property(fc.array(purchaseArb, { maxLength: 10 }), fc.constantFrom(...ZONES), (purchases, zone) => {
        const refunded = purchases.map(refundEverything);
        expect({ ...emptyAggregates(), ...purchaseAggregates(refunded, zone) }).toEqual(emptyAggregates());
      }),
    );
  });

  it('keeps every count, sum and max non-negative, and the month totals add up to the total spent', () => {
    fc.assert(
      fc.property(fc.array(purchaseArb, { maxLength: 10 }), fc.constantFrom(...ZONES), (purchases, zone) => {
        const agg = { ...emptyAggregates(), ...purchaseAggregates(purchases, zone) };
        expect(agg.totalSpent).toBeGreaterThanOrEqual(0);
        expect(agg.largestPurchase).toBeGreaterThanOrEqual(0);
        for (const stat of allStats(agg)) {
          expect(stat.c).toBeGreaterThan(0);
          expect(stat.s).toBeGreaterThanOrEqual(0);
          expect(stat.m).toBeGreaterThanOrEqual(0);
          expect(stat.m).toBeLessThanOrEqual(stat.s);
        }
        const monthTotal = Object.values(agg.months).reduce((sum, b) => sum + b.t.s, 0);
        const monthCount = Object.values(agg.months).reduce((sum, b) => sum + b.t.c, 0);
        expect(monthTotal).toBe(agg.totalSpent);
        expect(monthCount).toBe(agg.purchaseCount);
      }),
    );
  });

  it('buckets a sale by the month in the tenant time zone', () => {
    // 31 March 23:30 in Sydney is still 31 March 12:30 UTC; 1 April 00:30 in Sydney is 31 March UTC.
    expect(monthOf('2024-03-31T13:30:00.000Z', 'Australia/Sydney')).toBe('2024-04');
    expect(monthOf('2024-03-31T12:30:00.000Z', 'Australia/Sydney')).toBe('2024-03');
    expect(monthOf('2024-03-31T13:30:00.000Z', 'UTC')).toBe('2024-03');
  });

  it('records totals, departments, metals and department × metal with count, sum and max', () => {
    const purchase: PurchaseFacts = {
      purchasedAt: '2024-05-10T02:00:00.000Z',
      refunds: [],
      lines: [
        { department: 'engagement_rings', metal: 'platinum', description: 'Solitaire', quantity: 1, amount: 800_000 },
        { department: 'wedding_bands', metal: 'platinum', description: 'Band', quantity: 2, amount: 150_000 },
        { department: 'engagement_rings', metal: 'none', description: 'Ring box', quantity: 1, amount: 0 },
      ],
    };
    const second: PurchaseFacts = {
      purchasedAt: '2024-05-20T02:00:00.000Z',
      refunds: [],
      lines: [{ department: 'wedding_bands', metal: 'yellow_gold', description: 'Band', quantity: 1, amount: 90_000 }],
    };
    const agg = applyPurchase(applyPurchase(emptyAggregates(), purchase, 'Australia/Sydney'), second, 'Australia/Sydney');
    expect(agg.totalSpent).toBe(1_040_000);
    expect(agg.purchaseCount).toBe(2);
    expect(agg.largestPurchase).toBe(950_000);
    expect(agg.firstPurchaseAt).toBe('2024-05-10T02:00:00.000Z');
    expect(agg.lastPurchaseAt).toBe('2024-05-20T02:00:00.000Z');
    const may = agg.months['2024-05']!;
    expect(may.t).toEqual({ c: 2, s: 1_040_000, m: 950_000 });
    expect(may.d.engagement_rings).toEqual({ c: 1, s: 800_000, m: 800_000 });
    expect(may.d.wedding_bands).toEqual({ c: 2, s: 240_000, m: 150_000 });
    expect(may.m.platinum).toEqual({ c: 1, s: 950_000, m: 950_000 });
    expect(may.m.none).toEqual({ c: 1, s: 0, m: 0 });
    expect(may.dm['wedding_bands|yellow_gold']).toEqual({ c: 1, s: 90_000, m: 90_000 });
    expect(may.dm['engagement_rings|platinum']).toEqual({ c: 1, s: 800_000, m: 800_000 });
  });

  it('after a refund, a returned line no longer counts for its department and the largest purchase shrinks', () => {
    const purchase: PurchaseFacts = {
      purchasedAt: '2024-05-10T02:00:00.000Z',
      refunds: [],
      lines: [
        { department: 'watches', metal: 'none', description: 'Watch', quantity: 1, amount: 500_000 },
        { department: 'charms', metal: 'silver', description: 'Charm', quantity: 1, amount: 10_000 },
      ],
    };
    const plan = planRefund(purchase, { lines: [{ lineIndex: 0, amount: 500_000 }] });
    if (!plan.ok) throw new Error('expected a plan');
    const refunded = { ...purchase, refunds: [refund(plan.amount, plan.lines)] };
    const agg = purchaseAggregates([refunded], 'UTC');
    expect(agg.totalSpent).toBe(10_000);
    expect(agg.largestPurchase).toBe(10_000);
    expect(agg.months['2024-05']!.d.watches).toBeUndefined();
    expect(agg.months['2024-05']!.d.charms).toEqual({ c: 1, s: 10_000, m: 10_000 });
  });

  it('moves first and last purchase when the earliest or latest purchase is fully refunded', () => {
    const at = (iso: string, amount: number): PurchaseFacts => ({
      purchasedAt: iso,
      refunds: [],
      lines: [{ department: 'pearls', metal: 'none', description: 'Pearls', quantity: 1, amount }],
    });
    const purchases = [at('2020-01-01T00:00:00.000Z', 100), at('2022-01-01T00:00:00.000Z', 200), at('2024-01-01T00:00:00.000Z', 300)];
    const agg = purchaseAggregates([refundEverything(purchases[0]!), purchases[1]!, refundEverything(purchases[2]!)], 'UTC');
    expect(agg.firstPurchaseAt).toBe('2022-01-01T00:00:00.000Z');
    expect(agg.lastPurchaseAt).toBe('2022-01-01T00:00:00.000Z');
    expect(agg.largestPurchase).toBe(200);
    expect(agg.purchaseCount).toBe(1);
    expect(Object.keys(agg.months)).toEqual(['2022-01']);
  });
});
