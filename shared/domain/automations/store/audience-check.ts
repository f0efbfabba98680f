/**
 * An automation's optional audience (a saved segment or an inline rule) as a per-customer test, with the segment
 * engine: a rule decided customer by customer becomes the engine's `customerPredicate` (a VIP rule gets the spend
 * distribution of the whole book first; a day-exact period reads the customer's purchases when the monthly buckets
 * cannot settle it); a rule with a top-N step compares customers with the whole book, so it is evaluated over the
 * book once and the test looks the customer up in its matches.
 *
 * The runner asks only about customers who have an occurrence due (a birthday today), which is why a per-customer
 * test is cheaper here than a pass of the engine per automation.
 */
import type { BookAttribute, BookCustomer } from '../../segments/book-customer';
import type { WhyEntry } from '../../segments/bind-plan';
import { compileRule } from '../../segments/compile-rule';
import { customerPredicate } from '../../segments/customer-predicate';
import type { Rule } from '../../segments/rule-schema';
import { emptyReadStats, type BookReadStats } from '../../segments/book-reader';
import { evaluateBook, spendDistributionPass } from '../../segments/segment-evaluation';
import type { EvaluationContext } from '../../segments/segment-run';
import { segmentRule } from '../../segments/segment-service';
import type { AutomationAudience } from '../automation-schema';
import type { BookPort } from './book-port';

export interface AudienceCheck {
  /** Book attributes the test reads (the runner's pass reads at least these). */
  readonly attributes: readonly BookAttribute[];
  test(customer: BookCustomer): Promise<boolean>;
  /** Why a matching customer is in the audience (previews); empty without an audience. */
  why(customer: BookCustomer): Promise<WhyEntry[]>;
  /** Read units spent preparing the test (a spend distribution or a ranked evaluation). */
  readonly preparationReadUnits: number;
}

export const EVERYONE: AudienceCheck = {
  attributes: [],
  test: async () => true,
  why: async () => [],
  preparationReadUnits: 0,
};

/** The rule an audience stands for (a saved segment's current rule); undefined for everyone. */
export async function audienceRule(tenantId: string, audience: AutomationAudience | undefined): Promise<Rule | undefined> {
  if (audience === undefined) return undefined;
  if (audience.segmentId !== undefined) return segmentRule(tenantId, audience.segmentId);
  return audience.rule as Rule;
}

export async function prepareAudience(
  tenantId: string,
  audience: AutomationAudience | undefined,
  context: EvaluationContext,
  book: BookPort,
): Promise<AudienceCheck> {
  const rule = await audienceRule(tenantId, audience);
  if (rule === undefined) return EVERYONE;
  const plan = compileRule(rule);
  const stats: BookReadStats = emptyReadStats();

  if (plan.needs.rankedSteps.length > 0) {
    const members = new Set<string>();
    const outcome = await evaluateBook(
      { reader: book.reader, purchases: book.purchases },
      { plan, context, onMatch: (customer) => members.add(customer.customerId) },
    );
    return {
      attributes: plan.needs.attributes,
      test: async (customer) => !customer.erased && members.has(customer.customerId),
      why: async () => [],
      preparationReadUnits: outcome.cost.readUnits,
    };
  }

  const spendDistribution = plan.needs.spendDistribution ? await spendDistributionPass(book.reader, stats) : undefined;
  const predicate = customerPredicate(plan, { ...context, ...(spendDistribution ? { spendDistribution } : {}) });
  const purchasesOf = async (customer: BookCustomer) =>
    predicate.purchaseSpan ? book.purchases({ customerId: customer.customerId, ...predicate.purchaseSpan }) : [];
  return {
    attributes: plan.needs.attributes,
    async test(customer) {
      const verdict = predicate.test(customer);
      if (verdict !== 'needs_purchases') return verdict === 'match';
      return predicate.test(customer, await purchasesOf(customer)) === 'match';
    },
    async why(customer) {
      const verdict = predicate.test(customer);
      return verdict === 'needs_purchases' ? predicate.why(customer, await purchasesOf(customer)) : predicate.why(customer);
    },
    preparationReadUnits: stats.readUnits,
  };
}
