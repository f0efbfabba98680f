/**
 * Leaves over the purchase aggregates: lifetime totals, first/last purchase, largest purchase and monthly buckets.
 * "Over" and "more than" are strict (a $5,000.00 purchase is not over $5,000); "at least" and ranges are inclusive.
 */
import type { LeafDefinition } from '../leaf-definition';
import { monthIndexOf, monthNumberOfKey } from '../month-columns';
import { NO, verdict, YES } from '../leaf-definition';
import type { Since } from '../rule-schema';
import { vipThreshold } from '../spend-distribution';
import { boundaryAt, isBefore, type TenantCalendar } from '../tenant-calendar';

/** The first day of a "since" in the tenant's calendar. */
export function sinceDay(since: Since, calendar: TenantCalendar): string {
  if (since.lastDays !== undefined) return calendar.addDays(-since.lastDays);
  if (since.lastMonths !== undefined) return calendar.addMonths(-since.lastMonths);
  return since.date as string;
}

const lastPurchaseDetail = (calendar: TenantCalendar, lastPurchaseAt: string | null) =>
  lastPurchaseAt === null ? 'no purchases' : `last purchase ${calendar.dayOf(lastPurchaseAt)}`;

export const vip: LeafDefinition<'vip'> = {
  attributes: ['agg'],
  needsSpendDistribution: true,
  bind(rule, env) {
    if (env.spendDistribution === undefined) throw new Error('The vip leaf is bound without a spend distribution');
    const threshold = vipThreshold(env.spendDistribution, rule.percent);
    return {
      test: threshold === null ? () => NO : (c) => verdict(c.agg.purchaseCount > 0 && c.agg.totalSpent >= threshold),
      detail: (c) =>
        `total spent ${env.formatMoney(c.agg.totalSpent)}; the top ${rule.percent}% start at ${
          threshold === null ? 'no one (nobody has bought)' : env.formatMoney(threshold)
        }`,
    };
  },
};

export const lapsed: LeafDefinition<'lapsed'> = {
  attributes: ['agg'],
  bind(rule, { calendar }) {
    // Lapsed: no purchase on or after the same day N months ago.
    const cutoff = boundaryAt(calendar.startOfDayMs(calendar.addMonths(-rule.months)));
    return {
      test: (c) => {
        const last = c.agg.lastPurchaseAt;
        return verdict(c.agg.purchaseCount > 0 && last !== null && isBefore(last, cutoff));
      },
      detail: (c) => lastPurchaseDetail(calendar, c.agg.lastPurchaseAt),
    };
  },
};

export const neverPurchased: LeafDefinition<'never_purchased'> = {
  attributes: ['agg'],
  bind() {
    return {
      test: (c) => verdict(c.agg.purchaseCount === 0),
      detail: (c) => (c.agg.purchaseCount === 0 ? 'no purchases' : `${c.agg.purchaseCount} purchases`),
    };
  },
};

export const highValue: LeafDefinition<'high_value'> = {
  attributes: ['agg'],
  bind(rule, env) {
    return {
      test: (c) => verdict(c.agg.largestPurchase > rule.amount),
      detail: (c) => `largest purchase ${env.formatMoney(c.agg.largestPurchase)}`,
    };
  },
};

export const spentMoreThan: LeafDefinition<'spent_more_than'> = {
  attributes: ['agg'],
  bind(rule, env) {
    const since = rule.shoppedSince === undefined ? null : boundaryAt(env.calendar.startOfDayMs(sinceDay(rule.shoppedSince, env.calendar)));
    return {
      test: (c) => {
        if (c.agg.totalSpent <= rule.amount) return NO;
        if (since === null) return YES;
        const last = c.agg.lastPurchaseAt;
        return verdict(last !== null && !isBefore(last, since));
      },
      detail: (c) =>
        `total spent ${env.formatMoney(c.agg.totalSpent)}${since === null ? '' : `; ${lastPurchaseDetail(env.calendar, c.agg.lastPurchaseAt)}`}`,
    };
  },
};

/** "Last December": the most recent month with that number before the current month. */
export function salesMonthKey(month: string | number, calendar: TenantCalendar): string {
  if (typeof month === 'string') return month;
  const year = month < calendar.month ? calendar.year : calendar.year - 1;
  return `${year}-${String(month).padStart(2, '0')}`;
}

export const salesInMonth: LeafDefinition<'sales_in_month'> = {
  attributes: ['agg'],
  bind(rule, env) {
    const key = salesMonthKey(rule.month, env.calendar);
    const month = monthNumberOfKey(key);
    return {
      test: (c) => {
        const index = monthIndexOf(c.monthly, month);
        return verdict(index >= 0 && (c.monthly.totalCounts[index] as number) > 0 && (c.monthly.totalSums[index] as number) >= rule.minAmount);
      },
      detail: (c) => {
        const index = monthIndexOf(c.monthly, month);
        return `spent ${env.formatMoney(index < 0 ? 0 : (c.monthly.totalSums[index] as number))} in ${key}`;
      },
    };
  },
};

export const totalSpent: LeafDefinition<'total_spent'> = {
  attributes: ['agg'],
  bind(rule, env) {
    const min = rule.min ?? Number.NEGATIVE_INFINITY;
    const max = rule.max ?? Number.POSITIVE_INFINITY;
    return {
      test: (c) => verdict(c.agg.totalSpent >= min && c.agg.totalSpent <= max),
      detail: (c) => `total spent ${env.formatMoney(c.agg.totalSpent)}`,
    };
  },
};

export const lastPurchase: LeafDefinition<'last_purchase'> = {
  attributes: ['agg'],
  bind(rule, { calendar }) {
    const since = boundaryAt(calendar.startOfDayMs(calendar.addDays(-rule.days)));
    return {
      test: (c) => {
        const last = c.agg.lastPurchaseAt;
        return verdict(last !== null && !isBefore(last, since));
      },
      detail: (c) => lastPurchaseDetail(calendar, c.agg.lastPurchaseAt),
    };
  },
};
