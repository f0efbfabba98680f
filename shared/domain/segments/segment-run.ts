/**
 * One evaluation of a plan over a book, customer by customer, in a single pass.
 *
 * Ranked leaves (top N by spend) are decided in the same pass: every customer is offered to each step's top N before
 * the tree is tested, and inside the tree a ranked leaf answers NO for a customer outside the top N (the bar only
 * rises, so that is final) and PENDING for one inside it. A customer whose verdict is PENDING is held (only those: at
 * most the sum of the limits) and settled when pushed out of a top N, or at `finish()` when the top N are final.
 *
 * A day-exact period can leave a customer undecided from the aggregates: `offer` then answers `needs_purchases` with
 * the span of purchases to read, and `offerWithPurchases` decides exactly. Ranked scores that could still reach the
 * top N are settled the same way before the customer is offered to any top N, so each customer enters at most once.
 */
import type { PurchaseFacts } from '../records/purchase';
import type { BookCustomer } from './book-customer';
import { bindPlan, type BoundPlan, type BoundRankedLeaf, type WhyEntry } from './bind-plan';
import type { SegmentPlan } from './compile-rule';
import type { CustomerPurchases, Verdict } from './leaf-definition';
import { NEEDS_PURCHASES, NO, PENDING, YES } from './leaf-definition';
import { moneyFormatter } from './money-format';
import type { SpendDistribution } from './spend-distribution';
import { emptySpendRange, type SpendRange } from './spend-window';
import { tenantCalendar } from './tenant-calendar';
import { TopN } from './top-n';

export interface EvaluationContext {
  /** The moment of evaluation; "today" and "this month" are its day and month in `timeZone`. */
  now: Date;
  /** The tenant's IANA time zone. */
  timeZone: string;
  /** ISO 4217, for the money in previews' "why". */
  currency?: string;
  /** Lifetime totals of the buyers, when the caller already has them (saves the first pass a VIP leaf needs). */
  spendDistribution?: SpendDistribution;
}

export interface RunOptions {
  /** Keep at most this many matching ids (default: all of them). */
  idLimit?: number;
  /** Keep this many matching customers with their "why" (a preview page; default 0). */
  explainLimit?: number;
  /** Called for every match, as it is decided (campaign expansion streams recipients from here). */
  onMatch?: (customer: BookCustomer) => void;
}

/** What a customer needs read before they can be decided: their purchases in [from, to) (ISO instants). */
export interface PurchasesNeeded {
  kind: 'needs_purchases';
  customerId: string;
  from: string;
  to: string;
}

export type Outcome = { kind: 'matched' | 'not_matched' | 'pending' | 'skipped' } | PurchasesNeeded;

const MATCHED = { kind: 'matched' } as const;
const NOT_MATCHED = { kind: 'not_matched' } as const;
const PENDING_OUTCOME = { kind: 'pending' } as const;
const SKIPPED = { kind: 'skipped' } as const;

export interface RunCounters {
  /** Customers tested (erased ones excluded). */
  customersEvaluated: number;
  /** Erased customers passed over: they never match, not even under `not`. */
  erasedSkipped: number;
  /** Customers whose purchases had to be read (day-exact boundary months). */
  purchaseReads: number;
  /** Most customers held at once waiting for a top N to settle. */
  pendingPeak: number;
}

export interface SegmentMatch {
  customer: BookCustomer;
  why: WhyEntry[];
}

export interface SegmentResult {
  count: number;
  /** Matching ids, in the order they were decided, up to `idLimit`. */
  customerIds: string[];
  /** False when `idLimit` cut the list short. */
  idsComplete: boolean;
  /** The first `explainLimit` matches, with why each matched. */
  matches: SegmentMatch[];
  /** Top-N steps, best first: who is in each ranked leaf and with what score. */
  rankings: { path: string; ranked: { customerId: string; score: number }[] }[];
  counters: RunCounters;
}

interface RankedState extends BoundRankedLeaf {
  readonly top: TopN;
  readonly range: SpendRange;
  eligible: Verdict;
  /**
   * The customer being decided and whether they are in this top N, so the tree's membership test for them needs no
   * lookup (most customers are not). Cleared while top N change, when held customers are tested instead.
   */
  current: BookCustomer | undefined;
  currentIsMember: boolean;
  /** Whether the customer being decided is in this top N after their offer (set while top N change). */
  offeredIsMember: boolean;
}

interface Held {
  customer: BookCustomer;
  purchases: CustomerPurchases;
}

export class SegmentRun {
  private finished = false;
  private readonly bound: BoundPlan;
  private readonly ranked: RankedState[];
  private readonly pending = new Map<string, Held>();
  private readonly idLimit: number;
  private readonly explainLimit: number;
  private count = 0;
  private readonly ids: string[] = [];
  private readonly matches: SegmentMatch[] = [];
  readonly counters: RunCounters = { customersEvaluated: 0, erasedSkipped: 0, purchaseReads: 0, pendingPeak: 0 };

  constructor(
    readonly plan: SegmentPlan,
    context: EvaluationContext,
    private readonly options: RunOptions = {},
  ) {
    if (plan.needs.spendDistribution && context.spendDistribution === undefined) {
      throw new Error('This rule ranks by spend percentile: pass the spend distribution (evaluateStream collects it)');
    }
    const tops = plan.needs.rankedSteps.map((step) => new TopN(step.limit));
    const states: RankedState[] = [];
    this.bound = bindPlan(
      plan,
      {
        calendar: tenantCalendar(context.now, context.timeZone),
        formatMoney: moneyFormatter(context.currency),
        spendDistribution: context.spendDistribution,
      },
      (step) => {
        const top = tops[step.index] as TopN;
        return (c) => {
          const state = states[step.index] as RankedState;
          const member = state.current === c ? state.currentIsMember : top.has(c.customerId);
          return member ? (this.finished ? YES : PENDING) : NO;
        };
      },
    );
    for (const ranked of this.bound.rankedLeaves) {
      states[ranked.step.index] = {
        ...ranked,
        top: tops[ranked.step.index] as TopN,
        range: emptySpendRange(),
        eligible: NO,
        current: undefined,
        currentIsMember: false,
        offeredIsMember: false,
      };
    }
    this.ranked = states;
    this.idLimit = options.idLimit ?? Number.POSITIVE_INFINITY;
    this.explainLimit = options.explainLimit ?? 0;
  }

  /** The purchases a `needs_purchases` outcome asks for, as ISO instants [from, to); null when none can be needed. */
  get purchaseSpan(): { from: string; to: string } | null {
    const span = this.bound.purchaseSpan;
    return span === null ? null : { from: new Date(span.fromMs).toISOString(), to: new Date(span.toMs).toISOString() };
  }

  offer(customer: BookCustomer): Outcome {
    if (this.finished) throw new Error('The run is finished');
    if (customer.erased) {
      this.counters.erasedSkipped += 1;
      return SKIPPED;
    }
    this.counters.customersEvaluated += 1;
    return this.decide(customer, undefined);
  }

  /**
   * Asks again, without purchases, about a customer `offer` answered `needs_purchases` for: top N may have filled up
   * since, and a customer who can no longer reach one needs no read. Offering a customer again changes nothing else.
   */
  reconsider(customer: BookCustomer): Outcome {
    if (this.finished) throw new Error('The run is finished');
    return this.decide(customer, undefined);
  }

  /** Decides a customer `offer` answered `needs_purchases` for, with their purchases in the asked span. */
  offerWithPurchases(customer: BookCustomer, purchases: readonly PurchaseFacts[]): Outcome {
    if (this.finished) throw new Error('The run is finished');
    this.counters.purchaseReads += 1;
    return this.decide(customer, purchases);
  }

  private decide(customer: BookCustomer, purchases: CustomerPurchases): Outcome {
    if (this.ranked.length > 0) {
      const needed = this.offerToTopN(customer, purchases);
      if (needed !== null) return needed;
    }
    const v = this.bound.test(customer, purchases);
    if (v === YES) {
      this.match(customer, purchases);
      return MATCHED;
    }
    if (v === NO) return NOT_MATCHED;
    if (v === NEEDS_PURCHASES) return this.needPurchases(customer.customerId, purchases);
    this.pending.set(customer.customerId, { customer, purchases });
    if (this.pending.size > this.counters.pendingPeak) this.counters.pendingPeak = this.pending.size;
    return PENDING_OUTCOME;
  }

  /**
   * Offers the customer to every top N their score is exact for, and records whether they are a member of each (the
   * tree asks next). Returns the purchases to read first when a score that could still enter is not exact.
   */
  private offerToTopN(customer: BookCustomer, purchases: CustomerPurchases): PurchasesNeeded | null {
    const id = customer.customerId;
    const steps = this.ranked;
    let entering = false;
    for (let i = 0; i < steps.length; i += 1) {
      const ranked = steps[i] as RankedState;
      const ceiling = ranked.leaf.scoreCeiling?.(customer);
      if (ceiling !== undefined && !ranked.top.couldEnter(ceiling, id)) {
        ranked.eligible = NO;
        continue;
      }
      ranked.eligible = ranked.leaf.test(customer, purchases);
      if (ranked.eligible === NO) continue;
      ranked.leaf.score?.(customer, purchases, ranked.range);
      const exact = ranked.eligible !== NEEDS_PURCHASES && ranked.range.lo === ranked.range.hi;
      if (exact) {
        if (ranked.eligible === YES) entering = true;
        continue;
      }
      if (!ranked.top.couldEnter(ranked.range.hi, id)) {
        ranked.eligible = NO;
        continue;
      }
      return this.needPurchases(id, purchases);
    }
    if (!entering) {
      // Most customers: no top N takes them, so nothing changes and they are a member of none.
      for (let i = 0; i < steps.length; i += 1) {
        const ranked = steps[i] as RankedState;
        ranked.current = customer;
        ranked.currentIsMember = false;
      }
      return null;
    }
    // While top N change, held customers are tested (settle): membership is then looked up, not taken from `current`.
    for (let i = 0; i < steps.length; i += 1) (steps[i] as RankedState).current = undefined;
    for (let i = 0; i < steps.length; i += 1) {
      const ranked = steps[i] as RankedState;
      ranked.offeredIsMember = false;
      if (ranked.eligible !== YES) continue;
      ranked.offeredIsMember = ranked.top.offer(id, ranked.range.lo);
      const evicted = ranked.top.evicted;
      if (evicted !== null) this.settle(evicted);
    }
    for (let i = 0; i < steps.length; i += 1) {
      const ranked = steps[i] as RankedState;
      ranked.current = customer;
      ranked.currentIsMember = ranked.offeredIsMember;
    }
    return null;
  }

  private needPurchases(customerId: string, purchases: CustomerPurchases): PurchasesNeeded {
    const span = this.purchaseSpan;
    // With purchases every period is exact, and without a span no boundary month can be open: either way a bug.
    if (purchases !== undefined || span === null) throw new Error(`Customer ${customerId} is undecided even with purchases`);
    return { kind: 'needs_purchases', customerId, ...span };
  }

  /** A held customer left a top N: with that leaf now NO, they may be decided. */
  private settle(customerId: string): void {
    const held = this.pending.get(customerId);
    if (held === undefined) return;
    const v = this.bound.test(held.customer, held.purchases);
    if (v === PENDING) return;
    this.pending.delete(customerId);
    if (v === YES) this.match(held.customer, held.purchases);
  }

  private match(customer: BookCustomer, purchases: CustomerPurchases): void {
    this.count += 1;
    if (this.ids.length < this.idLimit) this.ids.push(customer.customerId);
    if (this.matches.length < this.explainLimit) this.matches.push({ customer, why: this.bound.why(customer, purchases) });
    this.options.onMatch?.(customer);
  }

  /** Every customer has been offered: the top N are final, and so is everyone held for them. */
  finish(): SegmentResult {
    this.finished = true;
    for (const ranked of this.ranked) ranked.current = undefined;
    for (const [customerId, held] of this.pending) {
      const v = this.bound.test(held.customer, held.purchases);
      // A held verdict only waited on top-N membership, which is now YES or NO everywhere.
      if (v !== YES && v !== NO) throw new Error(`Customer ${customerId} is still undecided after the book was read`);
      if (v === YES) this.match(held.customer, held.purchases);
    }
    this.pending.clear();
    return {
      count: this.count,
      customerIds: this.ids,
      idsComplete: this.ids.length === this.count,
      matches: this.matches,
      rankings: this.ranked.map((ranked) => ({ path: ranked.step.path, ranked: ranked.top.ranked() })),
      counters: { ...this.counters },
    };
  }
}
