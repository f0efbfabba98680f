/**
 * Records as the API shows them: stored data plus what is derived when read (net amounts of a purchase, whether a
 * lay-by is overdue today, the customer's read-time aggregate views). Pure.
 */
import { activeRepairCount, aggregatesOf, hasOverdueLayby, type CustomerAggregates } from '../customers/aggregates';
import { readableAggregates } from '../customers/customer-view';
import { isLaybyOverdue, todayIn, type Layby } from './layby';
import { netLineAmounts, type Purchase } from './purchase';

export function purchaseView(purchase: Purchase) {
  const net = netLineAmounts(purchase);
  return {
    ...purchase,
    lines: purchase.lines.map((line, i) => ({ ...line, refunded: line.amount - (net[i] ?? line.amount) })),
    netTotal: purchase.total - purchase.refundedTotal,
  };
}

export function laybyView(layby: Layby, today: string) {
  return { ...layby, overdue: isLaybyOverdue(layby, today) };
}

/**
 * The customer's aggregates (in the same readable form as on the customer) with the views that depend on "now",
 * decided now in the tenant's time zone.
 */
export function recordsSummary(customer: { customerId: string; agg: CustomerAggregates }, timeZone: string, now: Date) {
  const agg = aggregatesOf(customer.agg);
  const today = todayIn(timeZone, now);
  return {
    customerId: customer.customerId,
    aggregates: readableAggregates({ agg }, now),
    asOf: now.toISOString(),
    today,
    laybyOverdue: hasOverdueLayby(agg, today),
    activeRepairs: activeRepairCount(agg),
  };
}
