import { IANAZone } from 'luxon';

/**
 * Wall-clock time in a named time zone, and its mapping to instants. Pure: no clock, no I/O.
 *
 * A wall time can name no instant (skipped by a spring-forward transition), one, or two (repeated by a fall-back
 * transition). Schedules need to tell those apart, which luxon's `DateTime.fromObject` does not do (it picks one
 * offset by a heuristic that differs between zones), so the candidates are computed here from the zone's offsets.
 */
export interface WallTime {
  readonly year: number;
  /** 1-12 */
  readonly month: number;
  /** 1-31 */
  readonly day: number;
  /** 0-23 */
  readonly hour: number;
  /** 0-59 */
  readonly minute: number;
  /** 0-59 */
  readonly second: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export function isValidTimeZone(timeZone: string): boolean {
  return IANAZone.isValidZone(timeZone);
}

function zoneOf(timeZone: string): IANAZone {
  const zone = IANAZone.create(timeZone);
  if (!zone.isValid) throw new Error(`Unknown time zone ${timeZone}`);
  return zone;
}

/** The wall time as if it were UTC, in epoch milliseconds: the starting point of every offset computation. */
function wallAsUtcMs(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

/**
 * Every instant whose local time in `timeZone` is `wall`, earliest first: none in a spring-forward gap, two in a
 * fall-back overlap, otherwise one.
 */
export function instantsOfWallTime(wall: WallTime, timeZone: string): Date[] {
  const zone = zoneOf(timeZone);
  const naive = wallAsUtcMs(wall);
  // Offsets in force within a day either side cover any transition that can touch this wall time.
  const offsets = new Set([zone.offset(naive - DAY_MS), zone.offset(naive), zone.offset(naive + DAY_MS)]);
  const instants: number[] = [];
  for (const offsetMinutes of offsets) {
    const candidate = naive - offsetMinutes * MINUTE_MS;
    if (zone.offset(candidate) === offsetMinutes) instants.push(candidate);
  }
  return [...new Set(instants)].sort((a, b) => a - b).map((ms) => new Date(ms));
}

/**
 * The instant a one-time schedule means by `wall`: the earlier one when the wall time is repeated, and, when it was
 * skipped, the instant the wall time would have had under the offset in force before the transition (02:30 on a
 * spring-forward night where clocks jump from 02:00 to 03:00 becomes 03:30), the usual reading of a nonexistent time.
 */
export function resolveWallTime(wall: WallTime, timeZone: string): Date {
  const [earliest] = instantsOfWallTime(wall, timeZone);
  if (earliest) return earliest;
  const zone = zoneOf(timeZone);
  const naive = wallAsUtcMs(wall);
  const offsetBefore = zone.offset(naive - DAY_MS);
  return new Date(naive - offsetBefore * MINUTE_MS);
}

/** The local wall time of an instant in a time zone. */
export function wallTimeOf(instant: Date, timeZone: string): WallTime {
  const zone = zoneOf(timeZone);
  const local = new Date(instant.getTime() + zone.offset(instant.getTime()) * MINUTE_MS);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
  };
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Day of week of a calendar date, in the cron convention: 1 = Sunday ... 7 = Saturday. */
export function cronDayOfWeek(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

export function isValidCalendarDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}
