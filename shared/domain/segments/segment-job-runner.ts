/**
 * One step of a segment job (./segment-jobs.ts): resume from the checkpoint, read and evaluate the book until the
 * budget says stop, save the new checkpoint (or the result), queue the next step.
 *
 * Steps split a pass by shard positions, so their counts and explained matches add up. A rule with a top-N step
 * cannot be split that way (its top N compares every customer with the whole book, and the engine's run state is not
 * serialisable), so such a job evaluates its whole pass in one step: the consumer's 15 minutes are ample for any
 * jeweller's book at the throughput the bench measures.
 */
import { logger } from '../../observability/logger';
import { compileRule } from './compile-rule';
import { evaluateBook, evaluateSlice, isSliceable, spendDistributionPass, type BookAccess } from './segment-evaluation';
import { emptyReadStats } from './book-reader';
import {
  enqueueSegmentJobStep,
  liveCursors,
  loadJobSpendDistribution,
  saveJobSpendDistribution,
  saveSegmentJobStep,
  storedCursors,
  getSegmentJob,
  type SegmentJobItem,
  type SegmentJobMessage,
} from './segment-jobs';
import type { EvaluationContext } from './segment-run';
import { previewMatchOf, type CountResult, type PreviewResult } from './segment-result';

export type StepOutcome = 'completed' | 'checkpointed' | 'skipped';

export interface StepOptions {
  /** The book and purchases of the job's tenant. */
  access: (tenantId: string) => BookAccess;
  /** Asked between pages: true once the step should checkpoint and hand over to the next one. */
  shouldStop: () => boolean;
  /** Queues the next step (default: the segment-jobs queue). */
  enqueue?: (message: SegmentJobMessage) => Promise<void>;
  /** Called with the finished job (record the segment's last count, the book size). */
  onCompleted?: (job: SegmentJobItem) => Promise<void>;
}

export async function runSegmentJobStep(message: SegmentJobMessage, options: StepOptions): Promise<StepOutcome> {
  const enqueue = options.enqueue ?? enqueueSegmentJobStep;
  const job = await getSegmentJob(message.tenantId, message.jobId);
  if (!job || job.status === 'completed' || job.status === 'failed') return 'skipped';
  if (message.seq !== job.seq) {
    // The step before saved its checkpoint but may have died before queueing this one: queue it again (a duplicate
    // step is harmless, only one can save from a given seq).
    if (message.seq === job.seq - 1) await enqueue({ tenantId: job.tenantId, jobId: job.jobId, seq: job.seq });
    return 'skipped';
  }

  const started = Date.now();
  const access = options.access(job.tenantId);
  const plan = compileRule(job.rule);
  let context: EvaluationContext = { now: new Date(job.evaluatedAt), timeZone: job.timeZone, currency: job.currency };
  const progress = { ...job.progress, steps: job.progress.steps + 1 };
  const next: SegmentJobItem = { ...job, status: 'running', seq: job.seq + 1, progress, updatedAt: new Date().toISOString() };

  if (!isSliceable(plan)) {
    const { result, cost } = await evaluateBook(access, { plan, context, explainLimit: job.limit });
    progress.count = result.count;
    progress.matches = result.matches.map(previewMatchOf);
    progress.customersRead += cost.customersRead;
    progress.readUnits += cost.readUnits;
    progress.purchaseReads += cost.purchaseReads;
    progress.evaluated = cost.bookSize;
    next.cursors = next.cursors.map(() => ({ state: 'done' }));
  } else {
    if (plan.needs.spendDistribution) {
      if (job.totalsParts === undefined) {
        const stats = emptyReadStats();
        const distribution = await spendDistributionPass(access.reader, stats);
        next.totalsParts = await saveJobSpendDistribution(job, distribution);
        progress.customersRead += stats.customers;
        progress.readUnits += stats.readUnits;
        context = { ...context, spendDistribution: distribution };
      } else {
        context = { ...context, spendDistribution: await loadJobSpendDistribution(job.tenantId, job.jobId) };
      }
    }
    const cursors = liveCursors(job.cursors);
    const purchaseUnitsBefore = access.purchaseStats?.readUnits ?? 0;
    const { result, stats, finished } = await evaluateSlice(access, {
      plan,
      context,
      cursors,
      shouldStop: options.shouldStop,
      explainLimit: Math.max(0, job.limit - progress.matches.length),
    });
    progress.count += result.count;
    progress.matches = [...progress.matches, ...result.matches.map(previewMatchOf)];
    progress.customersRead += stats.customers;
    progress.readUnits += stats.readUnits + (access.purchaseStats?.readUnits ?? 0) - purchaseUnitsBefore;
    progress.purchaseReads += result.counters.purchaseReads;
    progress.evaluated += stats.customers;
    next.cursors = storedCursors(cursors);
    if (!finished) {
      progress.workMs += Date.now() - started;
      if (!(await saveSegmentJobStep(next, job.seq))) return 'skipped';
      await enqueue({ tenantId: job.tenantId, jobId: job.jobId, seq: next.seq });
      logger.info('segment job checkpointed', { tenantId: job.tenantId, jobId: job.jobId, seq: next.seq, evaluated: progress.evaluated });
      return 'checkpointed';
    }
  }

  progress.workMs += Date.now() - started;
  next.status = 'completed';
  next.result = resultOf(next);
  if (!(await saveSegmentJobStep(next, job.seq))) return 'skipped';
  logger.info('segment job completed', { tenantId: job.tenantId, jobId: job.jobId, steps: progress.steps, count: progress.count });
  await options.onCompleted?.(next);
  return 'completed';
}

function resultOf(job: SegmentJobItem): CountResult | PreviewResult {
  const { progress } = job;
  const count: CountResult = {
    ...(job.segmentId === undefined ? {} : { segmentId: job.segmentId }),
    count: progress.count,
    evaluatedAt: job.evaluatedAt,
    customersRead: progress.customersRead,
    readUnits: progress.readUnits,
    durationMs: progress.workMs,
  };
  return job.kind === 'preview' ? { ...count, customers: progress.matches } : count;
}
