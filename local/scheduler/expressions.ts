import { CronSyntaxError, dayMatches, LAST_CRON_YEAR, parseCronFields, type CronFields } from './cron';
import {
  daysInMonth,
  instantsOfWallTime,
  isValidCalendarDate,
  resolveWallTime,
  wallTimeOf,
  type WallTime,
} from './wall-clock';

/**
 * EventBridge Scheduler schedule expressions, `at(...)`, `rate(...)` and `cron(...)`, and when they occur.
 * Pure functions over plain data: no clock (the caller passes "from"), no I/O.
 *
 * Semantics, as the Scheduler documents them:
 * - `at(yyyy-mm-ddThh:mm:ss)` is a wall time in the schedule's time zone; StartDate and EndDate are ignored. A wall
 *   time repeated by a fall-back transition means its first instant; one skipped by spring-forward is read with the
 *   offset before the jump (see resolveWallTime).
 * - `rate(n unit)` occurs every n minutes/hours/days of elapsed time (a day is 24 hours, also across DST), the first
 *   time at StartDate or, without one, when the schedule was created or last updated (the anchor).
 * - `cron(...)` matches wall-clock minutes in the time zone. A wall time skipped by spring-forward does not occur;
 *   one repeated by fall-back occurs once (at its first instant). Occurrences lie within [StartDate, EndDate].
 */
export type ScheduleExpression = AtExpression | RateExpression | CronExpression;

export interface AtExpression {
  readonly kind: 'at';
  readonly wallTime: WallTime;
}

export type RateUnit = 'minute' | 'minutes' | 'hour' | 'hours' | 'day' | 'days';

export interface RateExpression {
  readonly kind: 'rate';
  readonly value: number;
  readonly unit: RateUnit;
  readonly periodMs: number;
}

export interface CronExpression {
  readonly kind: 'cron';
  readonly fields: CronFields;
}

export type ParsedExpression = { ok: true; expression: ScheduleExpression } | { ok: false; reason: string };

const UNIT_MS: Record<RateUnit, number> = {
  minute: 60_000,
  minutes: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
};

function parseAt(body: string): ParsedExpression {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (!match) return { ok: false, reason: 'at() takes yyyy-mm-ddThh:mm:ss' };
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!isValidCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) {
    return { ok: false, reason: `at(${body}) is not a valid date and time` };
  }
  return { ok: true, expression: { kind: 'at', wallTime: { year, month, day, hour, minute, second } } };
}

function parseRate(body: string): ParsedExpression {
  const match = /^(\d+) (minutes?|hours?|days?)$/.exec(body);
  if (!match?.[1] || !match[2]) {
    return { ok: false, reason: 'rate() takes a positive integer and minute(s), hour(s) or day(s)' };
  }
  const value = Number(match[1]);
  const unit = match[2] as RateUnit;
  if (value < 1) return { ok: false, reason: 'rate() value must be a positive integer' };
  // Singular with 1, plural otherwise: rate(1 hours) and rate(5 hour) are refused by EventBridge.
  if ((value === 1) !== !unit.endsWith('s')) {
    return { ok: false, reason: `rate(${body}): use the singular unit with 1 and the plural otherwise` };
  }
  return { ok: true, expression: { kind: 'rate', value, unit, periodMs: value * UNIT_MS[unit] } };
}

function parseCron(body: string): ParsedExpression {
  try {
    return { ok: true, expression: { kind: 'cron', fields: parseCronFields(body) } };
  } catch (error) {
    if (error instanceof CronSyntaxError) return { ok: false, reason: `cron(${body}): ${error.message}` };
    throw error;
  }
}

export function parseScheduleExpression(text: string): ParsedExpression {
  const match = /^(at|rate|cron)\((.*)\)$/.exec(text.trim());
  if (!match?.[1] || match[2] === undefined) {
    return { ok: false, reason: 'expected at(...), rate(...) or cron(...)' };
  }
  const body = match[2];
  switch (match[1]) {
    case 'at':
      return parseAt(body);
    case 'rate':
      return parseRate(body);
    default:
      return parseCron(body);
  }
}

export function isRecurring(expression: ScheduleExpression): boolean {
  return expression.kind !== 'at';
}

/** What, besides the expression, decides when a schedule occurs. */
export interface ScheduleTiming {
  /** IANA time zone the expression is evaluated in (UTC when the schedule names none). */
  readonly timeZone: string;
  readonly startDate?: Date;
  readonly endDate?: Date;
  /** When the schedule got its current expression: the first rate() occurrence when there is no StartDate. */
  readonly rateAnchor: Date;
}

/** The instant a one-time schedule is due. */
export function atInstant(expression: AtExpression, timeZone: string): Date {
  return resolveWallTime(expression.wallTime, timeZone);
}

function rateOccurrence(expression: RateExpression, from: Date, timing: ScheduleTiming): Date | undefined {
  const anchor = (timing.startDate ?? timing.rateAnchor).getTime();
  const periods = Math.max(0, Math.ceil((from.getTime() - anchor) / expression.periodMs));
  const occurrence = new Date(anchor + periods * expression.periodMs);
  return timing.endDate && occurrence > timing.endDate ? undefined : occurrence;
}

/** The first matching wall-clock minute whose (first) instant is at or after `from`. */
function cronOccurrence(fields: CronFields, from: Date, timing: ScheduleTiming): Date | undefined {
  const fromMs = from.getTime();
  const start = wallTimeOf(from, timing.timeZone);
  // Instants grow with wall time (a repeated wall time counting at its first instant), so the search starts at the
  // wall time of `from` and the first candidate at or after `from` is the answer.
  for (let year = start.year; year <= LAST_CRON_YEAR; year += 1) {
    if (!fields.years.has(year)) continue;
    const firstYear = year === start.year;
    for (let month = firstYear ? start.month : 1; month <= 12; month += 1) {
      if (!fields.months.has(month)) continue;
      const firstMonth = firstYear && month === start.month;
      for (let day = firstMonth ? start.day : 1; day <= daysInMonth(year, month); day += 1) {
        if (!dayMatches(fields.day, year, month, day)) continue;
        const firstDay = firstMonth && day === start.day;
        for (const hour of fields.hours) {
          if (firstDay && hour < start.hour) continue;
          const firstHour = firstDay && hour === start.hour;
          for (const minute of fields.minutes) {
            if (firstHour && minute < start.minute) continue;
            const [instant] = instantsOfWallTime({ year, month, day, hour, minute, second: 0 }, timing.timeZone);
            if (!instant || instant.getTime() < fromMs) continue;
            if (timing.endDate && instant > timing.endDate) return undefined;
            return instant;
          }
        }
      }
    }
  }
  return undefined;
}

/**
 * The first occurrence of a schedule at or after `from`, or undefined when there is none (a past at(), an EndDate
 * reached, a cron whose years have all passed). StartDate and EndDate apply to recurring expressions only.
 */
export function occurrenceOnOrAfter(expression: ScheduleExpression, from: Date, timing: ScheduleTiming): Date | undefined {
  switch (expression.kind) {
    case 'at': {
      const due = atInstant(expression, timing.timeZone);
      return due >= from ? due : undefined;
    }
    case 'rate':
      return rateOccurrence(expression, from, timing);
    case 'cron': {
      const lowerBound = timing.startDate && timing.startDate > from ? timing.startDate : from;
      return cronOccurrence(expression.fields, lowerBound, timing);
    }
  }
}

/** The next occurrence strictly after `previous`. */
export function occurrenceAfter(expression: ScheduleExpression, previous: Date, timing: ScheduleTiming): Date | undefined {
  return occurrenceOnOrAfter(expression, new Date(previous.getTime() + 1), timing);
}
