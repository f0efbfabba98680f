/**
 * Every runner pass walks the open list (occurrences scheduled, claimed or enqueued, by due instant) up to the end of
 * its look-ahead, and moves each one on:
 *  - `scheduled` (an event-based reminder whose moment comes): fired through the hand-over, or `missed` when the pass
 *    comes too late for it (`schedule_late`);
 *  - `claimed` for longer than a pass needs (its runner died between the claim and the hand-over): handed over again
 *    (`sweepDecision` → `enqueue_again`), or missed once no longer worth sending;
 *  - `enqueued`: the pipeline's recipient says how it ended (sent, skipped by a gate, failed, unknown) and the
 *    occurrence takes that outcome; a recipient still queued long after the hand-over lost its job and gets it again;
 *    a recipient whose worker died mid-send is resolved (./store/pipeline-outcome.ts).
 * One occurrence's failure is logged and counted; the walk goes on.
 */
import { logger } from '../../observability/logger';
import { handOver, type HandoverResult } from './handover-service';
import { localDateOf, toMs } from './local-time';
import type { OutcomeEvent } from './outcomes';
import { verdictOnFiring } from './catch-up';
import { DEFAULT_SWEEP_THRESHOLDS, sweepDecision, type SweepThresholds } from './sweep';
import type { LoadedTenant } from './tenant-context-service';
import { automationSendJob, enqueueAutomationSend } from './store/automation-send';
import { applyOccurrenceEvent, loadOpenOccurrence, openOccurrencesDueBefore, type OccurrenceRecord } from './store/occurrence-store';
import { getRecipient, outcomeOfRecipient, resolveStaleSend, withdrawQueuedRecipient } from './store/pipeline-outcome';
import { loadReentryHistory, stageReentryHistory } from './store/reentry-store';
import { emptyRunCounts, type RunCounts } from './store/run-store';

/** A claim taken by a worker that has not answered after this is resolved (send workers time out after a minute). */
export const STALE_SEND_MS = 10 * 60_000;

export interface SweepOptions {
  readonly now: Date;
  readonly lookaheadMs: number;
  readonly thresholds?: SweepThresholds;
  readonly context: (tenantId: string) => Promise<LoadedTenant>;
  /** Stop starting new work after this wall-clock instant (epoch ms). */
  readonly deadlineMs?: number;
  /**
   * The wall clock (epoch ms), `Date.now` unless a test injects one. A worker stamps its claim on a recipient with the
   * real time, so whether that claim is stale is judged on the real time too, never on the pass's clock: a
   * clock-override pass run "an hour later" would otherwise take a worker that is sending right now for a dead one
   * and mark its message `unknown` although it went out.
   */
  readonly wallClock?: () => number;
}

/** Counts per tenant and automation, for the pass's run records. */
export type SweepCounts = Map<string, Map<string, RunCounts>>;

function countsFor(all: SweepCounts, tenantId: string, automationId: string): RunCounts {
  let byAutomation = all.get(tenantId);
  if (!byAutomation) all.set(tenantId, (byAutomation = new Map()));
  let counts = byAutomation.get(automationId);
  if (!counts) byAutomation.set(automationId, (counts = emptyRunCounts()));
  return counts;
}

export function countHandover(counts: RunCounts, result: HandoverResult): void {
  switch (result.kind) {
    case 'enqueued':
      counts.enqueued += 1;
      return;
    case 'skipped':
      counts.skipped[result.reason] = (counts.skipped[result.reason] ?? 0) + 1;
      return;
    case 'missed':
      counts.missed += 1;
      return;
    case 'failed':
      counts.failed += 1;
      return;
    case 'taken':
      counts.alreadyHandled += 1;
      return;
    case 'held':
      counts.held += 1;
      return;
    case 'waiting':
      return;
  }
}

async function settleEnqueued(ctx: LoadedTenant, record: OccurrenceRecord, counts: RunCounts, now: Date, thresholds: SweepThresholds, wallNow: number): Promise<void> {
  const { occurrence } = record;
  const write = { now, localDate: localDateOf(now.getTime(), ctx.clock.timeZone) };
  const apply = (events: OutcomeEvent | OutcomeEvent[]) => applyOccurrenceEvent(ctx.tenantId, occurrence, record, events, write);
  if (record.sendId === undefined) {
    if ((await apply({ type: 'fail', reason: 'send_lost' })).ok) counts.failed += 1;
    return;
  }
  const ref = { tenantId: ctx.tenantId, campaignId: record.sendId, customerId: occurrence.customerId };
  let recipient = await getRecipient(ref.tenantId, ref.campaignId, ref.customerId);
  if (recipient === undefined) {
    if ((await apply({ type: 'fail', reason: 'send_lost' })).ok) counts.failed += 1;
    return;
  }
  const purpose = ctx.automations.get(occurrence.automationId)?.automation.purpose ?? 'marketing';
  if (recipient.status === 'sending' && wallNow - Date.parse(recipient.claimedAt ?? record.changedAt) >= STALE_SEND_MS) {
    recipient = await resolveStaleSend(recipient, purpose, now);
  }
  const outcome = outcomeOfRecipient(recipient);
  if (outcome !== undefined) {
    // Re-entry spacing counts messages that went out: a message the pipeline did not send gives its place back.
    const wentNowhere = outcome.every((event) => event.type === 'skip' || event.type === 'fail');
    const policy = ctx.automations.get(occurrence.automationId)?.automation.reentry;
    const history = wentNowhere && policy ? await loadReentryHistory(ctx.tenantId, occurrence.automationId, occurrence.customerId) : undefined;
    const ref = { tenantId: ctx.tenantId, automationId: occurrence.automationId, customerId: occurrence.customerId };
    const settled = await applyOccurrenceEvent(ctx.tenantId, occurrence, record, outcome, {
      ...write,
      ...(history && history.entries.some((entry) => entry.occurrenceKey === occurrence.occurrenceKey)
        ? { alongside: (uow) => stageReentryHistory(uow, ref, history.entries.filter((entry) => entry.occurrenceKey !== occurrence.occurrenceKey), history.version) }
        : {}),
    });
    if (settled.ok) counts.settled += 1;
    return;
  }
  if (recipient.status !== 'queued') return;
  const decision = sweepDecision(record.status, occurrence, record.changedAt, now, thresholds);
  if (decision.action === 'miss') {
    // Only a recipient no worker has taken may be withdrawn; one being sent ends as the pipeline says.
    if (await withdrawQueuedRecipient(ref, 'expired before it was sent', now)) {
      if ((await apply({ type: 'miss', reason: decision.reason, detail: decision.detail })).ok) counts.missed += 1;
    }
  } else if (decision.action === 'enqueue_again') {
    await enqueueAutomationSend(automationSendJob({ ...ref, sendId: record.sendId, purpose, frozenAt: recipient.frozenAt }), (toMs(occurrence.dueAt) - now.getTime()) / 1000);
    logger.info('automation send job enqueued again', { tenantId: ctx.tenantId, automationId: occurrence.automationId, sendId: record.sendId });
  }
}

async function moveOn(ctx: LoadedTenant, record: OccurrenceRecord, counts: RunCounts, options: SweepOptions): Promise<void> {
  const { now, lookaheadMs } = options;
  const thresholds = options.thresholds ?? DEFAULT_SWEEP_THRESHOLDS;
  const { occurrence } = record;
  const stored = ctx.automations.get(occurrence.automationId);
  const write = { now, localDate: localDateOf(now.getTime(), ctx.clock.timeZone) };
  switch (record.status.state) {
    case 'scheduled': {
      // Within the look-ahead it is handed over now and delivered at its moment.
      const firing = verdictOnFiring(occurrence, Math.max(now.getTime(), Math.min(toMs(occurrence.dueAt), now.getTime() + lookaheadMs)));
      if (firing.kind === 'not_yet_due') return;
      counts.due += 1;
      if (firing.kind === 'missed') {
        const moved = await applyOccurrenceEvent(ctx.tenantId, occurrence, record, { type: 'miss', reason: firing.reason, detail: firing.detail }, write);
        if (moved.ok) counts.missed += 1;
        return;
      }
      countHandover(counts, await handOver(ctx, stored, occurrence, record));
      return;
    }
    case 'claimed': {
      const decision = sweepDecision(record.status, occurrence, record.changedAt, now, thresholds);
      if (decision.action === 'miss') {
        const moved = await applyOccurrenceEvent(ctx.tenantId, occurrence, record, { type: 'miss', reason: decision.reason, detail: decision.detail }, write);
        if (moved.ok) counts.missed += 1;
      } else if (decision.action === 'enqueue_again') {
        // Held by the reputation guard and still held: nothing to re-read (a big book's held claims are walked every pass).
        if (record.status.heldSince !== undefined && stored?.automation.purpose === 'marketing' && (await ctx.marketingHeld())) {
          counts.held += 1;
          return;
        }
        countHandover(counts, await handOver(ctx, stored, occurrence, record));
      }
      return;
    }
    case 'enqueued':
      await settleEnqueued(ctx, record, counts, now, thresholds, (options.wallClock ?? Date.now)());
      return;
    default:
      return;
  }
}

/** One walk of the open list; counts per tenant and automation. */
export async function sweepOpenOccurrences(options: SweepOptions): Promise<{ counts: SweepCounts; errors: number; complete: boolean }> {
  const counts: SweepCounts = new Map();
  let errors = 0;
  const until = new Date(options.now.getTime() + options.lookaheadMs);
  for await (const ref of openOccurrencesDueBefore(until)) {
    if (options.deadlineMs !== undefined && Date.now() > options.deadlineMs) return { counts, errors, complete: false };
    try {
      const record = await loadOpenOccurrence(ref);
      if (!record) continue;
      const ctx = await options.context(ref.tenantId);
      await moveOn(ctx, record, countsFor(counts, ref.tenantId, ref.automationId), options);
    } catch (error) {
      errors += 1;
      logger.error('open automation occurrence not moved on', { tenantId: ref.tenantId, automationId: ref.automationId, error: error as Error });
    }
  }
  return { counts, errors, complete: true };
}
