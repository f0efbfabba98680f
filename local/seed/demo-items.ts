/**
 * Turns the generated book into table items, with the same pure builders the API and the importer use: customer items
 * (derived attributes, book and name index keys), uniqueness guards, consent history, record items, and aggregates
 * recomputed in memory from each customer's records. No I/O here.
 */
import { consentHistoryItem } from '../../shared/domain/customers/consent-history';
import { applyConsent, type ConsentTransition } from '../../shared/domain/customers/consent';
import { newCustomerItem, type CustomerItem } from '../../shared/domain/customers/customer-item';
import { addGuardWrites } from '../../shared/domain/customers/uniqueness';
import { aggregatesFromRecords } from '../../shared/domain/records/records-aggregates';
import { appointmentItem, laybyItem, purchaseItem, repairItem } from '../../shared/domain/records/record-items';
import type { UnitOfWork } from '../../shared/store/unit-of-work';
import type { DemoBook, DemoCustomer } from './generate-demo-book';

export type TableItem = Record<string, unknown>;

/**
 * The guard builders write into a unit of work; the seeder batch-writes instead (the table is new and the book is
 * known to be consistent), so it lends them a collector that keeps the items and drops the conditions.
 */
function guardItemsOf(customer: CustomerItem): TableItem[] {
  const items: TableItem[] = [];
  const collector = {
    put(item: TableItem) {
      items.push(item);
      return collector;
    },
    delete() {
      throw new Error('a new customer releases no guard');
    },
    get size() {
      return items.length;
    },
  };
  addGuardWrites(collector as unknown as UnitOfWork, undefined, customer);
  return items;
}

/**
 * One customer's items. The default service-consent grants every new customer starts with are kept on the customer
 * item (each slot records its status, time and source `default`) but get no history items here: they are a fifth of
 * all items, and the seed has a start-up time budget. History items are written for every real choice and change.
 */
export function demoCustomerItems(tenantId: string, timeZone: string, anchor: Date, today: string, demo: DemoCustomer): TableItem[] {
  const created = newCustomerItem(tenantId, demo.profile, {
    customerId: demo.customerId,
    now: demo.createdAt,
    today,
    consentSource: 'import',
  });
  let consent = created.item.consent;
  const transitions: ConsentTransition[] = [...created.consentTransitions];
  for (const change of demo.consentChanges) {
    const applied = applyConsent(consent, change.request, { at: change.at, source: change.source });
    consent = applied.state;
    transitions.push(...applied.transitions);
  }
  const customer: CustomerItem = {
    ...created.item,
    consent,
    agg: aggregatesFromRecords(demo, timeZone, anchor),
  };
  return [
    customer as unknown as TableItem,
    ...guardItemsOf(customer),
    ...transitions.filter((t) => t.record.source !== 'default').map((t) => consentHistoryItem(tenantId, demo.customerId, t)),
    ...demo.purchases.map((p) => purchaseItem(tenantId, p)),
    ...demo.repairs.map((r) => repairItem(tenantId, r)),
    ...demo.laybys.map((l) => laybyItem(tenantId, l)),
    ...demo.appointments.map((a) => appointmentItem(tenantId, a)),
  ];
}

export function demoBookItems(book: DemoBook, tenantId: string): TableItem[] {
  const anchor = new Date(book.anchor);
  return book.customers.flatMap((customer) => demoCustomerItems(tenantId, book.tenant.timeZone, anchor, book.today, customer));
}
