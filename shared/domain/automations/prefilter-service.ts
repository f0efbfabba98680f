/**
 * A cheap test the runner puts in front of `dueOccurrences` while streaming a book: most customers have no date in a
 * pass's window (a window of one day holds 1/365 of the birthdays), and computing a customer's occurrences costs
 * several time-zone conversions per automation and year. The test compares plain strings against what was worked out
 * once per window, and it only ever says "no" for customers `dueOccurrences` would find nothing for (its margins are
 * generous: a day either side for time zones, more for month ends); `dueOccurrences` stays the one that decides.
 */
import type { BookCustomer } from '../segments/book-customer';
import type { Automation, AutomationOf } from './automation-schema';
import { addDays, addMonths, daysBetween, localDateOf } from './local-time';
import { dueOccurrences, yearlySourceOf, type InstantWindow, type TenantClock } from './occurrences';

export type CustomerPrefilter = (customer: BookCustomer) => boolean;

const ANYONE: CustomerPrefilter = () => true;
const NO_ONE: CustomerPrefilter = () => false;
/** Beyond this a window holds every day of the year anyway. */
const LONGEST_WINDOW_DAYS = 360;

const monthDay = (month: number, day: number) => `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

/** The local days a window touches, with a day's margin either side. */
function windowDays(window: InstantWindow, timeZone: string): { first: string; last: string } {
  return { first: addDays(localDateOf(window.from, timeZone), -1), last: addDays(localDateOf(Math.max(window.from, window.to - 1), timeZone), 1) };
}

function annualPrefilter(automation: AutomationOf<'birthday' | 'anniversary' | 'wedding_anniversary' | 'custom_date'>, clock: TenantClock, window: InstantWindow): CustomerPrefilter {
  const source = yearlySourceOf(automation);
  // A first purchase is an instant, whose local day the filter would have to compute: no shortcut.
  if (source === 'first_purchase') return ANYONE;
  const { first, last } = windowDays(window, clock.timeZone);
  if (daysBetween(first, last) > LONGEST_WINDOW_DAYS) return ANYONE;
  const timing = automation.timing as { daysBefore?: number; daysAfter?: number };
  const offset = timing.daysAfter !== undefined ? timing.daysAfter : -(timing.daysBefore ?? 0);
  const celebrated = new Set<string>();
  for (let due = first; due <= last; due = addDays(due, 1)) {
    const date = addDays(due, -offset).slice(5);
    celebrated.add(date);
    // 29 February is celebrated on 28 February in other years.
    if (date === '02-28') celebrated.add('02-29');
  }
  switch (source) {
    case 'birthday':
    case 'anniversary':
      return (customer) => {
        const value = customer[source];
        return value !== undefined && celebrated.has(monthDay(value.month, value.day));
      };
    case 'wedding_date':
      return (customer) => customer.weddingDate !== undefined && celebrated.has(customer.weddingDate.slice(5, 10));
    case 'customer_since':
      return (customer) => customer.customerSince !== '' && celebrated.has(customer.customerSince.slice(5, 10));
  }
}

/** A customer lapses on the first day N months after their last purchase (a few days later at month ends). */
function reengagementPrefilter(automation: AutomationOf<'reengagement'>, clock: TenantClock, window: InstantWindow): CustomerPrefilter {
  const months = automation.timing.lapseMonths;
  const { first, last } = windowDays(window, clock.timeZone);
  const earliest = addDays(addMonths(addDays(first, -5), -months), -2);
  const latest = addDays(addMonths(last, -months), 2);
  return (customer) => {
    const lastPurchase = customer.agg.lastPurchaseAt;
    if (lastPurchase === null || customer.agg.purchaseCount === 0) return false;
    const day = lastPurchase.slice(0, 10);
    return day >= earliest && day <= latest;
  };
}

/** Nothing to skip per customer but the whole book: a seasonal date falls on everyone's day or on no one's. */
function seasonalPrefilter(automation: Automation, clock: TenantClock, window: InstantWindow): CustomerPrefilter {
  const anyone = { customerId: 'prefilter', erased: false, status: 'active', agg: { purchaseCount: 0, lastPurchaseAt: null, firstPurchaseAt: null } } as unknown as BookCustomer;
  return dueOccurrences(automation, anyone, clock, window).length > 0 ? ANYONE : NO_ONE;
}

export function occurrencePrefilter(automation: Automation, clock: TenantClock, window: InstantWindow): CustomerPrefilter {
  switch (automation.type) {
    case 'birthday':
    case 'anniversary':
    case 'wedding_anniversary':
    case 'custom_date':
      return annualPrefilter(automation as AutomationOf<'birthday' | 'anniversary' | 'wedding_anniversary' | 'custom_date'>, clock, window);
    case 'reengagement':
      return reengagementPrefilter(automation as AutomationOf<'reengagement'>, clock, window);
    case 'seasonal':
      return seasonalPrefilter(automation, clock, window);
    default:
      return NO_ONE;
  }
}
