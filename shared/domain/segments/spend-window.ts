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
import type { CustomerAggregates, MonthBucket, Stat } from '../customers/aggregates';
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

export function copySpendRange(from: SpendRange, to: SpendRange): void {
  to.lo = from.lo;
  to.hi = from.hi;
  to.surelyBought = from.surelyBought;
  to.mayHaveBought = from.mayHaveBought;
}

/** An instant in both forms, for `isBefore`. */
type Instant = { iso: string; ms: number };

/** Where a stat sits in a bucket. */
const NO_STATS = 0;
const DEPARTMENT_STATS = 1;
const METAL_STATS = 2;
const DEPARTMENT_METAL_STATS = 3;

/** Months as numbers (year × 12 + month − 1), so a range of months is a range of integers. */
const monthNumberOfKey = (key: string) => Number(key.slice(0, 4)) * 12 + Number(key.slice(5, 7)) - 1;

/** The UTC month number of a canonical ISO instant (`toISOString()`), or -1 for any other form. */
function utcMonthNumber(iso: string): number {
  if (iso.length !== 24 || iso.charCodeAt(23) !== 90 /* Z */) return -1;
  // Digits read in place (no helper closure: this runs for every customer a window looks at).
  const year = iso.charCodeAt(0) * 1000 + iso.charCodeAt(1) * 100 + iso.charCodeAt(2) * 10 + iso.charCodeAt(3) - 48 * 1111;
  const month = iso.charCodeAt(5) * 10 + iso.charCodeAt(6) - 48 * 11;
  return year * 12 + month - 1;
}

/**
 * A window's spend, prepared once per evaluation: everything that does not depend on the customer (which stats, which
 * month keys, the boundary months and their instants) is resolved here, so `compute` is a loop over month buckets
 * with string comparisons and no allocation.
 *
 * Which buckets: a customer's buckets all lie between the months of their first and last purchase. When the window
 * holds fewer of those months than the customer has purchases (a short period, a long history), the window's months
 * are looked up one by one; otherwise the customer's buckets are enumerated and those outside the window skipped.
 * Both visit every bucket in the window; sums of whole minor units do not depend on the order.
 */
export class WindowSpend {
  private readonly empty: boolean;
  private readonly start: Instant | null;
  private readonly end: Instant | null;
  /** Month keys outside [fromKey, toKey] are outside the window ('' and '~' for open ends: every key sorts between). */
  private readonly fromKey: string;
  private readonly toKey: string;
  /** The window's first and last month as numbers; -1 and +Infinity for open ends. */
  private readonly fromMonth: number;
  private readonly toMonth: number;
  /** Neither month bounds nor boundary months: every bucket counts in full. */
  private readonly allMonths: boolean;
  private readonly firstBoundary: BoundaryMonth | null;
  private readonly secondBoundary: BoundaryMonth | null;
  /** The boundary instants as `isBefore` wants them (first/last purchase against the boundary month's part). */
  private readonly firstBoundaryFrom: Instant | null;
  private readonly firstBoundaryTo: Instant | null;
  private readonly secondBoundaryFrom: Instant | null;
  private readonly secondBoundaryTo: Instant | null;
  private readonly stats: number;
  private readonly keys: readonly string[];
  /** The one department or metal selected, when that is the whole selector. */
  private readonly singleKey: string | null;
  /** Month keys by month number, made once per evaluation as lookups first need them. */
  private readonly monthKeys = new Map<number, string>();
  /** Whether the last `selected` bucket held a matching purchase (a second result without allocating a pair). */
  private selectedAny = false;

  constructor(
    window: MonthWindow,
    selector: SpendSelector,
    private readonly timeZone: string,
  ) {
    this.empty = window.empty;
    this.start = window.start;
    this.end = window.end;
    this.fromKey = window.firstMonth ?? '';
    this.toKey = window.lastMonth ?? '~';
    this.fromMonth = window.firstMonth === null ? -1 : monthNumberOfKey(window.firstMonth);
    this.toMonth = window.lastMonth === null ? Number.POSITIVE_INFINITY : monthNumberOfKey(window.lastMonth);
    this.allMonths = window.firstMonth === null && window.lastMonth === null && window.boundaries.length === 0;
    this.firstBoundary = window.boundaries[0] ?? null;
    this.secondBoundary = window.boundaries[1] ?? null;
    this.firstBoundaryFrom = this.firstBoundary && boundaryAt(this.firstBoundary.fromMs);
    this.firstBoundaryTo = this.firstBoundary && boundaryAt(this.firstBoundary.toMs);
    this.secondBoundaryFrom = this.secondBoundary && boundaryAt(this.secondBoundary.fromMs);
    this.secondBoundaryTo = this.secondBoundary && boundaryAt(this.secondBoundary.toMs);
    this.stats =
      selector.kind === 't' ? NO_STATS : selector.kind === 'd' ? DEPARTMENT_STATS : selector.kind === 'm' ? METAL_STATS : DEPARTMENT_METAL_STATS;
    this.keys = selector.keys;
    this.singleKey = (selector.kind === 'd' || selector.kind === 'm') && selector.keys.length === 1 ? (selector.keys[0] as string) : null;
  }

  /**
   * A bound on the customer's spend in the window without reading a bucket: nothing when every purchase lies outside
   * it (the same test `compute` starts with), else the lifetime total (spend in part of the history is at most that).
   */
  ceiling(agg: CustomerAggregates): number {
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
  compute(agg: CustomerAggregates, purchases: readonly PurchaseFacts[] | undefined, out: SpendRange): void {
    out.lo = 0;
    out.hi = 0;
    out.surelyBought = false;
    out.mayHaveBought = false;
    if (this.empty || agg.purchaseCount === 0) return;
    // Most customers did not buy in a recent period at all: their last (or first) purchase says so without a bucket.
    const start = this.start;
    const end = this.end;
    const firstAt = agg.firstPurchaseAt;
    const lastAt = agg.lastPurchaseAt;
    if (start !== null && (lastAt === null || isBefore(lastAt, start))) return;
    if (end !== null && (firstAt === null || !isBefore(firstAt, end))) return;
    const months = agg.months;
    if (this.allMonths) {
      let sum = 0;
      let any = false;
      // Every bucket counts and its key does not matter: the values alone (fewer lookups than keys, then values).
      const buckets = Object.values(months);
      for (let i = 0; i < buckets.length; i += 1) {
        sum += this.selected(buckets[i] as MonthBucket);
        if (this.selectedAny) any = true;
      }
      out.lo = sum;
      out.hi = sum;
      out.surelyBought = any;
      out.mayHaveBought = any;
      return;
    }
    // The customer's buckets lie within the months of their first and last purchase in the tenant's zone, which are
    // the UTC months or next to them (any zone is less than a day from UTC).
    const firstMonth = firstAt === null ? -1 : utcMonthNumber(firstAt);
    const lastMonth = lastAt === null ? -1 : utcMonthNumber(lastAt);
    if (firstMonth >= 0 && lastMonth >= 0) {
      const from = Math.max(this.fromMonth, firstMonth - 1);
      const to = Math.min(this.toMonth, lastMonth + 1);
      if (to - from + 1 <= agg.purchaseCount) {
        for (let month = from; month <= to; month += 1) {
          const key = this.monthKey(month);
          if (Object.hasOwn(months, key)) this.addBucket(agg, key, months[key] as MonthBucket, purchases, out);
        }
        return;
      }
    }
    const fromKey = this.fromKey;
    const toKey = this.toKey;
    // Keys and values side by side (the same order): each customer's buckets object has a layout of its own, and
    // looking a key up in it again costs more than listing both.
    const keys = Object.keys(months);
    const buckets = Object.values(months);
    for (let i = 0; i < keys.length; i += 1) {
      const key = keys[i] as string;
      if (key < fromKey || key > toKey) continue;
      this.addBucket(agg, key, buckets[i] as MonthBucket, purchases, out);
    }
  }

  /** Adds a bucket in the window: in full, or for a boundary month what the purchase instants (or purchases) allow. */
  private addBucket(
    agg: CustomerAggregates,
    key: string,
    bucket: MonthBucket,
    purchases: readonly PurchaseFacts[] | undefined,
    out: SpendRange,
  ): void {
    let sum = this.selected(bucket);
    let any = this.selectedAny;
    if (!any && sum === 0) return;
    const first = this.firstBoundary;
    const second = this.secondBoundary;
    const boundary = first !== null && first.month === key ? first : second !== null && second.month === key ? second : null;
    if (boundary !== null) {
      if (purchases !== undefined) {
        sum = this.exactBoundary(purchases, boundary);
        any = this.selectedAny;
      } else {
        const inclusion = this.inclusionOf(agg, boundary === first);
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

  private monthKey(month: number): string {
    let key = this.monthKeys.get(month);
    if (key === undefined) {
      const year = Math.floor(month / 12);
      key = `${String(year).padStart(4, '0')}-${String((month % 12) + 1).padStart(2, '0')}`;
      this.monthKeys.set(month, key);
    }
    return key;
  }

  /** The selected part of one bucket: returns the sum, and sets `selectedAny` when a matching purchase is in it. */
  private selected(bucket: MonthBucket): number {
    const kind = this.stats;
    if (kind === NO_STATS) {
      this.selectedAny = bucket.t.c > 0;
      return bucket.t.s;
    }
    const stats = kind === DEPARTMENT_STATS ? bucket.d : kind === METAL_STATS ? bucket.m : bucket.dm;
    const single = this.singleKey;
    if (single !== null) {
      const stat = stats[single];
      this.selectedAny = stat !== undefined && stat.c > 0;
      return stat === undefined ? 0 : stat.s;
    }
    const keys = this.keys;
    let sum = 0;
    let any = false;
    for (let i = 0; i < keys.length; i += 1) {
      const key = keys[i] as string;
      const stat = stats[key];
      if (stat === undefined) continue;
      sum += stat.s;
      if (stat.c > 0) any = true;
    }
    this.selectedAny = any;
    return sum;
  }

  /**
   * Whether a boundary month's purchases are all inside, all outside, or possibly either, judged by the first and
   * last purchase instants.
   */
  private inclusionOf(agg: CustomerAggregates, isFirst: boolean): Inclusion {
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
    const bucket = purchaseAggregates(inside, this.timeZone).months[boundary.month];
    if (bucket === undefined) {
      this.selectedAny = false;
      return 0;
    }
    return this.selected(bucket);
  }
}

const IN = 0;
const OUT = 1;
const OPEN = 2;
type Inclusion = typeof IN | typeof OUT | typeof OPEN;

/**
 * Writes the customer's spend in the window into `out` (a one-off `WindowSpend`; per-customer callers prepare one per
 * evaluation instead).
 */
export function spendInWindow(
  agg: CustomerAggregates,
  selector: SpendSelector,
  window: MonthWindow,
  purchases: readonly PurchaseFacts[] | undefined,
  timeZone: string,
  out: SpendRange,
): void {
  new WindowSpend(window, selector, timeZone).compute(agg, purchases, out);
}

/** The instants whose purchases can settle an open boundary month of this window. */
export function purchaseSpanOf(window: MonthWindow): { fromMs: number; toMs: number } | null {
  if (window.boundaries.length === 0) return null;
  return {
    fromMs: Math.min(...window.boundaries.map((b) => b.fromMs)),
    toMs: Math.max(...window.boundaries.map((b) => b.toMs)),
  };
}
