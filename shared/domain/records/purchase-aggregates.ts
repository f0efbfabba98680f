/**
 * The purchase part of a customer's aggregates, two ways that must always agree:
 * - `applyPurchase` adds one purchase (the write path of a new purchase: no need to read the others), and
 * - `purchaseAggregates` recomputes everything from the customer's full list (refunds: a smaller largest purchase, a
 *   different first or last purchase, or a purchase that no longer counts cannot be derived by subtraction).
 *
 * Amounts are net of refunds. A purchase counts while something of it is still paid for; a line counts while its net
 * amount is positive (or it was free to begin with). Department, metal and department × metal stats group a purchase's
 * lines, so `c` counts purchases with such a line, `s` sums their amounts and `m` is the largest such purchase share.
 */
import { DateTime } from 'luxon';
import type { CustomerAggregates, MonthBucket, Stat } from '../customers/aggregates';
import { departmentMetalKey } from './catalogue';
import { netLineAmounts, type PurchaseFacts } from './purchase';

export type PurchaseAggregates = Pick<
  CustomerAggregates,
  'totalSpent' | 'purchaseCount' | 'firstPurchaseAt' | 'lastPurchaseAt' | 'largestPurchase' | 'months'
>;

/** `YYYY-MM` of an instant in the tenant's time zone (a sale at 23:30 on 31 March in Sydney is a March sale). */
export function monthOf(instant: string, timeZone: string): string {
  const local = DateTime.fromISO(instant, { zone: timeZone });
  if (!local.isValid) throw new Error(`Invalid instant or time zone: ${instant} in ${timeZone}`);
  return local.toFormat('yyyy-MM');
}

export function emptyPurchaseAggregates(): PurchaseAggregates {
  return { totalSpent: 0, purchaseCount: 0, firstPurchaseAt: null, lastPurchaseAt: null, largestPurchase: 0, months: {} };
}

/** What one purchase contributes: nothing when it no longer counts. */
interface Contribution {
  total: number;
  byDepartment: Map<string, number>;
  byMetal: Map<string, number>;
  byDepartmentMetal: Map<string, number>;
}

function contributionOf(purchase: PurchaseFacts): Contribution | null {
  const net = netLineAmounts(purchase);
  const total = net.reduce((sum, amount) => sum + amount, 0);
  if (total <= 0) return null;
  const contribution: Contribution = { total, byDepartment: new Map(), byMetal: new Map(), byDepartmentMetal: new Map() };
  purchase.lines.forEach((line, i) => {
    const amount = net[i] ?? 0;
    const counts = amount > 0 || line.amount === 0;
    if (!counts) return;
    addTo(contribution.byDepartment, line.department, amount);
    addTo(contribution.byMetal, line.metal, amount);
    addTo(contribution.byDepartmentMetal, departmentMetalKey(line.department, line.metal), amount);
  });
  return contribution;
}

function addTo(map: Map<string, number>, key: string, amount: number) {
  map.set(key, (map.get(key) ?? 0) + amount);
}

const addStat = (stat: Stat | undefined, amount: number): Stat =>
  stat ? { c: stat.c + 1, s: stat.s + amount, m: Math.max(stat.m, amount) } : { c: 1, s: amount, m: amount };

function addToBucket(bucket: MonthBucket | undefined, contribution: Contribution): MonthBucket {
  const next: MonthBucket = bucket
    ? { t: bucket.t, d: { ...bucket.d }, m: { ...bucket.m }, dm: { ...bucket.dm } }
    : { t: { c: 0, s: 0, m: 0 }, d: {}, m: {}, dm: {} };
  next.t = addStat(bucket?.t, contribution.total);
  for (const [key, amount] of contribution.byDepartment) next.d[key] = addStat(next.d[key], amount);
  for (const [key, amount] of contribution.byMetal) next.m[key] = addStat(next.m[key], amount);
  for (const [key, amount] of contribution.byDepartmentMetal) next.dm[key] = addStat(next.dm[key], amount);
  return next;
}

const earlier = (a: string | null, b: string) => (a === null || Date.parse(b) < Date.parse(a) ? b : a);
const later = (a: string | null, b: string) => (a === null || Date.parse(b) > Date.parse(a) ? b : a);

function fold<A extends PurchaseAggregates>(agg: A, purchase: PurchaseFacts, timeZone: string): A {
  const contribution = contributionOf(purchase);
  if (!contribution) return agg;
  const month = monthOf(purchase.purchasedAt, timeZone);
  return {
    ...agg,
    totalSpent: agg.totalSpent + contribution.total,
    purchaseCount: agg.purchaseCount + 1,
    firstPurchaseAt: earlier(agg.firstPurchaseAt, purchase.purchasedAt),
    lastPurchaseAt: later(agg.lastPurchaseAt, purchase.purchasedAt),
    largestPurchase: Math.max(agg.largestPurchase, contribution.total),
    months: { ...agg.months, [month]: addToBucket(agg.months[month], contribution) },
  };
}

/** Adds one purchase to the aggregates (returns a new object; the input is not changed). */
export function applyPurchase(agg: CustomerAggregates, purchase: PurchaseFacts, timeZone: string): CustomerAggregates {
  return fold(agg, purchase, timeZone);
}

/** The purchase aggregates of a customer recomputed from all of their purchases (refunds applied). */
export function purchaseAggregates(purchases: readonly PurchaseFacts[], timeZone: string): PurchaseAggregates {
  return purchases.reduce((agg, purchase) => fold(agg, purchase, timeZone), emptyPurchaseAggregates());
}
