import { Drop } from 'liquidjs';

/**
 * Date-like merge values. Liquid prints a value through `valueOf()`, so `{{ customer.birthday }}` reads "14 March"
 * in the tenant's locale, while the `date` filter (./filters.ts) sees the calendar day behind it and formats that.
 * Calendar days carry no time zone: a wedding on 14 March is 14 March everywhere.
 */

const UTC = 'UTC';

function formatDay(day: string, locale: string, options: Intl.DateTimeFormatOptions): string {
  return new Intl.DateTimeFormat(locale, { ...options, timeZone: UTC }).format(new Date(`${day}T12:00:00Z`));
}

/** A full calendar day (`YYYY-MM-DD`): wedding date, customer since, last purchase (in the tenant's time zone). */
export class CalendarDayValue extends Drop {
  constructor(
    readonly day: string,
    private readonly locale: string,
  ) {
    super();
  }

  override valueOf(): string {
    return formatDay(this.day, this.locale, { day: 'numeric', month: 'long', year: 'numeric' });
  }

  override toString(): string {
    return this.valueOf();
  }
}

/**
 * A month and day with an optional year (birthday, anniversary). Printed without a year; the `date` filter formats its
 * next occurrence (today or later in the tenant's calendar), so `%A` is the weekday it falls on this time round.
 */
export class MonthDayValue extends Drop {
  constructor(
    readonly month: number,
    readonly dayOfMonth: number,
    readonly year: number | undefined,
    /** `YYYY-MM-DD` of the next occurrence; 29 February falls on 28 February in other years. */
    readonly nextOccurrence: string,
    private readonly locale: string,
  ) {
    super();
  }

  override valueOf(): string {
    return formatDay(this.nextOccurrence, this.locale, { day: 'numeric', month: 'long' });
  }

  override toString(): string {
    return this.valueOf();
  }
}

const pad = (n: number) => String(n).padStart(2, '0');
const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

function dayIn(year: number, month: number, day: number): string {
  const actualDay = month === 2 && day === 29 && !isLeapYear(year) ? 28 : day;
  return `${year}-${pad(month)}-${pad(actualDay)}`;
}

/** The next date (today included) a month-day falls on, from `today` (`YYYY-MM-DD` in the tenant's time zone). */
export function nextOccurrence(month: number, day: number, today: string): string {
  const year = Number(today.slice(0, 4));
  const thisYear = dayIn(year, month, day);
  return thisYear >= today ? thisYear : dayIn(year + 1, month, day);
}
