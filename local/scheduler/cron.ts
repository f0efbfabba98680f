import { cronDayOfWeek, daysInMonth } from './wall-clock';

/**
 * EventBridge cron fields: `minutes hours day-of-month month day-of-week year`, parsed into sets and day rules.
 * Pure. Supported per field (the EventBridge table):
 *   minutes 0-59, hours 0-23, month 1-12 | JAN-DEC, year 1970-2199: `*`, `n`, `a-b`, lists `,`, steps `/`;
 *   day-of-month 1-31: the same plus `?`, `L` (last day), `LW` (last weekday), `nW` (weekday nearest to n);
 *   day-of-week 1-7 | SUN-SAT (1 = Sunday): `*`, `n`, `a-b`, lists, `?`, `L` (= Saturday), `nL` (last n-day of the
 *   month), `n#k` (k-th n-day of the month). Exactly one of day-of-month and day-of-week is `?`.
 * Not supported (rejected as invalid rather than guessed): ranges that wrap (`FRI-MON`, `22-2`), `L-n` offsets,
 * `L`/`W`/`#` mixed into a list, `/` in day-of-week.
 */
export type DayRule =
  | { readonly kind: 'daysOfMonth'; readonly days: ReadonlySet<number> }
  | { readonly kind: 'lastDayOfMonth' }
  | { readonly kind: 'lastWeekdayOfMonth' }
  | { readonly kind: 'nearestWeekday'; readonly day: number }
  | { readonly kind: 'daysOfWeek'; readonly days: ReadonlySet<number> }
  | { readonly kind: 'lastDayOfWeekInMonth'; readonly dayOfWeek: number }
  | { readonly kind: 'nthDayOfWeekInMonth'; readonly dayOfWeek: number; readonly nth: number };

export interface CronFields {
  /** Ascending. */
  readonly minutes: readonly number[];
  /** Ascending. */
  readonly hours: readonly number[];
  readonly months: ReadonlySet<number>;
  readonly years: ReadonlySet<number>;
  readonly day: DayRule;
}

export class CronSyntaxError extends Error {}

interface FieldRange {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const MINUTES: FieldRange = { name: 'minutes', min: 0, max: 59 };
const HOURS: FieldRange = { name: 'hours', min: 0, max: 23 };
const DAY_OF_MONTH: FieldRange = { name: 'day-of-month', min: 1, max: 31 };
const MONTH: FieldRange = {
  name: 'month',
  min: 1,
  max: 12,
  names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
};
const DAY_OF_WEEK: FieldRange = {
  name: 'day-of-week',
  min: 1,
  max: 7,
  names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
};
export const FIRST_CRON_YEAR = 1970;
export const LAST_CRON_YEAR = 2199;
const YEAR: FieldRange = { name: 'year', min: FIRST_CRON_YEAR, max: LAST_CRON_YEAR };

function parseValue(text: string, range: FieldRange): number {
  const byName = range.names?.indexOf(text.toUpperCase()) ?? -1;
  if (byName >= 0) return range.min + byName;
  if (!/^\d+$/.test(text)) throw new CronSyntaxError(`${range.name}: '${text}' is not a value`);
  const value = Number(text);
  if (value < range.min || value > range.max) {
    throw new CronSyntaxError(`${range.name}: ${value} is outside ${range.min}-${range.max}`);
  }
  return value;
}

/** One list element: `*`, `n`, `a-b`, optionally followed by `/step`. */
function expandElement(element: string, range: FieldRange, allowStep: boolean): number[] {
  const [base = '', stepText, ...extra] = element.split('/');
  if (extra.length > 0) throw new CronSyntaxError(`${range.name}: '${element}' has more than one '/'`);
  if (stepText !== undefined && !allowStep) throw new CronSyntaxError(`${range.name}: '/' is not allowed`);
  let from: number;
  let to: number;
  if (base === '*') {
    from = range.min;
    to = range.max;
  } else if (base.includes('-')) {
    const [fromText = '', toText = '', ...more] = base.split('-');
    if (more.length > 0) throw new CronSyntaxError(`${range.name}: '${base}' is not a range`);
    from = parseValue(fromText, range);
    to = parseValue(toText, range);
    if (from > to) throw new CronSyntaxError(`${range.name}: wrapping range '${base}' is not supported`);
  } else {
    from = parseValue(base, range);
    // `n/step` runs from n to the end of the field's range.
    to = stepText === undefined ? from : range.max;
  }
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText) || Number(stepText) < 1) {
      throw new CronSyntaxError(`${range.name}: step '${stepText}' must be a positive integer`);
    }
    step = Number(stepText);
  }
  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return values;
}

function expandList(field: string, range: FieldRange, allowStep = true): number[] {
  if (field === '') throw new CronSyntaxError(`${range.name}: empty field`);
  const values = new Set<number>();
  for (const element of field.split(',')) {
    for (const value of expandElement(element, range, allowStep)) values.add(value);
  }
  return [...values].sort((a, b) => a - b);
}

function parseDayOfMonth(field: string): DayRule {
  const upper = field.toUpperCase();
  if (upper === 'L') return { kind: 'lastDayOfMonth' };
  if (upper === 'LW') return { kind: 'lastWeekdayOfMonth' };
  const nearest = /^(\d+)W$/.exec(upper);
  if (nearest?.[1] !== undefined) return { kind: 'nearestWeekday', day: parseValue(nearest[1], DAY_OF_MONTH) };
  if (/[LW#]/.test(upper)) throw new CronSyntaxError(`day-of-month: '${field}' is not supported`);
  return { kind: 'daysOfMonth', days: new Set(expandList(field, DAY_OF_MONTH)) };
}

function parseDayOfWeek(field: string): DayRule {
  const upper = field.toUpperCase();
  // Alone, L in day-of-week is the last day of the week: Saturday.
  if (upper === 'L') return { kind: 'daysOfWeek', days: new Set([7]) };
  const last = /^([A-Z]+|\d+)L$/.exec(upper);
  if (last?.[1] !== undefined) return { kind: 'lastDayOfWeekInMonth', dayOfWeek: parseValue(last[1], DAY_OF_WEEK) };
  const nth = /^([A-Z]+|\d+)#(\d+)$/.exec(upper);
  if (nth?.[1] !== undefined && nth[2] !== undefined) {
    const occurrence = Number(nth[2]);
    if (occurrence < 1 || occurrence > 5) throw new CronSyntaxError(`day-of-week: '#${nth[2]}' must be 1-5`);
    return { kind: 'nthDayOfWeekInMonth', dayOfWeek: parseValue(nth[1], DAY_OF_WEEK), nth: occurrence };
  }
  // No day name contains L or #, so any left here are the unsupported forms (in a list, or L-n).
  if (/[L#]/.test(upper)) throw new CronSyntaxError(`day-of-week: '${field}' is not supported`);
  return { kind: 'daysOfWeek', days: new Set(expandList(field, DAY_OF_WEEK, false)) };
}

/** Parses the six space-separated fields inside `cron(...)`. Throws CronSyntaxError with a readable reason. */
export function parseCronFields(text: string): CronFields {
  const fields = text.trim().split(/\s+/);
  if (fields.length !== 6) throw new CronSyntaxError(`expected 6 fields, got ${fields.length}`);
  const [minutes = '', hours = '', dayOfMonth = '', month = '', dayOfWeek = '', year = ''] = fields;
  const domUnspecified = dayOfMonth === '?';
  const dowUnspecified = dayOfWeek === '?';
  if (domUnspecified === dowUnspecified) {
    throw new CronSyntaxError('exactly one of day-of-month and day-of-week must be ?');
  }
  for (const [field, range] of [
    [minutes, MINUTES],
    [hours, HOURS],
    [month, MONTH],
    [year, YEAR],
  ] as const) {
    if (field.includes('?')) throw new CronSyntaxError(`${range.name}: '?' is only allowed in the day fields`);
  }
  return {
    minutes: expandList(minutes, MINUTES),
    hours: expandList(hours, HOURS),
    months: new Set(expandList(month, MONTH)),
    years: new Set(expandList(year, YEAR)),
    day: domUnspecified ? parseDayOfWeek(dayOfWeek) : parseDayOfMonth(dayOfMonth),
  };
}

function isWeekday(year: number, month: number, day: number): boolean {
  const dow = cronDayOfWeek(year, month, day);
  return dow !== 1 && dow !== 7;
}

/** `nW`: the weekday nearest to day n, never leaving the month. Undefined when the month has no day n. */
function nearestWeekday(year: number, month: number, day: number): number | undefined {
  const lastDay = daysInMonth(year, month);
  if (day > lastDay) return undefined;
  const dow = cronDayOfWeek(year, month, day);
  if (dow === 7) return day === 1 ? 3 : day - 1; // Saturday: Friday before, or Monday after the 1st
  if (dow === 1) return day === lastDay ? day - 2 : day + 1; // Sunday: Monday after, or Friday before the last
  return day;
}

/** Whether a calendar date satisfies the day-of-month / day-of-week rule. */
export function dayMatches(rule: DayRule, year: number, month: number, day: number): boolean {
  switch (rule.kind) {
    case 'daysOfMonth':
      return rule.days.has(day);
    case 'lastDayOfMonth':
      return day === daysInMonth(year, month);
    case 'lastWeekdayOfMonth': {
      let last = daysInMonth(year, month);
      while (!isWeekday(year, month, last)) last -= 1;
      return day === last;
    }
    case 'nearestWeekday':
      return nearestWeekday(year, month, rule.day) === day;
    case 'daysOfWeek':
      return rule.days.has(cronDayOfWeek(year, month, day));
    case 'lastDayOfWeekInMonth':
      return cronDayOfWeek(year, month, day) === rule.dayOfWeek && day + 7 > daysInMonth(year, month);
    case 'nthDayOfWeekInMonth':
      return cronDayOfWeek(year, month, day) === rule.dayOfWeek && Math.ceil(day / 7) === rule.nth;
  }
}
