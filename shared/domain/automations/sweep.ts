/**
 * The sweeper's decision for one occurrence status that has not moved for a while. Runs on a schedule (and at local
 * start); it repairs what a crash or a lost message left behind, never sends by itself:
 *  - `scheduled` past its due moment (the one-time schedule did not fire): claim and enqueue it, or record it missed;
 *  - `claimed` or `enqueued` for longer than a queue round trip (a runner died between claim and enqueue, a message
 *    was lost, or the reputation guard holds it): enqueue it again (a duplicate message is harmless: only one worker
 *    can take it; a held one is held again until the hold is acknowledged), or record it missed (`reputation_hold`
 *    when it was held);
 *  - `sending` for longer than a worker can live: the provider call has no known answer, so `unknown`, never resent.
 */
import { expiryPhrase } from './catch-up';
import { toIso, toMs } from './local-time';
import type { Occurrence } from './occurrence';
import type { MissedReason, OutcomeStatus } from './outcomes';

export interface SweepThresholds {
  /** A one-time schedule fires within this after its due moment. */
  scheduleGraceMs: number;
  /** A claimed or enqueued occurrence is taken by a worker within this. */
  queueStaleMs: number;
  /** A worker holding an occurrence in `sending` has certainly stopped after this (several worker timeouts). */
  sendingStaleMs: number;
}

export const DEFAULT_SWEEP_THRESHOLDS: SweepThresholds = {
  scheduleGraceMs: 10 * 60_000,
  queueStaleMs: 15 * 60_000,
  sendingStaleMs: 15 * 60_000,
};

export type SweepDecision =
  | { action: 'none' }
  | { action: 'claim_and_enqueue' }
  | { action: 'enqueue_again' }
  | { action: 'miss'; reason: MissedReason; detail: string }
  | { action: 'unknown' };

export function sweepDecision(
  status: OutcomeStatus,
  occurrence: Pick<Occurrence, 'dueAt' | 'validUntil' | 'subject' | 'type'>,
  lastChangedAt: string,
  now: Date | number,
  thresholds: SweepThresholds = DEFAULT_SWEEP_THRESHOLDS,
): SweepDecision {
  const at = toMs(now);
  const idle = at - toMs(lastChangedAt);
  const expired = at >= toMs(occurrence.validUntil);
  const missed = (reason: MissedReason, what: string): SweepDecision => ({
    action: 'miss',
    reason,
    detail: `${what}; found by the sweeper at ${toIso(at)}, after ${occurrence.validUntil}; ${expiryPhrase(occurrence)}`,
  });
  switch (status.state) {
    case 'scheduled':
      if (at < toMs(occurrence.dueAt) + thresholds.scheduleGraceMs) return { action: 'none' };
      return expired ? missed('schedule_late', 'its schedule did not fire') : { action: 'claim_and_enqueue' };
    case 'claimed':
    case 'enqueued':
      if (idle < thresholds.queueStaleMs) return { action: 'none' };
      if (!expired) return { action: 'enqueue_again' };
      return status.heldSince !== undefined
        ? missed('reputation_hold', `held by the reputation guard since ${status.heldSince}`)
        : missed('send_late', `${status.state} but never taken for sending`);
    case 'sending':
      return idle < thresholds.sendingStaleMs ? { action: 'none' } : { action: 'unknown' };
    default:
      return { action: 'none' };
  }
}
