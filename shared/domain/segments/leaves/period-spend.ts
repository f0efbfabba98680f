/**
 * Spend within a period, by department and metal, from the monthly buckets (./spend-window.ts): `purchases` (an amount
 * range, optionally ranked with a row limit) and `best_customers` (always ranked: top N by that spend).
 */
import type { BookCustomer } from '../book-customer';
import type { CustomerPurchases, LeafDefinition } from '../leaf-definition';
import { NEEDS_PURCHASES, NO, YES } from '../leaf-definition';
import type { Period } from '../rule-schema';
import {
  copySpendRange,
  emptySpendRange,
  monthWindow,
  periodDays,
  spendSelector,
  WindowSpend,
  type MonthWindow,
  type SpendRange,
  type SpendSelector,
} from '../spend-window';
import { lastDayOfMonth } from '../tenant-calendar';

/** Whether a period can start or end mid-month (then a boundary month may need the customer's purchases). */
export function periodMayBeDayExact(period: Period | undefined): boolean {
  if (period === undefined) return false;
  if (period.lastDays !== undefined || period.lastMonths !== undefined) return true;
  if (period.from !== undefined && !period.from.endsWith('-01')) return true;
  return period.to !== undefined && period.to !== lastDayOfMonth(period.to.slice(0, 7));
}

function describePeriod(period: Period | undefined): string {
  if (period === undefined) return 'in all';
  if (period.lastDays !== undefined) return `in the last ${period.lastDays} days`;
  if (period.lastMonths !== undefined) return `in the last ${period.lastMonths} months`;
  if (period.from !== undefined && period.to !== undefined) return `from ${period.from} to ${period.to}`;
  return period.from !== undefined ? `since ${period.from}` : `up to ${period.to}`;
}

function describeLines(departments: readonly string[] | undefined, metals: readonly string[] | undefined): string {
  const parts = [departments ? `on ${departments.join(', ')}` : '', metals ? `in ${metals.join(', ')}` : ''];
  return parts.filter((part) => part !== '').join(' ');
}

function describeSpend(range: SpendRange, formatMoney: (minor: number) => string): string {
  return range.lo === range.hi ? formatMoney(range.lo) : `between ${formatMoney(range.lo)} and ${formatMoney(range.hi)}`;
}

/**
 * The customer's spend in the window, computed once per customer: a ranked leaf is asked whether the customer can be
 * ranked and then for the score, one after the other.
 */
function memoisedSpend(window: MonthWindow, selector: SpendSelector, timeZone: string) {
  const spend = new WindowSpend(window, selector, timeZone);
  const range = emptySpendRange();
  let lastCustomer: BookCustomer | undefined;
  let lastPurchases: CustomerPurchases;
  const spendOf = (c: BookCustomer, bought: CustomerPurchases): SpendRange => {
    if (c !== lastCustomer || bought !== lastPurchases) {
      spend.compute(c.agg, c.monthly, bought, range);
      lastCustomer = c;
      lastPurchases = bought;
    }
    return range;
  };
  /** A ranked step's cheap bound: a customer who bought nothing in the period cannot enter a top N. */
  const ceilingOf = (c: BookCustomer): number => spend.ceiling(c.agg);
  return { spendOf, ceilingOf };
}

export const purchases: LeafDefinition<'purchases'> = {
  cost: 3,
  attributes: ['agg'],
  mayNeedPurchases: (rule) => periodMayBeDayExact(rule.during),
  rankLimit: (rule) => rule.limit,
  bind(rule, env) {
    const { calendar } = env;
    const window = monthWindow(periodDays(rule.during, calendar), calendar);
    const selector = spendSelector(rule.departments, rule.metals);
    const min = rule.min ?? Number.NEGATIVE_INFINITY;
    const max = rule.max ?? Number.POSITIVE_INFINITY;
    const { spendOf, ceilingOf } = memoisedSpend(window, selector, calendar.timeZone);
    const lines = describeLines(rule.departments, rule.metals);
    return {
      windows: [window],
      test(c, bought) {
        // Spend on some lines in some period is at most everything the customer ever spent.
        if (c.agg.totalSpent < min || c.agg.purchaseCount === 0) return NO;
        const range = spendOf(c, bought);
        if (!range.mayHaveBought || range.hi < min || range.lo > max) return NO;
        if (range.surelyBought && range.lo >= min && range.hi <= max) return YES;
        return NEEDS_PURCHASES;
      },
      score: (c, bought, out) => copySpendRange(spendOf(c, bought), out),
      scoreCeiling: ceilingOf,
      detail(c, bought) {
        const range = spendOf(c, bought);
        return [`spent ${describeSpend(range, env.formatMoney)}`, lines, describePeriod(rule.during)].filter(Boolean).join(' ');
      },
    };
  },
};

export const bestCustomers: LeafDefinition<'best_customers'> = {
  cost: 3,
  attributes: ['agg'],
  mayNeedPurchases: (rule) => periodMayBeDayExact(rule.during),
  rankLimit: (rule) => rule.limit,
  bind(rule, env) {
    const { calendar } = env;
    const window = monthWindow(periodDays(rule.during, calendar), calendar);
    const selector = spendSelector(rule.departments, undefined);
    const { spendOf, ceilingOf } = memoisedSpend(window, selector, calendar.timeZone);
    const lines = describeLines(rule.departments, undefined);
    return {
      windows: [window],
      // Only customers who spent something in the period can be among the best.
      test(c, bought) {
        const range = spendOf(c, bought);
        return range.lo > 0 ? YES : range.hi > 0 ? NEEDS_PURCHASES : NO;
      },
      score: (c, bought, out) => copySpendRange(spendOf(c, bought), out),
      scoreCeiling: ceilingOf,
      detail(c, bought) {
        const range = spendOf(c, bought);
        return [`spent ${describeSpend(range, env.formatMoney)}`, lines, describePeriod(rule.during), `(top ${rule.limit})`]
          .filter(Boolean)
          .join(' ');
      },
    };
  },
};
