/**
 * A campaign's send time is a wall-clock time in a time zone ("10:00 on 14 February in Sydney"), which is also how
 * EventBridge Scheduler takes it: `at(yyyy-mm-ddThh:mm:ss)` plus `ScheduleExpressionTimezone`, so the jeweller's
 * intent survives a DST change between scheduling and sending. The instant is derived only for checks and display.
 */
import { DateTime } from 'luxon';

/** `2025-02-14T10:00` or `2025-02-14T10:00:00`: a local date and time, without offset. */
export const LOCAL_DATE_TIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** The wall time with seconds (`2025-02-14T10:00:00`), or undefined when it is not a real calendar date and time. */
export function normaliseLocalDateTime(value: string): string | undefined {
  const match = LOCAL_DATE_TIME_PATTERN.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second = '00'] = match;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  const parsed = DateTime.fromObject(
    { year: Number(year), month: Number(month), day: Number(day), hour: Number(hour), minute: Number(minute), second: Number(second) },
    { zone: 'UTC' },
  );
  if (!parsed.isValid) return undefined;
  return `${year}-${month}-${day}T${hour}:${minute}:${second}`;
}

/**
 * The instant a wall time names in a zone. A time skipped by a spring-forward jump is read with the offset before the
 * jump (02:30 on a night that jumps from 02:00 to 03:00 is 03:30), as EventBridge Scheduler fires it; a time repeated
 * by a fall-back transition is its first occurrence.
 */
export function instantOf(localDateTime: string, timeZone: string): Date {
  const local = DateTime.fromISO(localDateTime, { zone: timeZone });
  if (!local.isValid) throw new RangeError(`Invalid local time ${localDateTime} in ${timeZone}`);
  return local.toJSDate();
}

/** The Scheduler expression of a one-time schedule at a wall time (the zone travels separately). */
export const atExpression = (localDateTime: string) => `at(${localDateTime})`;
