import { DateTime } from 'luxon';
import type { Random } from './prng';

/**
 * "Now" for the demo book: every date is an offset from the anchor (the day the stack first started), taken in the
 * tenant's time zone, so a book seeded today has birthdays today and an appointment tomorrow.
 *
 * Calendar days are resolved once each (time-zone arithmetic is the slow part of generating ten thousand records):
 * a day knows its date and its UTC offset at noon, which holds for shop hours (DST switches at 2 or 3 am).
 */
export interface DemoDay {
  iso: string;
  year: number;
  month: number;
  day: number;
  offsetMinutes: number;
}

export interface DemoClock {
  zone: string;
  /** Start of the anchor day in the tenant's time zone. */
  today: DateTime;
  anchorMs: number;
  days: Map<number, DemoDay>;
}

export function demoClock(anchor: Date, zone: string): DemoClock {
  const local = DateTime.fromJSDate(anchor, { zone });
  if (!local.isValid) throw new Error(`Invalid anchor or time zone ${zone}`);
  return { zone, today: local.startOf('day'), anchorMs: anchor.getTime(), days: new Map() };
}

/** The day `days` after (negative: before) the anchor day, in the tenant's time zone. */
export function dayOffset(clock: DemoClock, days: number): DemoDay {
  let day = clock.days.get(days);
  if (!day) {
    const noon = clock.today.plus({ days }).set({ hour: 12 });
    day = { iso: noon.toISODate()!, year: noon.year, month: noon.month, day: noon.day, offsetMinutes: noon.offset };
    clock.days.set(days, day);
  }
  return day;
}

/** ISO UTC instant of a local time on a day. */
export const instantAt = (day: DemoDay, hour: number, minute = 0) =>
  new Date(Date.UTC(day.year, day.month - 1, day.day, hour, minute) - day.offsetMinutes * 60_000).toISOString();

/** A shop-hours instant (9:00 to 17:45 local) on a day. */
export function shopHoursOn(random: Random, day: DemoDay): string {
  return instantAt(day, random.int(9, 17), random.pick([0, 15, 30, 45]));
}

/** A shop-hours instant between `minDaysAgo` and `maxDaysAgo` days before the anchor day (so never in the future). */
export function pastShopInstant(random: Random, clock: DemoClock, minDaysAgo: number, maxDaysAgo: number): string {
  return shopHoursOn(random, dayOffset(clock, -random.int(Math.max(1, minDaysAgo), Math.max(1, maxDaysAgo))));
}

/** An instant, capped at a minute before the anchor (records never happen after "now"). */
export function notAfterAnchor(clock: DemoClock, instant: string): string {
  const cap = clock.anchorMs - 60_000;
  return Date.parse(instant) > cap ? new Date(cap).toISOString() : instant;
}

export const plusDays = (instant: string, days: number) => new Date(Date.parse(instant) + days * 86_400_000).toISOString();
