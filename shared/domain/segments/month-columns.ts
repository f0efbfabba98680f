/**
 * A customer's monthly spend buckets in columns, built once when the book reader shapes the customer.
 *
 * Stored aggregates keep the months as an object keyed by `YYYY-MM` (`agg.months`), with objects keyed by department,
 * metal and department|metal inside each bucket. Every customer's objects then have keys, and so a layout (hidden
 * class), of their own: reading them across a book defeats V8's inline caches, and that was most of a segment pass.
 * Here every customer has the same layout — a few arrays of numbers — and a stat is named by a small integer interned
 * per process, so a selector is a lookup table compiled once per evaluation.
 */
import type { MonthBucket, Stat } from '../customers/aggregates';

export interface MonthColumns {
  /** Months as numbers (year × 12 + month − 1), ascending. */
  readonly months: readonly number[];
  /** Per month: how many purchases, and their sum. */
  readonly totalCounts: readonly number[];
  readonly totalSums: readonly number[];
  /** Month i's stats are entries `entryStarts[i]` to `entryStarts[i + 1]` (one more start than months). */
  readonly entryStarts: readonly number[];
  /** Per entry: the stat's interned key (`statKeyId`), its count and its sum. */
  readonly entryKeys: readonly number[];
  readonly entryCounts: readonly number[];
  readonly entrySums: readonly number[];
}

/** Which map of a bucket a stat comes from: by department, by metal, or by department|metal. */
export type StatKind = 'd' | 'm' | 'dm';

/** Interned stat keys, one table per kind (no key string is built to look one up). */
const statKeyIds: Record<StatKind, Map<string, number>> = { d: new Map(), m: new Map(), dm: new Map() };
let nextStatKeyId = 0;

/**
 * The process-wide number of a stat key (department `watches`, metal `platinum`, department|metal
 * `watches|platinum`). Departments and metals are a small catalogue, so the tables stay small.
 */
export function statKeyId(kind: StatKind, key: string): number {
  const ids = statKeyIds[kind];
  let id = ids.get(key);
  if (id === undefined) {
    id = nextStatKeyId;
    nextStatKeyId += 1;
    ids.set(key, id);
  }
  return id;
}

/** Months as numbers (year × 12 + month − 1), so a range of months is a range of integers. */
export function monthNumberOfKey(key: string): number {
  // Digits read in place: this runs for every month of every customer read.
  const year = key.charCodeAt(0) * 1000 + key.charCodeAt(1) * 100 + key.charCodeAt(2) * 10 + key.charCodeAt(3) - 48 * 1111;
  return year * 12 + key.charCodeAt(5) * 10 + key.charCodeAt(6) - 48 * 11 - 1;
}

const EMPTY: MonthColumns = Object.freeze({
  months: [],
  totalCounts: [],
  totalSums: [],
  entryStarts: [0],
  entryKeys: [],
  entryCounts: [],
  entrySums: [],
});

const count = (value: unknown): number => (typeof value === 'number' ? value : 0);

function isAscending(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i += 1) if ((keys[i - 1] as string) > (keys[i] as string)) return false;
  return true;
}

/** The month keys in ascending order (stored maps carry them in any order). */
function ascendingKeys(map: Readonly<Record<string, unknown>>): string[] {
  const keys = Object.keys(map);
  if (!isAscending(keys)) keys.sort();
  return keys;
}

/** Columns filled month by month, ascending; each decoder walks its own format and hands the numbers here. */
class ColumnsBuilder {
  private readonly months: number[] = [];
  private readonly totalCounts: number[] = [];
  private readonly totalSums: number[] = [];
  private readonly entryStarts: number[] = [0];
  private readonly entryKeys: number[] = [];
  private readonly entryCounts: number[] = [];
  private readonly entrySums: number[] = [];

  month(key: string, count: number, sum: number): void {
    if (this.months.length > 0) this.entryStarts.push(this.entryKeys.length);
    this.months.push(monthNumberOfKey(key));
    this.totalCounts.push(count);
    this.totalSums.push(sum);
  }

  stat(ids: Map<string, number>, kind: StatKind, name: string, count: number, sum: number): void {
    this.entryKeys.push(ids.get(name) ?? statKeyId(kind, name));
    this.entryCounts.push(count);
    this.entrySums.push(sum);
  }

  build(): MonthColumns {
    this.entryStarts.push(this.entryKeys.length);
    const { months, totalCounts, totalSums, entryStarts, entryKeys, entryCounts, entrySums } = this;
    return { months, totalCounts, totalSums, entryStarts, entryKeys, entryCounts, entrySums };
  }
}

const STAT_KINDS: readonly StatKind[] = ['d', 'm', 'dm'];

/** The columns of stored monthly buckets (keys in any order; the columns sort them). */
export function monthColumnsOf(months: Readonly<Record<string, MonthBucket>> | undefined): MonthColumns {
  if (months === undefined || months === null) return EMPTY;
  const keys = ascendingKeys(months);
  if (keys.length === 0) return EMPTY;
  const columns = new ColumnsBuilder();
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i] as string;
    const bucket = months[key] as MonthBucket;
    columns.month(key, count(bucket.t?.c), count(bucket.t?.s));
    for (const kind of STAT_KINDS) {
      const stats = bucket[kind];
      if (stats === undefined || stats === null) continue;
      const ids = statKeyIds[kind];
      const names = Object.keys(stats);
      for (let n = 0; n < names.length; n += 1) {
        const stat = stats[names[n] as string] as Stat;
        columns.stat(ids, kind, names[n] as string, count(stat.c), count(stat.s));
      }
    }
  }
  return columns.build();
}

/** The index of `month` in the columns, or -1. */
export function monthIndexOf(columns: MonthColumns, month: number): number {
  const months = columns.months;
  for (let i = 0; i < months.length; i += 1) {
    const at = months[i] as number;
    if (at === month) return i;
    if (at > month) return -1;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------------------------------
// From the wire format

/** An attribute as DynamoDB's wire format carries it (only the members the buckets use). */
export interface WireValue {
  readonly M?: Readonly<Record<string, WireValue>>;
  readonly N?: string;
}

const wireCount = (value: WireValue | undefined): number => (value?.N === undefined ? 0 : Number(value.N));

/**
 * The columns of the monthly buckets straight from the wire format (`agg.months` of a Query's raw item): the same
 * columns as `monthColumnsOf` over the unmarshalled object, without building the nested objects first.
 */
export function monthColumnsOfWire(months: WireValue | undefined): MonthColumns {
  const map = months?.M;
  if (map === undefined) return EMPTY;
  const keys = ascendingKeys(map);
  if (keys.length === 0) return EMPTY;
  const columns = new ColumnsBuilder();
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i] as string;
    const bucket = (map[key] as WireValue).M ?? {};
    const total = bucket.t?.M;
    columns.month(key, wireCount(total?.c), wireCount(total?.s));
    for (const kind of STAT_KINDS) {
      const stats = bucket[kind]?.M;
      if (stats === undefined) continue;
      const ids = statKeyIds[kind];
      const names = Object.keys(stats);
      for (let n = 0; n < names.length; n += 1) {
        const stat = (stats[names[n] as string] as WireValue).M;
        columns.stat(ids, kind, names[n] as string, wireCount(stat?.c), wireCount(stat?.s));
      }
    }
  }
  return columns.build();
}
