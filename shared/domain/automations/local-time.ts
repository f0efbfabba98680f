/**
 * The tenant's wall clock: calendar days (`YYYY-MM-DD`) and the instants local hours fall on, through DST changes.
 *
 * Luxon resolves an ambiguous wall time (the repeated hour when clocks go back) differently per zone (the later
 * instant in Europe/London and America/New_York, the earlier one in Australia/Sydney), and a wall time inside a
 * spring-forward gap to "plus the gap", so `localHourInstant` decides both cases itself, the same way in every zone:
 *  - a repeated hour is the EARLIER of its two instants (a message due "at 1:00" goes at the first 1:00, once);
 *  - a skipped hour is the first instant after the gap (the moment the clocks jump, shown as the hour after).
 */
import { DateTime, IANAZone } from 'luxon';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const zones = new Map<string, IANAZone>();
function zoneOf(timeZone: string): IANAZone {
  let zone = zones.get(timeZone);
  if (!zone) {
    zone = IANAZone.create(timeZone);
    if (!zone.isValid) throw new RangeError(`Invalid time zone: ${timeZone}`);
    zones.set(timeZone, zone);
  }
  return zone;
}

/** Offset from UTC in minutes at an instant. */
const offsetAt = (timeZone: string, ms: number) => zoneOf(timeZone).offset(ms);

export const toMs = (instant: string | number | Date): number =>
  typeof instant === 'number' ? instant : typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
export const toIso = (ms: number): string => new Date(ms).toISOString();

/** The calendar day of an instant in the zone. */
export function localDateOf(instant: string | number, timeZone: string): string {
  const ms = toMs(instant);
  return new Date(ms + offsetAt(timeZone, ms) * MINUTE_MS).toISOString().slice(0, 10);
}

/** The wall-clock hour (0-23) of an instant in the zone. */
export function localHourOf(instant: string | number, timeZone: string): number {
  const ms = toMs(instant);
  return new Date(ms + offsetAt(timeZone, ms) * MINUTE_MS).getUTCHours();
}

function wallMs(date: string, hour: number): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(year, month - 1, day, hour);
}

/**
 * The instant a local wall-clock hour falls on: the earlier instant of a repeated hour, the end of the gap for a
 * skipped one (see the module comment).
 */
export function localHourInstant(date: string, hour: number, timeZone: string): number {
  const wall = wallMs(date, hour);
  // Offsets in force well before and after: any DST change near `wall` lies between them.
  const before = offsetAt(timeZone, wall - DAY_MS);
  const after = offsetAt(timeZone, wall + DAY_MS);
  const candidates = [wall - before * MINUTE_MS, wall - after * MINUTE_MS]
    .filter((ms) => ms + offsetAt(timeZone, ms) * MINUTE_MS === wall)
    .sort((a, b) => a - b);
  if (candidates[0] !== undefined) return candidates[0];
  // In a gap: the first instant whose wall clock has passed `wall` is the moment the clocks jumped.
  let lo = wall - Math.max(before, after) * MINUTE_MS - HOUR_MS;
  let hi = wall - Math.min(before, after) * MINUTE_MS + HOUR_MS;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (mid + offsetAt(timeZone, mid) * MINUTE_MS >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The first instant of a calendar day in the zone (midnight, or the end of a gap at midnight). */
export const startOfLocalDay = (date: string, timeZone: string): number => localHourInstant(date, 0, timeZone);

/** The first instant of the day after `date`: the exclusive end of `date`. */
export const endOfLocalDay = (date: string, timeZone: string): number => startOfLocalDay(addDays(date, 1), timeZone);

export function addDays(date: string, days: number): string {
  return new Date(wallMs(date, 0) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The same day `months` later; a day the month lacks becomes its last day (31 Aug + 6 months = 28/29 Feb). */
export function addMonths(date: string, months: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ months }).toISODate() as string;
}

/** Whole days from `a` to `b` (calendar days, positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return Math.round((wallMs(b, 0) - wallMs(a, 0)) / DAY_MS);
}

export const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** Month and day in a given year; 29 February is celebrated on 28 February in years without one. */
export function dateInYear(year: number, month: number, day: number): string {
  const effectiveDay = month === 2 && day === 29 && !isLeapYear(year) ? 28 : day;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(effectiveDay).padStart(2, '0')}`;
}

export const yearOf = (date: string) => Number(date.slice(0, 4));
