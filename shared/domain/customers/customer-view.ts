import { aggregatesOf, nextAppointmentAfter, type Stat } from './aggregates';
import type { CustomerItem } from './customer-item';
import type { CustomerView } from './customer-schema';

/**
 * The API form of a customer: storage details (keys, search attributes) dropped, optional fields as explicit nulls and
 * the aggregates under readable names (the stored `agg` uses one-letter keys to keep the book index small).
 */
const readableStat = (stat: Stat) => ({ count: stat.c, sum: stat.s, max: stat.m });
const readableStats = (stats: Record<string, Stat>) =>
  Object.fromEntries(Object.entries(stats).map(([name, stat]) => [name, readableStat(stat)]));

export function readableAggregates(item: Pick<CustomerItem, 'agg'>, now: Date): CustomerView['aggregates'] {
  const agg = aggregatesOf(item.agg);
  return {
    totalSpent: agg.totalSpent,
    purchaseCount: agg.purchaseCount,
    firstPurchaseAt: agg.firstPurchaseAt,
    lastPurchaseAt: agg.lastPurchaseAt,
    largestPurchase: agg.largestPurchase,
    monthlySpend: Object.fromEntries(
      Object.entries(agg.months).map(([month, bucket]) => [
        month,
        {
          total: readableStat(bucket.t),
          byDepartment: readableStats(bucket.d),
          byMetal: readableStats(bucket.m),
          byDepartmentAndMetal: readableStats(bucket.dm),
        },
      ]),
    ),
    openLaybys: agg.openLaybys,
    earliestLaybyDue: agg.laybyEarliestDue,
    outstandingBalance: agg.outstandingBalance,
    repairsByStatus: { ...agg.repairs },
    // Decided at read time: the stored next appointment may have passed since the last write.
    nextAppointmentAt: nextAppointmentAfter(agg, now),
  };
}

export function toCustomerView(item: CustomerItem, now: Date = new Date()): CustomerView {
  return {
    customerId: item.customerId,
    firstName: item.firstName,
    lastName: item.lastName,
    email: item.email ?? null,
    phone: item.phone ?? null,
    address: item.address ?? null,
    birthday: item.birthday ?? null,
    anniversary: item.anniversary ?? null,
    weddingDate: item.weddingDate ?? null,
    tags: item.tags ?? [],
    status: item.status,
    categories: item.categories ?? [],
    loyalty: item.loyalty ?? { member: false },
    externalId: item.externalId ?? null,
    customerSince: item.customerSince,
    notes: item.notes ?? null,
    consent: item.consent,
    aggregates: readableAggregates(item, now),
    version: item.version,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

/** Strong ETag of a customer version, for `If-Match`. */
export const customerEtag = (item: Pick<CustomerItem, 'version'>) => `"${item.version}"`;
