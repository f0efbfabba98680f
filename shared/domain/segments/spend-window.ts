/**
 * Spend in a period, answered from the customer's monthly buckets (aggregates keep, per month in the tenant's time
 * zone, count/sum/max of all purchases and by department, metal and department × metal).
 *
 * Whole months inside the period are exact. A period that starts or ends mid-month leaves a boundary month whose
 * purchases may fall on either side; the first and last purchase instants often settle it (everything in that month
 * is after the start, or before it), and otherwise the result is a range [lo, hi]. A leaf whose answer differs across
 * that range reports "needs purchases", and the evaluator reads that one customer's purchases of the boundary months
 * and asks again with them (`purchases` below): then the boundary months are recomputed exactly, with the same fold
 * the write path uses, so both ways agree to the cent.
 */
import { DateTime } from 'luxon';
import type { CustomerAggregates, MonthBucket } from '../customers/aggregates';
import { departmentMetalKey } from '../records/catalogue';
import type { PurchaseFacts } from '../records/purchase';
import { purchaseAggregates } from '../records/purchase-aggregates';
import type { Period } from './rule-schema';
import { boundaryAt, isBefore, lastDayOfMonth, nextMonthKey, type TenantCalendar } from './tenant-calendar';

/** Which part of a month bucket counts: every purchase, or the lines of some departments and/or metals. */
export interface SpendSelector {
  readonly kind: 't' | 'd' | 'm' | 'dm';
  readonly keys: readonly string[];
}

export function spendSelector(departments: readonly string[] | undefined, metals: readonly string[] | undefined): SpendSelector {
  if (departments && metals) {
    return { kind: 'dm', keys: departments.flatMap((department) => metals.map((metal) => departmentMetalKey(department, metal))) };
  }
  if (departments) return { kind: 'd', keys: departments };
  if (metals) return { kind: 'm', keys: metals };
  return { kind: 't', keys: [] };
}

/** Calendar days in the tenant's time zone, both ends inclusive; null is open. */
export interface DayRange {
  from: string | null;
  to: string | null;
}

/**
 * The days a period covers today. Relative periods end today; purchases are never dated in the future, so an end on or
 * after today is treated as open.
 */
export function periodDays(period: Period | undefined, calendar: TenantCalendar): DayRange {
  if (period === undefined) return { from: null, to: null };
  if (period.lastDays !== undefined) return { from: calendar.addDays(-period.lastDays), to: null };
  if (period.lastMonths !== undefined) return { from: calendar.addMonths(-period.lastMonths), to: null };
  const to = period.to === undefined || period.to >= calendar.today ? null : period.to;
  return { from: period.from ?? null, to };
}

/** A month only part of which is in the period: `[fromMs, toMs)`. */
export interface BoundaryMonth {
  readonly month: string;
  readonly fromMs: number;
  readonly toMs: number;
}

export interface MonthWindow {
  /** Bucket keys outside [firstMonth, lastMonth] are outside the period (null: open). */
  readonly firstMonth: string | null;
  readonly lastMonth: string | null;
  /** At most two: the month the period starts in and the month it ends in, when either is partial. */
  readonly boundaries: readonly BoundaryMonth[];
  /** The period contains no day at all (it ends before it starts). */
  readonly empty: boolean;
  /** First instant of the period, and the instant after it (null: open): a customer whose purchases all lie outside is skipped without reading a bucket. */
  readonly start: { iso: string; ms: number } | null;
  readonly end: { iso: string; ms: number } | null;
}

export function monthWindow(range: DayRange, calendar: TenantCalendar): MonthWindow {
  if (range.from !== null && range.to !== null && range.to < range.from) {
    return { firstMonth: null, lastMonth: null, boundaries: [], empty: true, start: null, end: null };
  }
  const firstMonth = range.from === null ? null : range.from.slice(0, 7);
  const lastMonth = range.to === null ? null : range.to.slice(0, 7);
  const startsMidMonth = range.from !== null && !range.from.endsWith('-01');
  const endsMidMonth = range.to !== null && range.to !== lastDayOfMonth(range.to.slice(0, 7));
  const dayAfter = (day: string) => DateTime.fromISO(day, { zone: 'UTC' }).plus({ days: 1 }).toISODate() as string;
  const boundaries: BoundaryMonth[] = [];
  if (startsMidMonth && firstMonth !== null) {
    const sameMonth = endsMidMonth && lastMonth === firstMonth && range.to !== null;
    boundaries.push({
      month: firstMonth,
      fromMs: calendar.startOfDayMs(range.from as string),
      toMs: sameMonth ? calendar.startOfDayMs(dayAfter(range.to as string)) : calendar.startOfMonthMs(nextMonthKey(firstMonth)),
    });
  }
  if (endsMidMonth && lastMonth !== null && range.to !== null && !(startsMidMonth && firstMonth === lastMonth)) {
    boundaries.push({
      month: lastMonth,
      fromMs: calendar.startOfMonthMs(lastMonth),
      toMs: calendar.startOfDayMs(dayAfter(range.to)),
    });
  }
  return {
    firstMonth,
    lastMonth,
    boundaries,
    empty: false,
    start: range.from === null ? null : boundaryAt(calendar.startOfDayMs(range.from)),
    end: range.to === null ? null : boundaryAt(calendar.startOfDayMs(dayAfter(range.to))),
  };
}

/** Spend in a period: exact when `lo === hi` and `surelyBought === mayHaveBought`. */
export interface SpendRange {
  lo: number;
  hi: number;
  /** At least one matching purchase is certainly in the period. */
  surelyBought: boolean;
  /** A matching purchase may be in the period. */
  mayHaveBought: boolean;
}

export const emptySpendRange = (): SpendRange => ({ lo: 0, hi: 0, surelyBought: false, mayHaveBought: false });

/** The selected part of one bucket, written into `into` (sum, and whether a matching purchase exists). */
interface Selected {
  sum: number;
  any: boolean;
}

function select(bucket: MonthBucket, selector: SpendSelector, into: Selected): void {
  if (selector.kind === 't') {
    into.sum = bucket.t.s;
    into.any = bucket.t.c > 0;
    return;
  }
  const stats = selector.kind === 'd' ? bucket.d : selector.kind === 'm' ? bucket.m : bucket.dm;
  let sum = 0;
  let any = false;
  for (const key of selector.keys) {
    const stat = stats[key];
    if (stat === undefined) continue;
    sum += stat.s;
    if (stat.c > 0) any = true;
  }
  into.sum = sum;
  into.any = any;
}

type Inclusion = 'in' | 'out' | 'open';

/** Whether a boundary month's purchases are all inside, all outside, or possibly either, judged by first/last purchase. */
function inclusionOf(agg: CustomerAggregates, boundary: BoundaryMonth): Inclusion {
  if (agg.firstPurchaseAt === null || agg.lastPurchaseAt === null) return 'open';
  const first = Date.parse(agg.firstPurchaseAt);
  const last = Date.parse(agg.lastPurchaseAt);
  if (last < boundary.fromMs || first >= boundary.toMs) return 'out';
  if (first >= boundary.fromMs && last < boundary.toMs) return 'in';
  return 'open';
}

/** The boundary month's part recomputed from the customer's purchases, with the write path's own fold. */
function exactBoundary(
  purchases: readonly PurchaseFacts[],
  boundary: BoundaryMonth,
  selector: SpendSelector,
  timeZone: string,
  into: Selected,
): void {
  const inside = purchases.filter((purchase) => {
    const at = Date.parse(purchase.purchasedAt);
    return at >= boundary.fromMs && at < boundary.toMs;
  });
  const bucket = purchaseAggregates(inside, timeZone).months[boundary.month];
  if (bucket === undefined) {
    into.sum = 0;
    into.any = false;
    return;
  }
  select(bucket, selector, into);
}

const scratch: Selected = { sum: 0, any: false };

/**
 * Writes the customer's spend in the window into `out`. With `purchases` (the customer's purchases covering the
 * boundary months) the answer is exact; without, boundary months the aggregates cannot settle widen the range.
 */
export function spendInWindow(
  agg: CustomerAggregates,
  selector: SpendSelector,
  window: MonthWindow,
  purchases: readonly PurchaseFacts[] | undefined,
  timeZone: string,
  out: SpendRange,
): void {
  out.lo = 0;
  out.hi = 0;
  out.surelyBought = false;
  out.mayHaveBought = false;
  if (window.empty || agg.purchaseCount === 0) return;
  // Most customers did not buy in a recent period at all: their last (or first) purchase says so without a bucket.
  const { firstMonth, lastMonth, boundaries, start, end } = window;
  if (start !== null && (agg.lastPurchaseAt === null || isBefore(agg.lastPurchaseAt, start))) return;
  if (end !== null && (agg.firstPurchaseAt === null || !isBefore(agg.firstPurchaseAt, end))) return;
  const months = agg.months;
  for (const key in months) {
    if (firstMonth !== null && key < firstMonth) continue;
    if (lastMonth !== null && key > lastMonth) continue;
    const bucket = months[key] as MonthBucket;
    select(bucket, selector, scratch);
    if (!scratch.any && scratch.sum === 0) continue;
    let boundary: BoundaryMonth | undefined;
    for (const candidate of boundaries) if (candidate.month === key) boundary = candidate;
    if (boundary !== undefined) {
      if (purchases !== undefined) {
        exactBoundary(purchases, boundary, selector, timeZone, scratch);
      } else {
        const inclusion = inclusionOf(agg, boundary);
        if (inclusion === 'out') continue;
        if (inclusion === 'open') {
          out.hi += scratch.sum;
          if (scratch.any) out.mayHaveBought = true;
          continue;
        }
      }
    }
    out.lo += scratch.sum;
    out.hi += scratch.sum;
    if (scratch.any) {
      out.surelyBought = true;
      out.mayHaveBought = true;
    }
  }
}

/** The instants whose purchases can settle an open boundary month of this window. */
export function purchaseSpanOf(window: MonthWindow): { fromMs: number; toMs: number } | null {
  if (window.boundaries.length === 0) return null;
  return {
    fromMs: Math.min(...window.boundaries.map((b) => b.fromMs)),
    toMs: Math.max(...window.boundaries.map((b) => b.toMs)),
  };
}
