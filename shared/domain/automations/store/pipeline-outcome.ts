/**
 * What the send pipeline did with an automation's message, read from its recipient record, and the occurrence
 * events that say the same: the sweeper copies a finished recipient's status onto the occurrence, so every
 * occurrence ends in exactly the outcome its one message had.
 *
 * The pipeline's reconciler watches campaigns on its worklist only, which automation sends are not (they have no
 * dispatch), so a recipient whose worker died mid-send is resolved here the same way: `sent` when SES's answer reached
 * the timeline, `failed` when its refusal did, else `unknown` (never resent).
 */
import { logger } from '../../../observability/logger';
import { putCampaignCommunication, readCampaignCommunication } from '../../sending/campaign-communication';
import type { MessagePurpose } from '../../sending/gates';
import type { CampaignRecipient } from '../../sending/recipient';
import { getRecipient, transitionRecipient } from '../../sending/recipient-store';
import type { OutcomeEvent } from '../outcomes';

export { getRecipient };

/** The occurrence events matching a finished recipient; undefined while it is still queued or being sent. */
export function outcomeOfRecipient(recipient: CampaignRecipient): OutcomeEvent[] | undefined {
  switch (recipient.status) {
    case 'sent':
      return [{ type: 'start_send' }, { type: 'sent', messageId: recipient.messageId ?? 'unknown' }];
    case 'unknown':
      return [{ type: 'start_send' }, { type: 'unknown' }];
    case 'skipped':
      return [{ type: 'skip', reason: recipient.skipReason ?? recipient.reason ?? 'skipped' }];
    case 'failed':
      return [{ type: 'fail', reason: (recipient.reason ?? 'failed').slice(0, 200) }];
    case 'cancelled':
      return [{ type: 'skip', reason: recipient.reason ?? 'cancelled' }];
    default:
      return undefined;
  }
}

/** Takes a queued recipient out of the pipeline (its occurrence was cancelled or expired); false if a worker has it. */
export function withdrawQueuedRecipient(ref: { tenantId: string; campaignId: string; customerId: string }, reason: string, now: Date): Promise<boolean> {
  return transitionRecipient(ref, { from: ['queued'], to: 'cancelled', set: { reason, finishedAt: now.toISOString() } });
}

/** Resolves a claim older than any worker lives; answers the recipient as it is afterwards. */
export async function resolveStaleSend(recipient: CampaignRecipient, purpose: MessagePurpose, now: Date): Promise<CampaignRecipient> {
  const at = now.toISOString();
  const ref = { tenantId: recipient.tenantId, campaignId: recipient.campaignId, customerId: recipient.customerId };
  const fromClaim = { from: ['sending'] as const, ...(recipient.claimedAt ? { claimedAt: recipient.claimedAt } : {}) };
  const communication = recipient.communicationSk
    ? await readCampaignCommunication(recipient.tenantId, recipient.customerId, recipient.communicationSk)
    : undefined;
  if (communication?.providerMessageId) {
    const moved = await transitionRecipient(ref, { ...fromClaim, to: 'sent', set: { messageId: communication.providerMessageId, finishedAt: at } });
    return moved ? { ...recipient, status: 'sent', messageId: communication.providerMessageId } : ((await getRecipient(ref.tenantId, ref.campaignId, ref.customerId)) ?? recipient);
  }
  if (communication?.status === 'failed') {
    const moved = await transitionRecipient(ref, { ...fromClaim, to: 'failed', set: { reason: 'refused by the provider', finishedAt: at } });
    return moved ? { ...recipient, status: 'failed', reason: 'refused by the provider' } : ((await getRecipient(ref.tenantId, ref.campaignId, ref.customerId)) ?? recipient);
  }
  const reason = 'no answer from the provider (worker stopped); not resent';
  if (recipient.claimedAt) {
    await putCampaignCommunication({
      tenantId: recipient.tenantId,
      customerId: recipient.customerId,
      campaignId: recipient.campaignId,
      purpose,
      kind: 'automation',
      frozenAt: recipient.frozenAt,
      claimedAt: recipient.claimedAt,
      status: 'unknown',
      at,
      reason,
    });
  }
  const moved = await transitionRecipient(ref, { ...fromClaim, to: 'unknown', set: { reason, finishedAt: at } });
  if (moved) logger.warn('automation send without an answer marked unknown', { tenantId: ref.tenantId, sendId: ref.campaignId, customerId: ref.customerId });
  return moved ? { ...recipient, status: 'unknown', reason } : ((await getRecipient(ref.tenantId, ref.campaignId, ref.customerId)) ?? recipient);
}
