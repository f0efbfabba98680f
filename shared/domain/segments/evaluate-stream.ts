/**
 * Streams a tenant's book through a plan: counts, previews, campaign recipient expansion and the automation runner all
 * evaluate rules here, so there is one implementation of every rule.
 *
 * The book is read once, page by page, and never held: only matching ids (up to a limit), a preview page and the
 * customers waiting on a top N are kept. A VIP (percentile) leaf needs the spend distribution first: unless the
 * context carries it, a first pass collects one number per buyer (their lifetime total) and the book is read a second
 * time for the evaluation.
 */
import type { PurchaseFacts } from '../records/purchase';
import type { BookCustomer } from './book-customer';
import type { SegmentPlan } from './compile-rule';
import { SpendTotalsCollector, type SpendDistribution } from './spend-distribution';
import { SegmentRun, type EvaluationContext, type PurchasesNeeded, type RunOptions, type SegmentResult } from './segment-run';

/** The tenant's book as pages (an adapter's paginated queries); called once per pass, each call reads from the start. */
export type BookPages = () => AsyncIterable<readonly BookCustomer[]>;

/** The book as `evaluateStream` takes it: `BookPages`, or a plain async iterable for plans that need one pass only. */
export type BookSource = BookPages | AsyncIterable<readonly BookCustomer[]>;

function passOver(pages: BookSource, pass: number): AsyncIterable<readonly BookCustomer[]> {
  if (typeof pages === 'function') return pages();
  if (pass > 1) throw new Error('This rule needs two passes over the book (a VIP leaf): pass the pages as a function');
  return pages;
}

/** One customer's purchases dated in [from, to) (more are harmless: they are filtered again). */
export type PurchaseReader = (request: { customerId: string; from: string; to: string }) => Promise<readonly PurchaseFacts[]>;

export interface EvaluateOptions extends RunOptions {
  /** Needed when `plan.needs.purchases`: reads a customer whose boundary months the aggregates cannot settle. */
  purchases?: PurchaseReader;
  /** Purchase reads in flight at once, per page (default 8). */
  purchaseReadConcurrency?: number;
}

export interface StreamCounters {
  /** Passes over the book: 1, or 2 when the spend distribution had to be collected first. */
  passes: number;
  pagesRead: number;
  /** Customers read over all passes (what read units are spent on). */
  customersRead: number;
}

export interface StreamResult extends SegmentResult {
  counters: SegmentResult['counters'] & StreamCounters;
  /** The distribution a VIP leaf used, so a caller can reuse it (e.g. a count right after a preview). */
  spendDistribution?: SpendDistribution;
}

export async function collectSpendDistribution(pages: BookSource, counters: StreamCounters): Promise<SpendDistribution> {
  const totals = new SpendTotalsCollector();
  counters.passes += 1;
  for await (const page of passOver(pages, counters.passes)) {
    counters.pagesRead += 1;
    counters.customersRead += page.length;
    for (const customer of page) {
      if (!customer.erased && customer.agg.purchaseCount > 0) totals.add(customer.agg.totalSpent);
    }
  }
  return totals.finish();
}

export async function evaluateStream(
  plan: SegmentPlan,
  pages: BookSource,
  context: EvaluationContext,
  options: EvaluateOptions = {},
): Promise<StreamResult> {
  const counters: StreamCounters = { passes: 0, pagesRead: 0, customersRead: 0 };
  let spendDistribution = context.spendDistribution;
  if (plan.needs.spendDistribution && spendDistribution === undefined) {
    spendDistribution = await collectSpendDistribution(pages, counters);
  }
  const run = new SegmentRun(plan, { ...context, ...(spendDistribution ? { spendDistribution } : {}) }, options);
  const concurrency = Math.max(1, options.purchaseReadConcurrency ?? 8);

  counters.passes += 1;
  for await (const page of passOver(pages, counters.passes)) {
    counters.pagesRead += 1;
    counters.customersRead += page.length;
    const undecided: { customer: BookCustomer; needed: PurchasesNeeded }[] = [];
    for (const customer of page) {
      const outcome = run.offer(customer);
      if (outcome.kind === 'needs_purchases') undecided.push({ customer, needed: outcome });
    }
    if (undecided.length > 0) await resolveWithPurchases(run, undecided, options.purchases, concurrency);
  }
  const result = run.finish();
  return {
    ...result,
    counters: { ...result.counters, ...counters },
    ...(plan.needs.spendDistribution && spendDistribution ? { spendDistribution } : {}),
  };
}

async function resolveWithPurchases(
  run: SegmentRun,
  undecided: readonly { customer: BookCustomer; needed: PurchasesNeeded }[],
  reader: PurchaseReader | undefined,
  concurrency: number,
): Promise<void> {
  if (reader === undefined) {
    throw new Error('This rule has a day-exact period: pass a purchase reader to decide customers in its boundary months');
  }
  let next = 0;
  const worker = async () => {
    while (next < undecided.length) {
      const item = undecided[next] as (typeof undecided)[number];
      next += 1;
      // Earlier reads may have raised a top N's bar past this customer's best case.
      if (run.reconsider(item.customer).kind !== 'needs_purchases') continue;
      const purchases = await reader({ customerId: item.customer.customerId, from: item.needed.from, to: item.needed.to });
      run.offerWithPurchases(item.customer, purchases);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, undecided.length) }, worker));
}
