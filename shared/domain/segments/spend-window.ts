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
import type { BookAggregates } from './book-customer';
import { departmentMetalKey } from '../records/catalogue';
import type { PurchaseFacts } from '../records/purchase';
import { purchaseAggregates } from '../records/purchase-aggregates';
import { monthColumnsOf, monthIndexOf, monthNumberOfKey, statKeyId, type MonthColumns } from './month-columns';
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

export function copySpendRange(from: SpendRange, to: SpendRange): void {
  to.lo = from.lo;
  to.hi = from.hi;
  to.surelyBought = from.surelyBought;
  to.mayHaveBought = from.mayHaveBought;
}

/** An instant in both forms, for `isBefore`. */
type Instant = { iso: string; ms: number };

/**
 * A window's spend, prepared once per evaluation: everything that does not depend on the customer (which stats, the
 * window's months, the boundary months and their instants) is resolved here, so `compute` is a loop over the
 * customer's month columns (./month-columns.ts) with number comparisons and no allocation.
 */
export class WindowSpend {
  private readonly empty: boolean;
  private readonly start: Instant | null;
  private readonly end: Instant | null;
  /** The window's first and last month as numbers; -1 and +Infinity for open ends. */
  private readonly fromMonth: number;
  private readonly toMonth: number;
  private readonly firstBoundary: BoundaryMonth | null;
  private readonly secondBoundary: BoundaryMonth | null;
  /** The boundary months as numbers (-1: none). */
  private readonly firstBoundaryMonth: number;
  private readonly secondBoundaryMonth: number;
  /** The boundary instants as `isBefore` wants them (first/last purchase against the boundary month's part). */
  private readonly firstBoundaryFrom: Instant | null;
  private readonly firstBoundaryTo: Instant | null;
  private readonly secondBoundaryFrom: Instant | null;
  private readonly secondBoundaryTo: Instant | null;
  /** Every purchase counts (no department or metal selected). */
  private readonly totals: boolean;
  /** The one stat selected, when that is the whole selector (-1: several). */
  private readonly singleStat: number;
  /** Selected stats by interned id (1: selected). */
  private readonly selectedStats: Uint8Array;
  /** Whether the last `selectedIn` month held a matching purchase (a second result without allocating a pair). */
  private selectedAny = false;

  constructor(
    window: MonthWindow,
    selector: SpendSelector,
    private readonly timeZone: string,
  ) {
    this.empty = window.empty;
    this.start = window.start;
    this.end = window.end;
    this.fromMonth = window.firstMonth === null ? -1 : monthNumberOfKey(window.firstMonth);
    this.toMonth = window.lastMonth === null ? Number.POSITIVE_INFINITY : monthNumberOfKey(window.lastMonth);
    this.firstBoundary = window.boundaries[0] ?? null;
    this.secondBoundary = window.boundaries[1] ?? null;
    this.firstBoundaryMonth = this.firstBoundary === null ? -1 : monthNumberOfKey(this.firstBoundary.month);
    this.secondBoundaryMonth = this.secondBoundary === null ? -1 : monthNumberOfKey(this.secondBoundary.month);
    this.firstBoundaryFrom = this.firstBoundary && boundaryAt(this.firstBoundary.fromMs);
    this.firstBoundaryTo = this.firstBoundary && boundaryAt(this.firstBoundary.toMs);
    this.secondBoundaryFrom = this.secondBoundary && boundaryAt(this.secondBoundary.fromMs);
    this.secondBoundaryTo = this.secondBoundary && boundaryAt(this.secondBoundary.toMs);
    this.totals = selector.kind === 't';
    const ids = this.totals ? [] : selector.keys.map((key) => statKeyId(selector.kind as 'd' | 'm' | 'dm', key));
    this.singleStat = ids.length === 1 ? (ids[0] as number) : -1;
    this.selectedStats = new Uint8Array(ids.reduce((max, id) => Math.max(max, id + 1), 0));
    for (const id of ids) this.selectedStats[id] = 1;
  }

  /**
   * A bound on the customer's spend in the window without reading a bucket: nothing when every purchase lies outside
   * it (the same test `compute` starts with), else the lifetime total (spend in part of the history is at most that).
   */
  ceiling(agg: BookAggregates): number {
    if (this.empty || agg.purchaseCount === 0) return 0;
    const start = this.start;
    const end = this.end;
    if (start !== null && (agg.lastPurchaseAt === null || isBefore(agg.lastPurchaseAt, start))) return 0;
    if (end !== null && (agg.firstPurchaseAt === null || !isBefore(agg.firstPurchaseAt, end))) return 0;
    return agg.totalSpent;
  }

  /**
   * Writes the customer's spend in the window into `out`. With `purchases` (the customer's purchases covering the
   * boundary months) the answer is exact; without, boundary months the aggregates cannot settle widen the range.
   */
  compute(agg: BookAggregates, columns: MonthColumns, purchases: readonly PurchaseFacts[] | undefined, out: SpendRange): void {
    out.lo = 0;
    out.hi = 0;
    out.surelyBought = false;
    out.mayHaveBought = false;
    if (this.empty || agg.purchaseCount === 0) return;
    // Most customers did not buy in a recent period at all: their last (or first) purchase says so without a bucket.
    const start = this.start;
    const end = this.end;
    if (start !== null && (agg.lastPurchaseAt === null || isBefore(agg.lastPurchaseAt, start))) return;
    if (end !== null && (agg.firstPurchaseAt === null || !isBefore(agg.firstPurchaseAt, end))) return;
    const months = columns.months;
    const fromMonth = this.fromMonth;
    const toMonth = this.toMonth;
    for (let i = 0; i < months.length; i += 1) {
      const month = months[i] as number;
      if (month < fromMonth) continue;
      if (month > toMonth) break;
      this.addMonth(agg, columns, i, month, purchases, out);
    }
  }

  /** Adds a month in the window: in full, or for a boundary month what the purchase instants (or purchases) allow. */
  private addMonth(
    agg: BookAggregates,
    columns: MonthColumns,
    index: number,
    month: number,
    purchases: readonly PurchaseFacts[] | undefined,
    out: SpendRange,
  ): void {
    let sum = this.selectedIn(columns, index);
    let any = this.selectedAny;
    if (!any && sum === 0) return;
    const isFirst = month === this.firstBoundaryMonth;
    if (isFirst || month === this.secondBoundaryMonth) {
      const boundary = (isFirst ? this.firstBoundary : this.secondBoundary) as BoundaryMonth;
      if (purchases !== undefined) {
        sum = this.exactBoundary(purchases, boundary);
        any = this.selectedAny;
      } else {
        const inclusion = this.inclusionOf(agg, isFirst);
        if (inclusion === OUT) return;
        if (inclusion === OPEN) {
          out.hi += sum;
          if (any) out.mayHaveBought = true;
          return;
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

  /** The selected part of month `index`: returns the sum, and sets `selectedAny` when a matching purchase is in it. */
  private selectedIn(columns: MonthColumns, index: number): number {
    if (this.totals) {
      this.selectedAny = (columns.totalCounts[index] as number) > 0;
      return columns.totalSums[index] as number;
    }
    const keys = columns.entryKeys;
    const from = columns.entryStarts[index] as number;
    const to = columns.entryStarts[index + 1] as number;
    const single = this.singleStat;
    if (single >= 0) {
      // A stat appears once in a month.
      for (let j = from; j < to; j += 1) {
        if (keys[j] === single) {
          this.selectedAny = (columns.entryCounts[j] as number) > 0;
          return columns.entrySums[j] as number;
        }
      }
      this.selectedAny = false;
      return 0;
    }
    const selected = this.selectedStats;
    let sum = 0;
    let any = false;
    for (let j = from; j < to; j += 1) {
      if (selected[keys[j] as number] !== 1) continue;
      sum += columns.entrySums[j] as number;
      if ((columns.entryCounts[j] as number) > 0) any = true;
    }
    this.selectedAny = any;
    return sum;
  }

  /**
   * Whether a boundary month's purchases are all inside, all outside, or possibly either, judged by the first and
   * last purchase instants.
   */
  private inclusionOf(agg: BookAggregates, isFirst: boolean): Inclusion {
    const firstAt = agg.firstPurchaseAt;
    const lastAt = agg.lastPurchaseAt;
    if (firstAt === null || lastAt === null) return OPEN;
    const from = (isFirst ? this.firstBoundaryFrom : this.secondBoundaryFrom) as Instant;
    const to = (isFirst ? this.firstBoundaryTo : this.secondBoundaryTo) as Instant;
    if (isBefore(lastAt, from) || !isBefore(firstAt, to)) return OUT;
    if (!isBefore(firstAt, from) && isBefore(lastAt, to)) return IN;
    return OPEN;
  }

  /** The boundary month's part recomputed from the customer's purchases, with the write path's own fold. */
  private exactBoundary(purchases: readonly PurchaseFacts[], boundary: BoundaryMonth): number {
    const inside = purchases.filter((purchase) => {
      const at = Date.parse(purchase.purchasedAt);
      return at >= boundary.fromMs && at < boundary.toMs;
    });
    const columns = monthColumnsOf(purchaseAggregates(inside, this.timeZone).months);
    const index = monthIndexOf(columns, monthNumberOfKey(boundary.month));
    if (index < 0) {
      this.selectedAny = false;
      return 0;
    }
    return this.selectedIn(columns, index);
  }
}

const IN = 0;
const OUT = 1;
const OPEN = 2;
type Inclusion = typeof IN | typeof OUT | typeof OPEN;

/** The instants whose purchases can settle an open boundary month of this window. */
export function purchaseSpanOf(window: MonthWindow): { fromMs: number; toMs: number } | null {
  if (window.boundaries.length === 0) return null;
  return {
    fromMs: Math.min(...window.boundaries.map((b) => b.fromMs)),
    toMs: Math.max(...window.boundaries.map((b) => b.toMs)),
  };
}
