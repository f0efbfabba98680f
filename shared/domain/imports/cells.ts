import { DateTime } from 'luxon';

/**
 * Readers that turn one CSV cell (always text) into the value the API schema expects. They convert what a spreadsheet
 * writes (a decimal price, `yes`, `12-25`); they do not validate beyond that, so the API's own zod schema stays the one
 * judge of a value and its message is the one reported.
 */
export interface CellContext {
  /** Tenant time zone: a date without a time means midday of that day there. */
  timeZone: string;
  /** Tenant currency: decimal prices become minor units with its number of decimals. */
  currency: string;
}

export type CellResult = { value: unknown } | { error: string };
export type CellReader = (cell: string, context: CellContext) => CellResult;

const ok = (value: unknown): CellResult => ({ value });

export const text: CellReader = (cell) => ok(cell.trim());

export const integer: CellReader = (cell) => {
  const value = cell.trim();
  return /^[+-]?\d+$/.test(value) ? ok(Number(value)) : { error: 'Enter a whole number' };
};

const TRUE = new Set(['yes', 'y', 'true', '1', 'granted', 'opt-in', 'opted in']);
const FALSE = new Set(['no', 'n', 'false', '0', 'withdrawn', 'opt-out', 'opted out']);

export const boolean: CellReader = (cell) => {
  const value = cell.trim().toLowerCase();
  if (TRUE.has(value)) return ok(true);
  if (FALSE.has(value)) return ok(false);
  return { error: 'Enter yes or no' };
};

export const consentStatus: CellReader = (cell, context) => {
  const read = boolean(cell, context);
  if ('error' in read) return { error: 'Enter granted or withdrawn (or yes / no)' };
  return ok(read.value ? 'granted' : 'withdrawn');
};

/** `gold; VIP | wedding` → `['gold', 'VIP', 'wedding']`: semicolons or bars, since commas separate the columns. */
export const list: CellReader = (cell) =>
  ok(
    cell
      .split(/[;|]/)
      .map((part) => part.trim())
      .filter((part) => part !== ''),
  );

/** Birthday or anniversary: `MM-DD` (no year) or `YYYY-MM-DD`. */
export const monthDay: CellReader = (cell) => {
  const value = cell.trim();
  const short = /^(?:--)?(\d{1,2})-(\d{1,2})$/.exec(value);
  if (short) return ok({ month: Number(short[1]), day: Number(short[2]) });
  const full = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  if (full) return ok({ year: Number(full[1]), month: Number(full[2]), day: Number(full[3]) });
  return { error: 'Enter MM-DD, or YYYY-MM-DD when the year is known' };
};

function minorUnitDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * A price as the POS exports it, in the currency's main unit: `1250`, `1250.5`, `1,250.00`, `$1250.00` → 125000 cents.
 * (JSON imports use the API's integer minor units instead.)
 */
export const money: CellReader = (cell, context) => {
  const value = cell.trim().replace(/^[^\d+-]+/, '').replace(/,/g, '');
  const digits = minorUnitDigits(context.currency);
  const match = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(value);
  if (!match) return { error: `Enter an amount such as 1250.00 (${context.currency})` };
  const fraction = match[3] ?? '';
  if (fraction.length > digits) return { error: `Use at most ${digits} decimals for ${context.currency}` };
  const minor = Number(match[2]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  return ok(match[1] === '-' ? -minor : minor);
};

/**
 * A moment: an ISO date-time with an offset is kept; one without an offset (`2019-05-03 14:30`) is read in the tenant's
 * time zone; a bare date (`2019-05-03`) means midday of that day there, so it stays on that day in every report.
 */
export const instant: CellReader = (cell, context) => {
  const value = cell.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = DateTime.fromISO(value, { zone: context.timeZone }).set({ hour: 12 });
    return day.isValid ? ok(day.toUTC().toISO()) : { error: 'Enter a real date (YYYY-MM-DD)' };
  }
  if (/(Z|[+-]\d{2}:?\d{2})$/i.test(value)) return ok(value);
  const local = DateTime.fromISO(value.replace(' ', 'T'), { zone: context.timeZone });
  return local.isValid ? ok(local.toUTC().toISO()) : { error: 'Enter a date (YYYY-MM-DD) or a date and time (YYYY-MM-DD HH:mm)' };
};

/** A calendar day; the API schema checks the form. */
export const date: CellReader = text;
