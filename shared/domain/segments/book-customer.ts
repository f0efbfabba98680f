import { BOOK_PROJECTION } from '../../store/table-definition';
import { aggregatesOf, type CustomerAggregates } from '../customers/aggregates';
import { emptyConsentState } from '../customers/consent';
import type { CustomerItem } from '../customers/customer-item';

/**
 * The customer as the segment engine sees it: exactly the attributes the book index projects (BOOK_PROJECTION), so a
 * rule can never depend on something a count does not read.
 */
export type BookAttribute = (typeof BOOK_PROJECTION)[number];
export type BookCustomer = Pick<CustomerItem, BookAttribute>;

/**
 * A book-index item as plain data (what a Query returns) brought to the `BookCustomer` shape: attributes an older item
 * was written without get their empty value, aggregates get their defaults. Adapters call this once per item, so the
 * compiled predicates can read every attribute without guards on the hot path.
 */
export function bookCustomerFromItem(item: Record<string, unknown>): BookCustomer {
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const optionalText = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
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
    agg: aggregatesOf(item.agg as Partial<CustomerAggregates> | undefined),
    erased: item.erased === true,
  };
  for (const attribute of ['email', 'phone', 'city', 'postcode', 'addressLine', 'weddingDate'] as const) {
    const value = optionalText(item[attribute]);
    if (value !== undefined) customer[attribute] = value;
  }
  if (item.birthday) customer.birthday = item.birthday as BookCustomer['birthday'];
  if (item.anniversary) customer.anniversary = item.anniversary as BookCustomer['anniversary'];
  return customer;
}
