/**
 * Occurrences of the date-based automations (birthday, anniversary, wedding_anniversary, custom_date, seasonal,
 * reengagement) for one customer, falling due within a runner window [from, to) of instants. Pure: the runner streams
 * the book through the audience with the segment engine and calls this per matching customer; previews call it with
 * the window of one local day.
 *
 * Timing, in the tenant's time zone:
 *  - due: the send hour (local wall time, see ./local-time.ts for DST) on the due day, which is the yearly date minus
 *    `daysBefore` (plus `daysAfter` for custom dates). A 29 February date falls on 28 February in other years.
 *  - valid until the end of the celebrated day (or of the due day, when that is later): a birthday email is never sent
 *    after the birthday.
 *  - reengagement: due on the first day the customer counts as lapsed (the segment engine's `lapsed` leaf: no purchase
 *    on or after the same day N months ago), valid for REENGAGEMENT_VALID_DAYS.
 */
import type { BookCustomer } from '../segments/book-customer';
import { isDateBased, sendHourOf, type Automation, type AutomationOf, type DateBasedType } from './automation-schema';
import {
  addDays,
  addMonths,
  dateInYear,
  endOfLocalDay,
  localDateOf,
  localHourInstant,
  toIso,
  toMs,
  yearOf,
} from './local-time';
import { occurrenceKey, type Occurrence, type OccurrenceSubject, type YearlySource } from './occurrence';
import { SEASONAL_DATE_LABELS, seasonalDate } from './seasonal-dates';

/** How long a re-engagement message stays worth sending after the customer lapsed (a runner outage of days is caught up). */
export const REENGAGEMENT_VALID_DAYS = 14;

export interface TenantClock {
  timeZone: string;
  /** ISO 3166-1 alpha-2: seasonal dates. */
  country: string;
  defaultSendHour: number;
}

export interface InstantWindow {
  /** Inclusive. */
  from: number;
  /** Exclusive. */
  to: number;
}

/** Customers no automation writes to, whatever their consent says. */
export function isUncontactable(customer: Pick<BookCustomer, 'erased' | 'status'>): boolean {
  return customer.erased || customer.status === 'deceased' || customer.status === 'do_not_contact';
}

/** A yearly date of the customer: month, day and (when known) the year it started. */
interface YearlyDate {
  month: number;
  day: number;
  year?: number | undefined;
  source: YearlySource;
}

const LABELS: Readonly<Record<YearlySource, string>> = {
  birthday: 'birthday',
  anniversary: 'anniversary',
  wedding_date: 'wedding anniversary',
  customer_since: 'customer since',
  first_purchase: 'first purchase',
};

const fromIsoDate = (date: string, source: YearlySource): YearlyDate => ({
  month: Number(date.slice(5, 7)),
  day: Number(date.slice(8, 10)),
  year: yearOf(date),
  source,
});

/** The yearly date an attribute of the customer names, if it is set. */
export function yearlyDate(customer: YearlyDateFields, source: YearlySource, timeZone: string): YearlyDate | undefined {
  switch (source) {
    case 'birthday':
    case 'anniversary': {
      const value = customer[source];
      return value && { month: value.month, day: value.day, year: value.year, source };
    }
    case 'wedding_date':
      return customer.weddingDate ? fromIsoDate(customer.weddingDate, source) : undefined;
    case 'customer_since':
      return customer.customerSince ? fromIsoDate(customer.customerSince, source) : undefined;
    case 'first_purchase': {
      const first = customer.agg.firstPurchaseAt;
      return first ? fromIsoDate(localDateOf(first, timeZone), source) : undefined;
    }
  }
}

export type YearlyDateFields = Pick<BookCustomer, 'birthday' | 'anniversary' | 'weddingDate' | 'customerSince'> & {
  agg: Pick<BookCustomer['agg'], 'firstPurchaseAt'>;
};

/** The customer attribute an annual automation celebrates. */
export function yearlySourceOf(automation: AutomationOf<'birthday' | 'anniversary' | 'wedding_anniversary' | 'custom_date'>): YearlySource {
  switch (automation.type) {
    case 'birthday':
      return 'birthday';
    case 'anniversary':
      return 'anniversary';
    case 'wedding_anniversary':
      return 'wedding_date';
    case 'custom_date':
      return automation.timing.field;
  }
}

/** Signed days from the yearly date to the due day (negative: before). */
function offsetDays(automation: AutomationOf<'birthday' | 'anniversary' | 'wedding_anniversary' | 'custom_date' | 'seasonal'>): number {
  const timing = automation.timing as { daysBefore?: number; daysAfter?: number };
  return timing.daysAfter !== undefined ? timing.daysAfter : -(timing.daysBefore ?? 0);
}

function build(
  automation: Automation,
  customer: BookCustomer,
  subject: OccurrenceSubject,
  due: { dueDate: string; dueAt: number; validUntil: number },
  reason: string,
  merge?: Occurrence['merge'],
): Occurrence {
  return {
    occurrenceKey: occurrenceKey(automation.automationId, customer.customerId, automation.type, subject),
    automationId: automation.automationId,
    customerId: customer.customerId,
    type: automation.type,
    dueAt: toIso(due.dueAt),
    dueDate: due.dueDate,
    validUntil: toIso(due.validUntil),
    reason,
    subject,
    ...(merge === undefined ? {} : { merge }),
  };
}

const inWindow = (ms: number, window: InstantWindow) => ms >= window.from && ms < window.to;

/** The calendar years whose yearly dates can fall due in the window (offsets are at most 60 days either way). */
function candidateYears(window: InstantWindow, timeZone: string): number[] {
  const first = yearOf(localDateOf(window.from, timeZone)) - 1;
  const last = yearOf(localDateOf(Math.max(window.from, window.to - 1), timeZone)) + 1;
  const years: number[] = [];
  for (let year = first; year <= last; year += 1) years.push(year);
  return years;
}

function annualOccurrences(
  automation: AutomationOf<'birthday' | 'anniversary' | 'wedding_anniversary' | 'custom_date'>,
  customer: BookCustomer,
  clock: TenantClock,
  window: InstantWindow,
): Occurrence[] {
  const yearly = yearlyDate(customer, yearlySourceOf(automation), clock.timeZone);
  if (!yearly) return [];
  const hour = sendHourOf(automation, clock.defaultSendHour);
  const offset = offsetDays(automation);
  const occurrences: Occurrence[] = [];
  for (const year of candidateYears(window, clock.timeZone)) {
    // The original date itself is not an anniversary (nor a birth a birthday): from its first return on.
    if (yearly.year !== undefined && year <= yearly.year) continue;
    const date = dateInYear(year, yearly.month, yearly.day);
    const dueDate = addDays(date, offset);
    const dueAt = localHourInstant(dueDate, hour, clock.timeZone);
    if (!inWindow(dueAt, window)) continue;
    const validUntil = endOfLocalDay(dueDate > date ? dueDate : date, clock.timeZone);
    const years = yearly.year === undefined || automation.type === 'birthday' ? undefined : year - yearly.year;
    const subject: OccurrenceSubject = { kind: 'annual', source: yearly.source, date, ...(years === undefined ? {} : { years }) };
    const when = offset === 0 ? 'on the day' : offset < 0 ? `${-offset} days before` : `${offset} days after`;
    occurrences.push(
      build(
        automation,
        customer,
        subject,
        { dueDate, dueAt, validUntil },
        `${LABELS[yearly.source]} on ${date}${years === undefined ? '' : ` (${years} years)`}, ${when}`,
        years === undefined ? undefined : { anniversaryYears: years },
      ),
    );
  }
  return occurrences;
}

function seasonalOccurrences(automation: AutomationOf<'seasonal'>, customer: BookCustomer, clock: TenantClock, window: InstantWindow): Occurrence[] {
  const hour = sendHourOf(automation, clock.defaultSendHour);
  const offset = offsetDays(automation);
  const occurrences: Occurrence[] = [];
  for (const year of candidateYears(window, clock.timeZone)) {
    const date = seasonalDate(automation.timing.date, clock.country, year);
    if (date === undefined) continue;
    const dueDate = addDays(date, offset);
    const dueAt = localHourInstant(dueDate, hour, clock.timeZone);
    if (!inWindow(dueAt, window)) continue;
    occurrences.push(
      build(
        automation,
        customer,
        { kind: 'seasonal', name: automation.timing.date, date },
        { dueDate, dueAt, validUntil: endOfLocalDay(date, clock.timeZone) },
        `${SEASONAL_DATE_LABELS[automation.timing.date]} on ${date}${offset === 0 ? '' : `, ${-offset} days before`}`,
      ),
    );
  }
  return occurrences;
}

/**
 * The first local day on which a customer whose last purchase was on `lastPurchaseDate` counts as lapsed: the first
 * day whose same day N months earlier is after the purchase (the `lapsed` segment leaf's definition).
 */
export function lapseStartOf(lastPurchaseDate: string, months: number): string {
  let day = addMonths(lastPurchaseDate, months);
  // Month ends clamp (31 Aug + 6 months = 28 Feb), so step until the definition holds; at most a few days.
  while (addMonths(day, -months) <= lastPurchaseDate) day = addDays(day, 1);
  return day;
}

function reengagementOccurrences(
  automation: AutomationOf<'reengagement'>,
  customer: BookCustomer,
  clock: TenantClock,
  window: InstantWindow,
): Occurrence[] {
  const last = customer.agg.lastPurchaseAt;
  if (customer.agg.purchaseCount === 0 || last === null) return [];
  const lapseStart = lapseStartOf(localDateOf(last, clock.timeZone), automation.timing.lapseMonths);
  const dueAt = localHourInstant(lapseStart, sendHourOf(automation, clock.defaultSendHour), clock.timeZone);
  if (!inWindow(dueAt, window)) return [];
  const validUntil = endOfLocalDay(addDays(lapseStart, REENGAGEMENT_VALID_DAYS - 1), clock.timeZone);
  return [
    build(
      automation,
      customer,
      { kind: 'lapse', lapseStart, lastPurchaseAt: last },
      { dueDate: lapseStart, dueAt, validUntil },
      `lapsed on ${lapseStart}: no purchase for ${automation.timing.lapseMonths} months since ${localDateOf(last, clock.timeZone)}`,
    ),
  ];
}

/**
 * The occurrences of a date-based automation for one customer with `dueAt` in the window, oldest first. Says nothing
 * about whether they fire (switched-on day, catch-up, claims): see ./catch-up.ts.
 */
export function dueOccurrences(automation: Automation, customer: BookCustomer, clock: TenantClock, window: InstantWindow): Occurrence[] {
  if (!isDateBased(automation.type) || isUncontactable(customer) || window.to <= window.from) return [];
  const typed = automation as AutomationOf<DateBasedType>;
  let occurrences: Occurrence[];
  switch (typed.type) {
    case 'seasonal':
      occurrences = seasonalOccurrences(typed, customer, clock, window);
      break;
    case 'reengagement':
      occurrences = reengagementOccurrences(typed, customer, clock, window);
      break;
    default:
      occurrences = annualOccurrences(typed, customer, clock, window);
  }
  return occurrences.sort((a, b) => toMs(a.dueAt) - toMs(b.dueAt));
}
