/**
 * One customer against a rule, outside a pass over the book (the automation runner reacting to one customer's event).
 * Ranked leaves compare a customer with the whole book, so they cannot be decided here; a VIP leaf can, given the
 * spend distribution.
 */
import type { PurchaseFacts } from '../records/purchase';
import type { BookCustomer } from './book-customer';
import { bindPlan, type WhyEntry } from './bind-plan';
import type { SegmentPlan } from './compile-rule';
import { NEEDS_PURCHASES, YES } from './leaf-definition';
import { moneyFormatter } from './money-format';
import type { EvaluationContext } from './segment-run';
import { tenantCalendar } from './tenant-calendar';

export type CustomerVerdict = 'match' | 'no_match' | 'needs_purchases';

export interface CustomerPredicate {
  /** `needs_purchases`: ask again with the customer's purchases in `purchaseSpan`. Erased customers never match. */
  test(customer: BookCustomer, purchases?: readonly PurchaseFacts[]): CustomerVerdict;
  why(customer: BookCustomer, purchases?: readonly PurchaseFacts[]): WhyEntry[];
  readonly purchaseSpan: { from: string; to: string } | null;
}

export function customerPredicate(plan: SegmentPlan, context: EvaluationContext): CustomerPredicate {
  if (plan.needs.rankedSteps.length > 0) {
    throw new Error('A rule with a top-N leaf compares customers with the whole book: evaluate it over the book');
  }
  if (plan.needs.spendDistribution && context.spendDistribution === undefined) {
    throw new Error('This rule ranks by spend percentile: pass the spend distribution');
  }
  const bound = bindPlan(
    plan,
    {
      calendar: tenantCalendar(context.now, context.timeZone),
      formatMoney: moneyFormatter(context.currency),
      spendDistribution: context.spendDistribution,
    },
    () => {
      throw new Error('unreachable: no ranked steps');
    },
  );
  const span = bound.purchaseSpan;
  return {
    test(customer, purchases) {
      if (customer.erased) return 'no_match';
      const v = bound.test(customer, purchases);
      return v === YES ? 'match' : v === NEEDS_PURCHASES && purchases === undefined ? 'needs_purchases' : 'no_match';
    },
    why: (customer, purchases) => bound.why(customer, purchases),
    purchaseSpan: span === null ? null : { from: new Date(span.fromMs).toISOString(), to: new Date(span.toMs).toISOString() },
  };
}
