import { filters as builtinFilters, toValue } from 'liquidjs';
import { CalendarDayValue, MonthDayValue } from './merge-values';
import { formatMoney, type TenantFormat } from './tenant-format';

/**
 * The filters Facet adds to Liquid's own (`default`, `upcase`, `append`, ... stay as Liquid defines them).
 *
 * `date` replaces Liquid's: calendar days (merge values, `YYYY-MM-DD` strings) are formatted as the day they name,
 * whatever the time zone, and instants (`"now"`, ISO timestamps) in the tenant's time zone. Liquid's own filter would
 * read `2024-03-14` as midnight UTC and print 13 March for a tenant in New York. Month and weekday names follow the
 * tenant's locale. Format directives are Liquid's strftime ones (`%d %B %Y`, `%-d`, `%A`, `%H:%M`, ...); without a format the
 * day prints as a merge value prints it (`14 March 2026`).
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

/** `14 March 2026` (en-AU), `March 14, 2026` (en-US): how a merge value prints a calendar day on its own. */
const longDay = (day: string, locale: string) =>
  new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(noonUtc(day)));

export function dateFilter(format: TenantFormat) {
  return function date(this: unknown, value: unknown, pattern?: unknown): unknown {
    // Without a format Liquid would print "Friday, October 2, 2015 at 12:00 pm +0000": a time the value never had and
    // an offset that is not the tenant's. Without one, the day prints as the merge value itself does.
    const withoutPattern = pattern === undefined || pattern === null || pattern === '';
    const day = calendarDayOf(value);
    if (day !== undefined) return withoutPattern ? longDay(day, format.locale) : liquidDate.call(this, noonUtc(day), pattern, 'UTC');
    if (!withoutPattern) return liquidDate.call(this, toValue(value), pattern, format.timeZone);
    const tenantDay = liquidDate.call(this, toValue(value), '%Y-%m-%d', format.timeZone);
    return typeof tenantDay === 'string' && CALENDAR_DAY.test(tenantDay) ? longDay(tenantDay, format.locale) : tenantDay;
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
