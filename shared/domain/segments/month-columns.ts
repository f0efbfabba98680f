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

function addEntries(
  stats: Record<string, Stat> | undefined,
  kind: StatKind,
  keys: number[],
  counts: number[],
  sums: number[],
): void {
  if (stats === undefined || stats === null) return;
  const ids = statKeyIds[kind];
  const names = Object.keys(stats);
  for (let i = 0; i < names.length; i += 1) {
    const name = names[i] as string;
    const stat = stats[name] as Stat;
    keys.push(ids.get(name) ?? statKeyId(kind, name));
    counts.push(count(stat.c));
    sums.push(count(stat.s));
  }
}

function isAscending(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i += 1) if ((keys[i - 1] as string) > (keys[i] as string)) return false;
  return true;
}

/** The columns of stored monthly buckets (keys in any order; the columns sort them). */
export function monthColumnsOf(months: Readonly<Record<string, MonthBucket>> | undefined): MonthColumns {
  if (months === undefined || months === null) return EMPTY;
  const keys = Object.keys(months);
  if (keys.length === 0) return EMPTY;
  if (!isAscending(keys)) keys.sort();
  const numbers: number[] = [];
  const totalCounts: number[] = [];
  const totalSums: number[] = [];
  const entryStarts: number[] = [0];
  const entryKeys: number[] = [];
  const entryCounts: number[] = [];
  const entrySums: number[] = [];
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i] as string;
    const bucket = months[key] as MonthBucket;
    numbers.push(monthNumberOfKey(key));
    totalCounts.push(count(bucket.t?.c));
    totalSums.push(count(bucket.t?.s));
    addEntries(bucket.d, 'd', entryKeys, entryCounts, entrySums);
    addEntries(bucket.m, 'm', entryKeys, entryCounts, entrySums);
    addEntries(bucket.dm, 'dm', entryKeys, entryCounts, entrySums);
    entryStarts.push(entryKeys.length);
  }
  return { months: numbers, totalCounts, totalSums, entryStarts, entryKeys, entryCounts, entrySums };
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

function addWireEntries(stats: WireValue | undefined, kind: StatKind, keys: number[], counts: number[], sums: number[]): void {
  const map = stats?.M;
  if (map === undefined) return;
  const ids = statKeyIds[kind];
  const names = Object.keys(map);
  for (let i = 0; i < names.length; i += 1) {
    const name = names[i] as string;
    const stat = (map[name] as WireValue).M;
    keys.push(ids.get(name) ?? statKeyId(kind, name));
    counts.push(wireCount(stat?.c));
    sums.push(wireCount(stat?.s));
  }
}

/**
 * The columns of the monthly buckets straight from the wire format (`agg.months` of a Query's raw item): the same
 * columns as `monthColumnsOf` over the unmarshalled object, without building the nested objects first.
 */
export function monthColumnsOfWire(months: WireValue | undefined): MonthColumns {
  const map = months?.M;
  if (map === undefined) return EMPTY;
  const keys = Object.keys(map);
  if (keys.length === 0) return EMPTY;
  if (!isAscending(keys)) keys.sort();
  const numbers: number[] = [];
  const totalCounts: number[] = [];
  const totalSums: number[] = [];
  const entryStarts: number[] = [0];
  const entryKeys: number[] = [];
  const entryCounts: number[] = [];
  const entrySums: number[] = [];
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i] as string;
    const bucket = (map[key] as WireValue).M ?? {};
    const total = bucket.t?.M;
    numbers.push(monthNumberOfKey(key));
    totalCounts.push(wireCount(total?.c));
    totalSums.push(wireCount(total?.s));
    addWireEntries(bucket.d, 'd', entryKeys, entryCounts, entrySums);
    addWireEntries(bucket.m, 'm', entryKeys, entryCounts, entrySums);
    addWireEntries(bucket.dm, 'dm', entryKeys, entryCounts, entrySums);
    entryStarts.push(entryKeys.length);
  }
  return { months: numbers, totalCounts, totalSums, entryStarts, entryKeys, entryCounts, entrySums };
}
