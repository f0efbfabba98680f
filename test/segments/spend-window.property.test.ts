/**
 * The prepared window scan (`WindowSpend`) against two references over random customers, periods and time zones:
 *  - the plain scan it replaced (every month bucket, bounds and boundary months checked one by one), which it must
 *    match field for field, so a faster scan never widens a range (more purchase reads) or narrows it (wrong answers);
 *  - the customer's purchases themselves: given them, the spend is exact, to the cent.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CustomerAggregates, MonthBucket } from '../../shared/domain/customers/aggregates';
import type { PurchaseFacts } from '../../shared/domain/records/purchase';
import { purchaseAggregates } from '../../shared/domain/records/purchase-aggregates';
import {
  emptySpendRange,
  monthWindow,
  periodDays,
  spendSelector,
  WindowSpend,
  type BoundaryMonth,
  type MonthWindow,
  type SpendRange,
  type SpendSelector,
} from '../../shared/domain/segments/spend-window';
import { monthColumnsOf } from '../../shared/domain/segments/month-columns';
import { emptyAggregates } from '../../shared/domain/customers/aggregates';
import { applyPurchase } from '../../shared/domain/records/purchase-aggregates';
import { tenantCalendar } from '../../shared/domain/segments/tenant-calendar';
import { buyer, sale } from './book-fixtures';

const ZONES = ['Australia/Sydney', 'UTC', 'America/Los_Angeles', 'Pacific/Kiritimati'];
const DEPARTMENTS = ['diamonds', 'watches', 'charms', 'pearls'];
const METALS = ['platinum', 'silver'];
const FIRST_INSTANT = Date.UTC(2023, 10, 1);
const LAST_INSTANT = Date.UTC(2025, 11, 31);

/** The scan as it was before it was prepared per window: kept here as the reference. */
function plainScan(
  agg: CustomerAggregates,
  selector: SpendSelector,
  window: MonthWindow,
  purchases: readonly PurchaseFacts[] | undefined,
  timeZone: string,
): SpendRange {
  const out = emptySpendRange();
  if (window.empty || agg.purchaseCount === 0) return out;
  const firstAt = agg.firstPurchaseAt === null ? null : Date.parse(agg.firstPurchaseAt);
  const lastAt = agg.lastPurchaseAt === null ? null : Date.parse(agg.lastPurchaseAt);
  if (window.start !== null && (lastAt === null || lastAt < window.start.ms)) return out;
  if (window.end !== null && (firstAt === null || firstAt >= window.end.ms)) return out;
  const select = (bucket: MonthBucket) => {
    if (selector.kind === 't') return { sum: bucket.t.s, any: bucket.t.c > 0 };
    const stats = selector.kind === 'd' ? bucket.d : selector.kind === 'm' ? bucket.m : bucket.dm;
    let sum = 0;
    let any = false;
    for (const key of selector.keys) {
      const stat = Object.hasOwn(stats, key) ? stats[key] : undefined;
      if (stat === undefined) continue;
      sum += stat.s;
      if (stat.c > 0) any = true;
    }
    return { sum, any };
  };
  const inclusionOf = (boundary: BoundaryMonth) => {
    if (firstAt === null || lastAt === null) return 'open';
    if (lastAt < boundary.fromMs || firstAt >= boundary.toMs) return 'out';
    if (firstAt >= boundary.fromMs && lastAt < boundary.toMs) return 'in';
    return 'open';
  };
  for (const [key, bucket] of Object.entries(agg.months)) {
    if (window.firstMonth !== null && key < window.firstMonth) continue;
    if (window.lastMonth !== null && key > window.lastMonth) continue;
    let { sum, any } = select(bucket);
    if (!any && sum === 0) continue;
    const boundary = window.boundaries.find((candidate) => candidate.month === key);
    if (boundary !== undefined) {
      if (purchases !== undefined) {
        const inside = purchases.filter((p) => Date.parse(p.purchasedAt) >= boundary.fromMs && Date.parse(p.purchasedAt) < boundary.toMs);
        const exact = purchaseAggregates(inside, timeZone).months[boundary.month];
        ({ sum, any } = exact === undefined ? { sum: 0, any: false } : select(exact));
      } else {
        const inclusion = inclusionOf(boundary);
        if (inclusion === 'out') continue;
        if (inclusion === 'open') {
          out.hi += sum;
          if (any) out.mayHaveBought = true;
          continue;
        }
      }
    }
    out.lo += sum;
    out.hi += sum;
    if (any) {
      out.surelyBought = true;
      out.mayHaveBought = true;
    }
  }
  return out;
}

/** The spend the purchases themselves give: the matching lines of purchases in [start, end). */
function exactSpend(purchases: readonly PurchaseFacts[], selector: SpendSelector, window: MonthWindow, timeZone: string) {
  if (window.empty) return { sum: 0, any: false };
  const inside = purchases.filter((p) => {
    const at = Date.parse(p.purchasedAt);
    return (window.start === null || at >= window.start.ms) && (window.end === null || at < window.end.ms);
  });
  let sum = 0;
  let any = false;
  for (const bucket of Object.values(purchaseAggregates(inside, timeZone).months)) {
    const stats = selector.kind === 't' ? { t: bucket.t } : selector.kind === 'd' ? bucket.d : selector.kind === 'm' ? bucket.m : bucket.dm;
    const keys = selector.kind === 't' ? ['t'] : selector.keys;
    for (const key of keys) {
      const stat = Object.hasOwn(stats, key) ? (stats as Record<string, { c: number; s: number }>)[key] : undefined;
      if (stat === undefined) continue;
      sum += stat.s;
      if (stat.c > 0) any = true;
    }
  }
  return { sum, any };
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayArb = fc.integer({ min: FIRST_INSTANT, max: LAST_INSTANT }).map(day);

const periodArb = fc.oneof(
  fc.constant(undefined),
  fc.record({ lastDays: fc.integer({ min: 1, max: 400 }) }),
  fc.record({ lastMonths: fc.integer({ min: 1, max: 18 }) }),
  fc.record({ from: dayArb }),
  fc.record({ to: dayArb }),
  fc.record({ from: dayArb, to: dayArb }),
  // Whole months, and periods starting or ending on a month's first or last day.
  fc.record({ from: dayArb.map((d) => `${d.slice(0, 7)}-01`), to: dayArb.map((d) => `${d.slice(0, 7)}-28`) }),
);

const purchaseArb = fc.record({
  // Instants near local midnights at month ends are the interesting ones: bias towards the first and last days.
  at: fc.oneof(
    fc.integer({ min: FIRST_INSTANT, max: LAST_INSTANT }),
    fc.tuple(fc.integer({ min: 0, max: 25 }), fc.integer({ min: -36, max: 36 })).map(
      ([month, hours]) => Date.UTC(2023, 10 + month, 1) + hours * 3_600_000,
    ),
  ),
  lines: fc.array(
    fc.record({ department: fc.constantFrom(...DEPARTMENTS), metal: fc.constantFrom(...METALS), amount: fc.integer({ min: 0, max: 90_000 }) }),
    { minLength: 1, maxLength: 3 },
  ),
});

const caseArb = fc.record({
  zone: fc.constantFrom(...ZONES),
  now: fc.integer({ min: Date.UTC(2024, 0, 1), max: LAST_INSTANT }),
  period: periodArb,
  departments: fc.option(fc.subarray(DEPARTMENTS, { minLength: 1 }), { nil: undefined }),
  metals: fc.option(fc.subarray(METALS, { minLength: 1 }), { nil: undefined }),
  // Long histories make the window's months fewer than the purchases (then the window's months are looked up).
  purchases: fc.oneof(fc.array(purchaseArb, { maxLength: 8 }), fc.array(purchaseArb, { minLength: 10, maxLength: 40 })),
  // Buckets folded in another zone than the one evaluating (a tenant that moved): both scans still agree.
  foldedInZone: fc.option(fc.constantFrom(...ZONES), { nil: undefined }),
});

describe('WindowSpend', () => {
  it('gives exactly what the plain scan gives, with and without purchases, and the purchases give the exact spend', () => {
    fc.assert(
      fc.property(caseArb, (draft) => {
        const calendar = tenantCalendar(new Date(draft.now), draft.zone);
        const window = monthWindow(periodDays(draft.period, calendar), calendar);
        const selector = spendSelector(draft.departments, draft.metals);
        const purchases = draft.purchases.map((p) => sale(new Date(p.at).toISOString(), p.lines));
        const foldedIn = draft.foldedInZone ?? draft.zone;
        const agg = purchases.reduce((acc, purchase) => applyPurchase(acc, purchase, foldedIn), emptyAggregates());
        const spend = new WindowSpend(window, selector, draft.zone);

        const fromBuckets = emptySpendRange();
        spend.compute(agg, monthColumnsOf(agg.months), undefined, fromBuckets);
        expect(fromBuckets).toEqual(plainScan(agg, selector, window, undefined, draft.zone));

        const withPurchases = emptySpendRange();
        spend.compute(agg, monthColumnsOf(agg.months), purchases, withPurchases);
        expect(withPurchases).toEqual(plainScan(agg, selector, window, purchases, draft.zone));
        if (foldedIn !== draft.zone) return;
        const exact = exactSpend(purchases, selector, window, draft.zone);
        expect(withPurchases).toMatchObject({ lo: exact.sum, hi: exact.sum, surelyBought: exact.any, mayHaveBought: exact.any });
        expect(fromBuckets.lo).toBeLessThanOrEqual(exact.sum);
        expect(fromBuckets.hi).toBeGreaterThanOrEqual(exact.sum);
      }),
      { numRuns: 600 },
    );
  });

  it('reuses one prepared window across customers without carrying anything over', () => {
    const zone = 'Australia/Sydney';
    const calendar = tenantCalendar(new Date('2025-06-15T00:00:00Z'), zone);
    const window = monthWindow(periodDays({ lastDays: 20 }, calendar), calendar);
    const spend = new WindowSpend(window, spendSelector(['watches'], undefined), zone);
    const bought = buyer(zone, [sale('2025-06-10T00:00:00Z', [{ department: 'watches', amount: 40_000 }])]);
    const other = buyer(zone, [sale('2025-06-11T00:00:00Z', [{ department: 'diamonds', amount: 70_000 }])]);
    const out = emptySpendRange();
    spend.compute(bought.agg, bought.monthly, undefined, out);
    expect(out).toEqual({ lo: 40_000, hi: 40_000, surelyBought: true, mayHaveBought: true });
    spend.compute(other.agg, other.monthly, undefined, out);
    expect(out).toEqual({ lo: 0, hi: 0, surelyBought: false, mayHaveBought: false });
  });
});
