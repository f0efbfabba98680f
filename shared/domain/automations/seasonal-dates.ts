/**
 * Named dates jewellers sell around, per country (the tenant's `country` setting). Each entry is a rule computed for
 * a year, never a stored list, so there is no table to extend every January.
 *
 * | date            | AU, NZ                  | GB, IE                                   | US                  | CA                  |
 * |-----------------|-------------------------|------------------------------------------|---------------------|---------------------|
 * | valentines_day  | 14 Feb                  | 14 Feb                                   | 14 Feb              | 14 Feb              |
 * | mothers_day     | 2nd Sunday of May       | Mothering Sunday: Easter Sunday − 21 days | 2nd Sunday of May   | 2nd Sunday of May   |
 * | fathers_day     | 1st Sunday of September | 3rd Sunday of June                       | 3rd Sunday of June  | 3rd Sunday of June  |
 * | black_friday    | day after the 4th Thursday of November (the US date; retailers everywhere in the table follow it)    |
 * | christmas       | 25 Dec                  | 25 Dec                                   | 25 Dec              | 25 Dec              |
 * | boxing_day      | 26 Dec                  | 26 Dec                                   | —                   | 26 Dec              |
 *
 * Boxing Day is a public holiday and the biggest sale day of the year in AU, NZ, GB, IE and CA; the US does not keep
 * it, so it has no date there (an automation for it is refused for a US tenant rather than firing on an arbitrary day).
 * A country outside the table has no seasonal dates at all, for the same reason.
 */

export const SEASONAL_DATES = ['valentines_day', 'mothers_day', 'fathers_day', 'black_friday', 'christmas', 'boxing_day'] as const;
export type SeasonalDate = (typeof SEASONAL_DATES)[number];

export const SEASONAL_COUNTRIES = ['AU', 'NZ', 'GB', 'IE', 'US', 'CA'] as const;
export type SeasonalCountry = (typeof SEASONAL_COUNTRIES)[number];

export const SEASONAL_DATE_LABELS: Readonly<Record<SeasonalDate, string>> = {
  valentines_day: "Valentine's Day",
  mothers_day: "Mother's Day",
  fathers_day: "Father's Day",
  black_friday: 'Black Friday',
  christmas: 'Christmas Day',
  boxing_day: 'Boxing Day',
};

const iso = (year: number, month: number, day: number) =>
  `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

/** Easter Sunday (Gregorian), by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return iso(year, month, day);
}

/** The nth (1-based) given weekday (0 = Sunday … 6 = Saturday) of a month. */
export function nthWeekdayOfMonth(year: number, month: number, weekday: number, n: number): string {
  const firstWeekday = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  const firstMatch = 1 + ((weekday - firstWeekday + 7) % 7);
  return iso(year, month, firstMatch + (n - 1) * 7);
}

function plusDays(date: string, days: number): string {
  const ms = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

const SUNDAY = 0;
const THURSDAY = 4;

type Rule = (year: number) => string;
const fixed = (month: number, day: number): Rule => (year) => iso(year, month, day);
const nth = (month: number, weekday: number, n: number): Rule => (year) => nthWeekdayOfMonth(year, month, weekday, n);

const secondSundayOfMay = nth(5, SUNDAY, 2);
const mothering: Rule = (year) => plusDays(easterSunday(year), -21);
const firstSundayOfSeptember = nth(9, SUNDAY, 1);
const thirdSundayOfJune = nth(6, SUNDAY, 3);
const blackFriday: Rule = (year) => plusDays(nthWeekdayOfMonth(year, 11, THURSDAY, 4), 1);

const commonwealth = { boxing_day: fixed(12, 26) };
const everywhere = { valentines_day: fixed(2, 14), black_friday: blackFriday, christmas: fixed(12, 25) };

const TABLE: Readonly<Record<SeasonalCountry, Partial<Record<SeasonalDate, Rule>>>> = {
  AU: { ...everywhere, ...commonwealth, mothers_day: secondSundayOfMay, fathers_day: firstSundayOfSeptember },
  NZ: { ...everywhere, ...commonwealth, mothers_day: secondSundayOfMay, fathers_day: firstSundayOfSeptember },
  GB: { ...everywhere, ...commonwealth, mothers_day: mothering, fathers_day: thirdSundayOfJune },
  IE: { ...everywhere, ...commonwealth, mothers_day: mothering, fathers_day: thirdSundayOfJune },
  US: { ...everywhere, mothers_day: secondSundayOfMay, fathers_day: thirdSundayOfJune },
  CA: { ...everywhere, ...commonwealth, mothers_day: secondSundayOfMay, fathers_day: thirdSundayOfJune },
};

const isSeasonalCountry = (country: string): country is SeasonalCountry =>
  (SEASONAL_COUNTRIES as readonly string[]).includes(country.toUpperCase());

/** The day (`YYYY-MM-DD`) a named date falls on in a country and year, or undefined when the country does not keep it. */
export function seasonalDate(name: SeasonalDate, country: string, year: number): string | undefined {
  const upper = country.toUpperCase();
  if (!isSeasonalCountry(upper)) return undefined;
  return TABLE[upper][name]?.(year);
}

/** Whether a country keeps a named date (the API refuses a seasonal automation the tenant's country has no date for). */
export const isSeasonalDateKept = (name: SeasonalDate, country: string): boolean => seasonalDate(name, country, 2000) !== undefined;
