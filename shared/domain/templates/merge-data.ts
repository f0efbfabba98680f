import { DateTime } from 'luxon';
import { aggregatesOf } from '../customers/aggregates';
import type { CustomerItem } from '../customers/customer-item';
import type { TenantSettings } from '../tenants/settings';
import { CalendarDayValue, MonthDayValue, nextOccurrence } from './merge-values';
import type { TenantFormat } from './tenant-format';

/**
 * The values a template renders with, keyed exactly as the catalogue (./variables.ts) names them. Built from plain
 * data (a customer item, the tenant's settings, per-send and automation fields); no I/O.
 */

/** What rendering reads from a customer: the stored item satisfies it, and so does the built-in sample. */
export type MergeCustomer = Pick<
  CustomerItem,
  'firstName' | 'lastName' | 'email' | 'phone' | 'address' | 'birthday' | 'anniversary' | 'weddingDate' | 'customerSince' | 'loyalty' | 'tags' | 'agg'
>;

export type MergeStore = Pick<TenantSettings, 'name' | 'postalAddress' | 'storePhone'>;

/** Set per recipient by the send pipeline. */
export interface SendFields {
  unsubscribeUrl?: string;
}

/** Set by automations only. */
export interface AutomationFields {
  anniversaryYears?: number;
}

export interface CustomerMergeFields {
  first_name: string;
  last_name: string;
  full_name: string;
  email: string | undefined;
  phone: string | undefined;
  city: string | undefined;
  birthday: MonthDayValue | undefined;
  anniversary: MonthDayValue | undefined;
  wedding_date: CalendarDayValue | undefined;
  customer_since: CalendarDayValue | undefined;
  last_purchase_date: CalendarDayValue | undefined;
  total_spent: number;
  purchase_count: number;
  loyalty_member: boolean;
  loyalty_tier: string | undefined;
  tags: string[];
}

export interface MergeScope {
  customer: CustomerMergeFields;
  store: { name: string; address: string | undefined; phone: string | undefined };
  unsubscribe_url: string | undefined;
  anniversary_years: number | undefined;
}

export interface MergeInput {
  customer: MergeCustomer;
  store: MergeStore;
  send?: SendFields;
  automation?: AutomationFields;
}

export interface MergeContext {
  format: TenantFormat;
  now: Date;
}

const todayIn = (now: Date, timeZone: string) => DateTime.fromJSDate(now, { zone: timeZone }).toISODate()!;

function monthDayValue(value: MergeCustomer['birthday'], today: string, locale: string): MonthDayValue | undefined {
  if (!value) return undefined;
  return new MonthDayValue(value.month, value.day, value.year, nextOccurrence(value.month, value.day, today), locale);
}

const calendarDay = (day: string | undefined | null, locale: string) => (day ? new CalendarDayValue(day, locale) : undefined);

/**
 * Years married at the coming anniversary: from the anniversary's year when the customer gave one, else from the
 * wedding date. Undefined when neither has a year.
 */
export function anniversaryYears(customer: Pick<MergeCustomer, 'anniversary' | 'weddingDate'>, today: string): number | undefined {
  const anniversary = customer.anniversary;
  const fromWedding = customer.weddingDate
    ? { month: Number(customer.weddingDate.slice(5, 7)), day: Number(customer.weddingDate.slice(8, 10)), year: Number(customer.weddingDate.slice(0, 4)) }
    : undefined;
  const source = anniversary?.year !== undefined ? anniversary : fromWedding;
  if (!source || source.year === undefined) return undefined;
  const next = nextOccurrence(source.month, source.day, today);
  return Number(next.slice(0, 4)) - source.year;
}

export function customerMergeFields(customer: MergeCustomer, context: MergeContext): CustomerMergeFields {
  const { locale, timeZone } = context.format;
  const today = todayIn(context.now, timeZone);
  const agg = aggregatesOf(customer.agg);
  const lastPurchaseDay = agg.lastPurchaseAt ? DateTime.fromISO(agg.lastPurchaseAt, { zone: timeZone }).toISODate() : undefined;
  return {
    first_name: customer.firstName,
    last_name: customer.lastName,
    full_name: [customer.firstName, customer.lastName].filter((part) => part !== '').join(' '),
    email: customer.email,
    phone: customer.phone,
    city: customer.address?.city || undefined,
    birthday: monthDayValue(customer.birthday, today, locale),
    anniversary: monthDayValue(customer.anniversary, today, locale),
    wedding_date: calendarDay(customer.weddingDate, locale),
    customer_since: calendarDay(customer.customerSince, locale),
    last_purchase_date: calendarDay(lastPurchaseDay, locale),
    total_spent: agg.totalSpent,
    purchase_count: agg.purchaseCount,
    loyalty_member: customer.loyalty?.member ?? false,
    loyalty_tier: customer.loyalty?.tier,
    tags: [...(customer.tags ?? [])],
  };
}

export function mergeScope(input: MergeInput, context: MergeContext): MergeScope {
  return {
    customer: customerMergeFields(input.customer, context),
    store: { name: input.store.name, address: input.store.postalAddress, phone: input.store.storePhone },
    unsubscribe_url: input.send?.unsubscribeUrl,
    anniversary_years: input.automation?.anniversaryYears,
  };
}

/** Today in the tenant's time zone, for callers computing automation fields. */
export const tenantToday = todayIn;
