import { filters as builtinFilters, toValue } from 'liquidjs';
import { CalendarDayValue, MonthDayValue } from './merge-values';
import { formatMoney, type TenantFormat } from './tenant-format';

/**
 * The filters Facet adds to Liquid's own (`default`, `upcase`, `append`, ... stay as Liquid defines them).
 *
 * `date` replaces Liquid's: calendar days (merge values, `YYYY-MM-DD` strings) are formatted as the day they name,
 * whatever the time zone, and instants (`"now"`, ISO timestamps) in the tenant's time zone. Liquid's own filter would
 * read `2024-03-14` as midnight UTC and print 13 March for a tenant in New York. Month and weekday names follow the
 * tenant's locale. Format directives are Liquid's strftime ones (`%d %B %Y`, `%-d`, `%A`, `%H:%M`, ...).
 *
 * `money` prints minor units in the tenant's currency and locale: `{{ customer.total_spent | money }}` -> `$1,234.50`.
 */

type BuiltinDate = (this: unknown, value: unknown, format?: unknown, timeZone?: unknown) => unknown;
const liquidDate = builtinFilters.date as BuiltinDate;

const CALENDAR_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar day as an instant Liquid formats to that same day in UTC. */
const noonUtc = (day: string) => `${day}T12:00:00Z`;

function calendarDayOf(value: unknown): string | undefined {
  if (value instanceof CalendarDayValue) return value.day;
  if (value instanceof MonthDayValue) return value.nextOccurrence;
  if (typeof value === 'string' && CALENDAR_DAY.test(value)) return value;
  return undefined;
}

export function dateFilter(format: TenantFormat) {
  return function date(this: unknown, value: unknown, pattern?: unknown): unknown {
    const day = calendarDayOf(value);
    if (day !== undefined) return liquidDate.call(this, noonUtc(day), pattern, 'UTC');
    return liquidDate.call(this, toValue(value), pattern, format.timeZone);
  };
}

export function moneyFilter(format: TenantFormat) {
  return function money(this: unknown, value: unknown): unknown {
    const raw = toValue(value);
    const minorUnits = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
    if (typeof minorUnits !== 'number' || !Number.isFinite(minorUnits)) return raw;
    return formatMoney(minorUnits, format);
  };
}
