import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { BOOK_PROJECTION } from '../../store/table-definition';
import type { CustomerAggregates } from '../customers/aggregates';
import { emptyConsentState } from '../customers/consent';
import type { CustomerItem } from '../customers/customer-item';
import { monthColumnsOf, monthColumnsOfWire, type MonthColumns } from './month-columns';

/**
 * The customer as the segment engine sees it: exactly the attributes the book index projects (BOOK_PROJECTION), so a
 * rule can never depend on something a count does not read.
 */
export type BookAttribute = (typeof BOOK_PROJECTION)[number];
export type BookCustomer = Omit<Pick<CustomerItem, BookAttribute>, 'agg'> & {
  agg: BookAggregates;
  /** The monthly buckets (`agg.months` as stored), in columns (./month-columns.ts): the engine reads buckets here only. */
  readonly monthly: MonthColumns;
};

/** The aggregates but their monthly buckets, which a book customer holds in columns (`monthly`). */
export type BookAggregates = Omit<CustomerAggregates, 'months'>;

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
function bookAggregates(value: unknown): BookAggregates {
  const stored = (value ?? {}) as Partial<CustomerAggregates>;
  const repairs = (stored.repairs ?? {}) as Partial<CustomerAggregates['repairs']>;
  return {
    totalSpent: count(stored.totalSpent),
    purchaseCount: count(stored.purchaseCount),
    firstPurchaseAt: instant(stored.firstPurchaseAt),
    lastPurchaseAt: instant(stored.lastPurchaseAt),
    largestPurchase: count(stored.largestPurchase),
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
  return shapeBookCustomer(item, monthColumnsOf((item.agg as Partial<CustomerAggregates> | undefined)?.months));
}

/**
 * A book-index item as a Query's raw response carries it (DynamoDB's wire format), brought to the same shape: the
 * monthly buckets go straight into columns and only the rest is unmarshalled. The book reader decodes pages this way:
 * unmarshalling the nested buckets into objects first was most of a page's decoding time (measured: 25 µs a customer
 * for the whole item through `unmarshall`, 15 µs this way), and the engine would only have turned them into columns.
 */
export function bookCustomerFromWire(item: Record<string, AttributeValue>): BookCustomer {
  const agg = item.agg?.M;
  const months = agg?.months;
  if (agg === undefined || months === undefined) return shapeBookCustomer(unmarshall(item), monthColumnsOfWire(undefined));
  const { months: _buckets, ...aggWithoutMonths } = agg;
  return shapeBookCustomer(unmarshall({ ...item, agg: { M: aggWithoutMonths } }), monthColumnsOfWire(months));
}

function shapeBookCustomer(item: Record<string, unknown>, monthly: MonthColumns): BookCustomer {
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
    monthly,
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
