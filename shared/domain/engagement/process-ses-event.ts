/**
 * One SES event (EventBridge, at least once, in any order) through the engagement loop:
 *  1. read it: the recipient from the message tags (tenant, campaign, customer), the signal from the event type;
 *  2. for a hard bounce or a complaint, the effects that must happen even if this is a retry: the address suppressed,
 *     and for a complaint the email marketing consent withdrawn (./feedback-effects.ts);
 *  3. the recipient's status, the campaign counters and the reputation figures in one transaction (./engagement-store.ts);
 *  4. the reputation guard judges the tenant after a bounce or complaint (and, throttled, after sends).
 * Events about messages without a recipient (a staff test email) or about another message id change nothing.
 */
import { logger } from '../../observability/logger';
import type { EventPublisher } from '../../store/unit-of-work';
import { applySignal, readRecipient, type ApplyOutcome } from './engagement-store';
import { suppressAddress, withdrawAfterComplaint } from './feedback-effects';
import { judgeTenant, judgeTenantAfterSends, type GuardOutcome } from './reputation-guard';
import { readSesEvent, type ReadSesEvent } from './ses-event';

export interface SesEventDeps {
  readonly publisher: EventPublisher | undefined;
  readonly now: () => Date;
}

export type SesEventOutcome =
  | Extract<ReadSesEvent, { kind: 'ignored' }>
  | { readonly kind: ApplyOutcome['kind']; readonly signal: string; readonly guard?: GuardOutcome['kind'] };

export async function processSesEvent(event: unknown, deps: SesEventDeps): Promise<SesEventOutcome> {
  const read = readSesEvent(event);
  if (read.kind === 'ignored') return read;
  const { message, signal } = read;
  const ref = { tenantId: message.tenantId, campaignId: message.campaignId, customerId: message.customerId };
  const ids = { ...ref, messageId: message.messageId, signal: signal.kind };

  const feedback = signal.kind === 'hard_bounce' || signal.kind === 'complaint';
  if (feedback) {
    const recipient = await readRecipient(ref);
    const known = recipient?.item.messageId;
    if (!recipient || (typeof known === 'string' && known !== message.messageId)) return { kind: 'no_recipient', signal: signal.kind };
    for (const address of read.addresses) {
      const added = await suppressAddress(ref.tenantId, address, signal.kind === 'complaint' ? 'complaint' : 'hard_bounce', signal.at);
      if (added) logger.info('address suppressed', { ...ids, reason: signal.kind });
    }
    if (signal.kind === 'complaint') await withdrawAfterComplaint(ref.tenantId, ref.customerId, deps.publisher, deps.now());
  }

  const outcome = await applySignal(ref, () => signal, { messageId: message.messageId });
  logger.info('SES event', { ...ids, outcome: outcome.kind, ...(read.detail ? { detail: read.detail } : {}) });
  if (outcome.kind === 'no_recipient') return { kind: outcome.kind, signal: signal.kind };

  // After a bounce or complaint always (also on a retry, in case the first try died before judging); after sends now
  // and then, for the tenant that crosses the minimum number of sends with bounces already counted.
  let guard: GuardOutcome | undefined;
  if (feedback) guard = await judgeTenant(ref.tenantId, deps.now());
  else if (outcome.kind === 'applied' && outcome.plan.reputation.sends) guard = await judgeTenantAfterSends(ref.tenantId, deps.now());
  return { kind: outcome.kind, signal: signal.kind, ...(guard ? { guard: guard.kind } : {}) };
}
