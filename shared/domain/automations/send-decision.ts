/**
 * What the automation sender does with a queued occurrence, decided from what it has just read: the occurrence's
 * status, the automation, the record the occurrence is about (./still-valid.ts), the audience, the send pipeline's
 * gates and the re-entry history. Pure; the sender then applies the matching transition (./outcomes.ts) with a
 * conditional write, `start_send` together with the re-entry history, so that only one worker ever calls the provider.
 *
 * Order: a message that is not this worker's to send (taken, finished) is dropped; one that arrived early waits; one
 * that is no longer worth sending is missed (`reputation_hold` when it was held until then, else `send_late`); then
 * the skips, first the automation's own (switched off, stale record, audience); then a marketing occurrence whose
 * tenant's marketing is held by the reputation guard is **held** (it stays claimed, nothing is written to the re-entry
 * history, and a later pass takes it again once the hold is acknowledged); then the pipeline's gates (consent for the
 * automation's purpose, address, suppression, frequency cap), then re-entry.
 */
import type { Occurrence } from './occurrence';
import { expiryPhrase } from './catch-up';
import { toIso, toMs } from './local-time';
import type { OutcomeStatus } from './outcomes';
import type { ReentryDecision, ReentryEntry } from './reentry';
import type { Staleness } from './still-valid';

export type AutomationSkipReason = 'automation_off' | 'not_in_audience' | 'reentry' | Staleness;

export interface SendFacts {
  status: OutcomeStatus | undefined;
  occurrence: Occurrence;
  now: Date | number;
  /** The automation still exists and is switched on. */
  automationOn: boolean;
  staleness: Staleness | undefined;
  inAudience: boolean;
  /** The reputation guard holds the tenant's marketing and this is a marketing automation (service ones go on). */
  marketingHeld: boolean;
  /** The first closed gate of the send pipeline (`no_consent`, `suppressed`, ...), if any. */
  closedGate: string | undefined;
  reentry: ReentryDecision;
}

export type SendDecision =
  | { action: 'send'; history: ReentryEntry[] }
  | { action: 'skip'; reason: AutomationSkipReason | string }
  | { action: 'miss'; reason: 'send_late' | 'reputation_hold'; detail: string }
  | { action: 'hold' }
  | { action: 'wait'; until: string }
  | { action: 'drop' };

export function decideSend(facts: SendFacts): SendDecision {
  const state = facts.status?.state;
  if (state !== 'claimed' && state !== 'enqueued') return { action: 'drop' };
  const now = toMs(facts.now);
  const { occurrence } = facts;
  if (now < toMs(occurrence.dueAt)) return { action: 'wait', until: occurrence.dueAt };
  if (now >= toMs(occurrence.validUntil)) {
    const heldSince = facts.status?.heldSince;
    return heldSince !== undefined
      ? { action: 'miss', reason: 'reputation_hold', detail: `held by the reputation guard since ${heldSince}; ${expiryPhrase(occurrence)} before the hold was acknowledged` }
      : { action: 'miss', reason: 'send_late', detail: `taken for sending at ${toIso(now)}, after ${occurrence.validUntil}; ${expiryPhrase(occurrence)}` };
  }
  if (!facts.automationOn) return { action: 'skip', reason: 'automation_off' };
  if (facts.staleness !== undefined) return { action: 'skip', reason: facts.staleness };
  if (!facts.inAudience) return { action: 'skip', reason: 'not_in_audience' };
  if (facts.marketingHeld) return { action: 'hold' };
  if (facts.closedGate !== undefined) return { action: 'skip', reason: facts.closedGate };
  if (!facts.reentry.allowed) return { action: 'skip', reason: 'reentry' };
  return { action: 'send', history: facts.reentry.history };
}
