/**
 * "Today", "this month" and ages in the tenant's time zone, computed once per evaluation so the per-customer predicates
 * compare plain strings and numbers. Calendar days are `YYYY-MM-DD` strings (they sort like the days they name).
 */
import { DateTime } from 'luxon';

export interface TenantCalendar {
  readonly timeZone: string;
  readonly now: Date;
  readonly nowMs: number;
  /** Today, `YYYY-MM-DD`, in the tenant's time zone. */
  readonly today: string;
  readonly year: number;
  readonly month: number;
  readonly day: number;
  /** This month, `YYYY-MM` (the key of the aggregates' monthly buckets). */
  readonly monthKey: string;
  /** The day `n` days after today (before, when negative). */
  addDays(n: number): string;
  /** The same day `n` months after today (before, when negative); a day the month lacks becomes its last day. */
  addMonths(n: number): string;
  /** The instant (epoch ms) a calendar day starts in the tenant's time zone (DST days included). */
  startOfDayMs(day: string): number;
  /** The first instant (epoch ms) of a month `YYYY-MM`. */
  startOfMonthMs(monthKey: string): number;
  /** The calendar day of an instant in the tenant's time zone. */
  dayOf(instant: string | number): string;
}

export function tenantCalendar(now: Date, timeZone: string): TenantCalendar {
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  if (!local.isValid) throw new RangeError(`Invalid time zone or instant: ${timeZone}`);
  const today = local.toISODate() as string;
  const startOfToday = local.startOf('day');
  const dayStart = (day: string) => DateTime.fromISO(day, { zone: timeZone }).startOf('day');
  return {
    timeZone,
    now,
    nowMs: now.getTime(),
    today,
    year: local.year,
    month: local.month,
    day: local.day,
    monthKey: today.slice(0, 7),
    addDays: (n) => startOfToday.plus({ days: n }).toISODate() as string,
    addMonths: (n) => startOfToday.plus({ months: n }).toISODate() as string,
    startOfDayMs: (day) => dayStart(day).toMillis(),
    startOfMonthMs: (monthKey) => dayStart(`${monthKey}-01`).toMillis(),
    dayOf: (instant) =>
      (typeof instant === 'number'
        ? DateTime.fromMillis(instant, { zone: timeZone })
        : DateTime.fromISO(instant, { zone: timeZone })
      ).toISODate() as string,
  };
}

export const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** `YYYY-MM` of the month after `monthKey`. */
export function nextMonthKey(monthKey: string): string {
  const year = Number(monthKey.slice(0, 4));
  const month = Number(monthKey.slice(5, 7));
  return month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
}

export function lastDayOfMonth(monthKey: string): string {
  const year = Number(monthKey.slice(0, 4));
  const month = Number(monthKey.slice(5, 7));
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${monthKey}-${String(days).padStart(2, '0')}`;
}

/**
 * `iso < boundary`. The write path stores instants as `toISOString()` (24 characters, UTC), which order as strings;
 * those skip `Date.parse`, which matters at a million customers a second.
 */
export function isBefore(iso: string, boundary: { iso: string; ms: number }): boolean {
  if (iso.length === 24 && iso.charCodeAt(23) === 90 /* Z */) return iso < boundary.iso;
  return Date.parse(iso) < boundary.ms;
}

/** An instant boundary in both forms, for `isBefore`. */
export function boundaryAt(ms: number): { iso: string; ms: number } {
  return { iso: new Date(ms).toISOString(), ms };
}

/**
 * Which month-days fall within a window of days starting today, each with the latest year it falls in (0 when
 * outside). A 29 February birthday or anniversary falls on 28 February in years without one, so in such a year the
 * window's 28 February also marks 29 February.
 */
export class MonthDayWindow {
  private readonly latestYear = new Int32Array(13 * 32);

  constructor(calendar: TenantCalendar, days: number) {
    let date = DateTime.fromISO(calendar.today, { zone: 'UTC' });
    for (let i = 0; i <= Math.min(days, 366); i += 1) {
      this.mark(date.month, date.day, date.year);
      if (date.month === 2 && date.day === 28 && !isLeapYear(date.year)) this.mark(2, 29, date.year);
      date = date.plus({ days: 1 });
    }
  }

  private mark(month: number, day: number, year: number) {
    const index = month * 32 + day;
    this.latestYear[index] = Math.max(this.latestYear[index] ?? 0, year);
  }

  /** The latest year in which month/day falls within the window, or 0. */
  yearOf(month: number, day: number): number {
    return this.latestYear[month * 32 + day] ?? 0;
  }
}

/** Age in whole years on `calendar.today`; someone born on 29 February turns a year older on 28 February in other years. */
export function ageOn(calendar: TenantCalendar, year: number, month: number, day: number): number {
  let birthDay = month * 100 + day;
  if (birthDay === 229 && !isLeapYear(calendar.year)) birthDay = 228;
  const todayDay = calendar.month * 100 + calendar.day;
  return calendar.year - year - (todayDay < birthDay ? 1 : 0);
}
