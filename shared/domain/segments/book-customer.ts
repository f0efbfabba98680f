import { BOOK_PROJECTION } from '../../store/table-definition';
import type { CustomerAggregates } from '../customers/aggregates';
import { emptyConsentState } from '../customers/consent';
import type { CustomerItem } from '../customers/customer-item';

/**
 * The customer as the segment engine sees it: exactly the attributes the book index projects (BOOK_PROJECTION), so a
 * rule can never depend on something a count does not read.
 */
export type BookAttribute = (typeof BOOK_PROJECTION)[number];
export type BookCustomer = Pick<CustomerItem, BookAttribute>;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const optionalText = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const count = (value: unknown): number => (typeof value === 'number' ? value : 0);
const instant = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** A list of strings; a list the item already holds as strings is used as it is (no copy per customer). */
function strings(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  for (let i = 0; i < value.length; i += 1) {
    if (typeof value[i] !== 'string') return value.filter((v): v is string => typeof v === 'string');
  }
  return value as string[];
}

/**
 * The stored aggregates with a default for every field an item was written without (as `aggregatesOf`), built as one
 * literal: every customer's aggregates then have the same layout, whatever order the item's attributes arrived in,
 * which keeps the engine's property reads monomorphic.
 */
function bookAggregates(value: unknown): CustomerAggregates {
  const stored = (value ?? {}) as Partial<CustomerAggregates>;
  const repairs = (stored.repairs ?? {}) as Partial<CustomerAggregates['repairs']>;
  return {
    totalSpent: count(stored.totalSpent),
    purchaseCount: count(stored.purchaseCount),
    firstPurchaseAt: instant(stored.firstPurchaseAt),
    lastPurchaseAt: instant(stored.lastPurchaseAt),
    largestPurchase: count(stored.largestPurchase),
    months: stored.months ?? {},
    laybyEarliestDue: instant(stored.laybyEarliestDue),
    openLaybys: count(stored.openLaybys),
    outstandingBalance: count(stored.outstandingBalance),
    repairs: {
      received: count(repairs.received),
      in_progress: count(repairs.in_progress),
      ready: count(repairs.ready),
      collected: count(repairs.collected),
      cancelled: count(repairs.cancelled),
    },
    nextAppointmentAt: instant(stored.nextAppointmentAt),
    upcomingAppointments: Array.isArray(stored.upcomingAppointments) ? stored.upcomingAppointments : [],
  };
}

/**
 * A book-index item as plain data (what a Query returns) brought to the `BookCustomer` shape: attributes an older item
 * was written without get their empty value, aggregates get their defaults. Adapters call this once per item, so the
 * compiled predicates can read every attribute without guards on the hot path. Every customer is built as one literal
 * (optional attributes present, possibly undefined), so all customers share one layout.
 */
export function bookCustomerFromItem(item: Record<string, unknown>): BookCustomer {
  const customer: BookCustomer = {
    customerId: text(item.customerId),
    firstName: text(item.firstName),
    lastName: text(item.lastName),
    tags: strings(item.tags),
    status: (optionalText(item.status) ?? 'active') as BookCustomer['status'],
    categories: strings(item.categories),
    loyalty: (item.loyalty as BookCustomer['loyalty'] | undefined) ?? { member: false },
    customerSince: text(item.customerSince),
    consent: (item.consent as BookCustomer['consent'] | undefined) ?? emptyConsentState(),
    agg: bookAggregates(item.agg),
    erased: item.erased === true,
    email: optionalText(item.email),
    phone: optionalText(item.phone),
    city: optionalText(item.city),
    postcode: optionalText(item.postcode),
    addressLine: optionalText(item.addressLine),
    weddingDate: optionalText(item.weddingDate),
    birthday: (item.birthday || undefined) as BookCustomer['birthday'],
    anniversary: (item.anniversary || undefined) as BookCustomer['anniversary'],
  };
  return customer;
}
