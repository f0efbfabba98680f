/**
 * How a leaf type becomes a predicate. A definition is bound once per evaluation (when "today" and the spend
 * distribution are known) into closures that test one customer with plain comparisons.
 *
 * Verdicts are small integers so combinators stay branch-cheap:
 *  - NO / YES: decided;
 *  - PENDING: depends on a ranked leaf whose top N is not final until the whole book has been seen;
 *  - NEEDS_PURCHASES: a day-exact period leaves a boundary month open; asked again with the customer's purchases, the
 *    leaf decides.
 * Unknown verdicts combine by `max` (NEEDS_PURCHASES outranks PENDING): reading purchases may settle the customer,
 * while waiting never reads anything.
 */
import type { PurchaseFacts } from '../records/purchase';
import type { BookAttribute, BookCustomer } from './book-customer';
import type { LeafRuleOf, LeafType } from './rule-schema';
import type { SpendDistribution } from './spend-distribution';
import type { MonthWindow, SpendRange } from './spend-window';
import type { TenantCalendar } from './tenant-calendar';

export const NO = 0;
export const YES = 1;
export const PENDING = 2;
export const NEEDS_PURCHASES = 3;
export type Verdict = typeof NO | typeof YES | typeof PENDING | typeof NEEDS_PURCHASES;

export const verdict = (holds: boolean): Verdict => (holds ? YES : NO);

/** The customer's purchases covering the run's purchase span, once read; undefined until then. */
export type CustomerPurchases = readonly PurchaseFacts[] | undefined;

export interface LeafEnvironment {
  readonly calendar: TenantCalendar;
  /** Minor units as the tenant reads money: `$5,000.00`. */
  formatMoney(minor: number): string;
  /** Present whenever the plan needs it (the run computes or receives it before binding). */
  readonly spendDistribution: SpendDistribution | undefined;
}

export interface BoundLeaf {
  /** For a ranked leaf: whether the customer can be ranked at all (its filter holds). */
  test(customer: BookCustomer, purchases: CustomerPurchases): Verdict;
  /** The customer's value for this leaf, for previews: "last purchase 2025-03-02". */
  detail(customer: BookCustomer, purchases: CustomerPurchases): string;
  /** Ranked leaves: the customer's score (spend) as a range; exact once purchases are given. */
  score?(customer: BookCustomer, purchases: CustomerPurchases, out: SpendRange): void;
  /**
   * Ranked leaves: a bound on the score known without computing it (spend in any period is at most the lifetime
   * total), so a customer below a full top N's bar is passed over cheaply.
   */
  scoreCeiling?(customer: BookCustomer): number;
  /** Periods whose boundary months may need purchases (for the purchase reader's span). */
  readonly windows?: readonly MonthWindow[];
}

export interface LeafDefinition<T extends LeafType> {
  /**
   * Relative cost of a test (default 1: a few comparisons). Groups test cheap children first; leaves that scan month
   * buckets or normalise text say so.
   */
  readonly cost?: number;
  /** Book attributes the leaf reads (adapters may project only these). */
  readonly attributes: readonly BookAttribute[];
  /** Needs the book's spend distribution before any customer can be decided (percentiles). */
  readonly needsSpendDistribution?: boolean;
  /** The rule has a period that can start or end mid-month (then some customers' purchases may be read). */
  mayNeedPurchases?(rule: LeafRuleOf<T>): boolean;
  /** For ranked leaves, the row limit; undefined when this rule is not ranked. */
  rankLimit?(rule: LeafRuleOf<T>): number | undefined;
  bind(rule: LeafRuleOf<T>, env: LeafEnvironment): BoundLeaf;
}

export type LeafDefinitions = { readonly [T in LeafType]: LeafDefinition<T> };
