/**
 * Runs the engine (./evaluate-stream.ts) over a book adapter (./book-reader.ts): the glue every use of a segment goes
 * through (counts, previews, jobs, the bench), so each reads the book the same way:
 *  - the evaluation pass reads only the attributes the rule needs (plus names for a preview);
 *  - a percentile (VIP) rule needs the spend distribution first: a cheap first pass reads three numbers per customer
 *    (still the full read units: DynamoDB charges by index item size) instead of the engine reading every customer
 *    whole twice;
 *  - read units are summed from ConsumedCapacity over both passes and the purchase reads.
 */
import type { BookAttribute, BookCustomer } from './book-customer';
import { bookFinished, emptyReadStats, streamBook, type AttributePaths, type BookReadStats, type BookShardReader, type ShardCursors } from './book-reader';
import type { SegmentPlan } from './compile-rule';
import { collectSpendDistribution, evaluateStream, type PurchaseReader, type StreamResult } from './evaluate-stream';
import type { PurchaseReadStats } from './purchase-reader';
import type { EvaluationContext } from './segment-run';
import type { SpendDistribution } from './spend-distribution';

/** The attributes of a customer's lifetime spend: all a spend distribution reads. */
export const SPEND_ATTRIBUTES: AttributePaths = ['customerId', 'erased', 'agg.totalSpent', 'agg.purchaseCount'];

/** What a preview shows of each match besides the rule's own attributes. */
const PREVIEW_ATTRIBUTES: readonly BookAttribute[] = ['firstName', 'lastName'];

export interface BookAccess {
  reader: BookShardReader;
  /** Needed when the rule has a day-exact period. */
  purchases?: PurchaseReader;
  /** The purchase reader's counters (read units of purchase reads). */
  purchaseStats?: PurchaseReadStats;
}

export interface EvaluationRequest {
  plan: SegmentPlan;
  context: EvaluationContext;
  /** Matches to explain (a preview page). */
  explainLimit?: number;
  /** Matching ids to keep (default none: a count needs only the number). */
  idLimit?: number;
  /** Called for every match as it is decided (campaign recipient expansion streams from here). */
  onMatch?: (customer: BookCustomer) => void;
  /** Abandon the evaluation (throws `EvaluationDeadlineExceeded`) once this instant (epoch ms) passes. */
  deadlineMs?: number;
}

export interface EvaluationCost {
  /** Read units of every query: book passes and purchase reads. */
  readUnits: number;
  /** Customers read over all passes. */
  customersRead: number;
  /** Customers in the book (one pass). */
  bookSize: number;
  passes: number;
  purchaseReads: number;
  durationMs: number;
}

export interface EvaluationOutcome {
  result: StreamResult;
  cost: EvaluationCost;
}

export class EvaluationDeadlineExceeded extends Error {
  constructor() {
    super('The evaluation did not finish before its deadline');
    this.name = 'EvaluationDeadlineExceeded';
  }
}

export function evaluationAttributes(plan: SegmentPlan, explaining: boolean): AttributePaths {
  return [...new Set<string>([...plan.needs.attributes, ...(explaining ? PREVIEW_ATTRIBUTES : [])])];
}

/** The spend distribution in one compact pass; throws `EvaluationDeadlineExceeded` past the deadline. */
export async function spendDistributionPass(
  reader: BookShardReader,
  stats: BookReadStats,
  options: { deadlineMs?: number } = {},
): Promise<SpendDistribution> {
  const counters = { passes: 0, pagesRead: 0, customersRead: 0 };
  return collectSpendDistribution(() => withDeadline(streamBook(reader, { attributes: SPEND_ATTRIBUTES, stats }), options.deadlineMs), counters);
}

/** One complete evaluation of a plan over the whole book. */
export async function evaluateBook(access: BookAccess, request: EvaluationRequest): Promise<EvaluationOutcome> {
  const started = Date.now();
  const { plan } = request;
  const stats = emptyReadStats();
  const purchaseUnitsBefore = access.purchaseStats?.readUnits ?? 0;
  let passes = 0;
  let context = request.context;
  if (plan.needs.spendDistribution && context.spendDistribution === undefined) {
    context = { ...context, spendDistribution: await spendDistributionPass(access.reader, stats, request) };
    passes += 1;
  }
  const evaluationStats = emptyReadStats();
  const attributes = evaluationAttributes(plan, (request.explainLimit ?? 0) > 0);
  const result = await evaluateStream(
    plan,
    () => withDeadline(streamBook(access.reader, { attributes, stats: evaluationStats }), request.deadlineMs),
    context,
    runOptions(access, request),
  );
  passes += 1;
  return {
    result,
    cost: {
      readUnits: stats.readUnits + evaluationStats.readUnits + (access.purchaseStats?.readUnits ?? 0) - purchaseUnitsBefore,
      customersRead: stats.customers + evaluationStats.customers,
      bookSize: evaluationStats.customers,
      passes,
      purchaseReads: result.counters.purchaseReads,
      durationMs: Date.now() - started,
    },
  };
}

export interface SliceRequest extends EvaluationRequest {
  /** Where each shard resumes; updated in place. */
  cursors: ShardCursors;
  /** Once true, no new page is read (the pages in flight are still evaluated). */
  shouldStop: () => boolean;
}

/**
 * Part of a pass, resumable: the pages read until `shouldStop`, evaluated by a fresh run. Counts and explained matches
 * of successive slices add up to the whole pass only for plans without top-N steps (a top N compares every customer
 * with the rest of the book) and with the spend distribution given: `isSliceable` says so.
 */
export async function evaluateSlice(access: BookAccess, request: SliceRequest): Promise<{ result: StreamResult; stats: BookReadStats; finished: boolean }> {
  if (!isSliceable(request.plan)) throw new Error('A plan with top-N steps must be evaluated in one go (evaluateBook)');
  if (request.plan.needs.spendDistribution && request.context.spendDistribution === undefined) {
    throw new Error('A slice of a percentile rule needs the spend distribution of the whole book');
  }
  const stats = emptyReadStats();
  const attributes = evaluationAttributes(request.plan, (request.explainLimit ?? 0) > 0);
  // A slice reads at least one page whatever the budget says, so every step makes progress.
  let asked = 0;
  const shouldStop = () => asked++ > 0 && request.shouldStop();
  const result = await evaluateStream(
    request.plan,
    () => streamBook(access.reader, { attributes, stats, cursors: request.cursors, shouldStop }),
    request.context,
    runOptions(access, request),
  );
  return { result, stats, finished: bookFinished(request.cursors) };
}

export const isSliceable = (plan: SegmentPlan) => plan.needs.rankedSteps.length === 0;

function runOptions(access: BookAccess, request: EvaluationRequest) {
  return {
    idLimit: request.idLimit ?? 0,
    explainLimit: request.explainLimit ?? 0,
    ...(request.onMatch ? { onMatch: request.onMatch } : {}),
    ...(access.purchases ? { purchases: access.purchases } : {}),
  };
}

async function* withDeadline<T>(pages: AsyncGenerator<T>, deadlineMs: number | undefined): AsyncGenerator<T> {
  if (deadlineMs === undefined) {
    yield* pages;
    return;
  }
  for await (const page of pages) {
    if (Date.now() > deadlineMs) throw new EvaluationDeadlineExceeded();
    yield page;
  }
}
