/**
 * A tenant's bulk marketing sends (campaigns and one-off bulk sends) go out one at a time, in the order they started.
 *
 * Why: the frequency cap is judged by the send worker from the customer's timeline, which holds a message once SES has
 * answered for it. Two of a tenant's campaigns sending at once reach the same customer at nearly the same moment
 * (recipients are enqueued in the same order), and each worker sees the other's email too late: measured locally, a
 * fourth campaign to the demo VIPs started with two others mailed 52 of 89 customers a fourth time against a cap of 3.
 * Taking turns makes the timeline complete before the next campaign's first email; it costs no write per recipient,
 * and a jeweller's campaigns share the same send rate anyway, so the last one finishes when it would have.
 *
 * A send whose turn has not come waits in its enqueue phase (frozen, nothing on the queue). Service messages, one-to-one
 * and test sends never wait and never hold anyone up; a paused campaign holds no one up (a resumed one can then overlap
 * with a later one, the one case left).
 */
import { loadCampaign } from '../campaigns/campaign-repository';
import { sendOriginOf, type SendRouting } from '../direct-sends/send-origin';
import { activeSendsOfTenant } from './dispatch-store';

export function takesTurns(routing: Pick<SendRouting, 'purpose' | 'lane' | 'communicationKind'>): boolean {
  return routing.purpose === 'marketing' && routing.lane === 'bulk' && (routing.communicationKind === 'campaign' || routing.communicationKind === 'bulk');
}

/** The campaign whose turn comes before this one's and which is still sending, if any. */
export async function sendingAhead(tenantId: string, campaignId: string): Promise<string | undefined> {
  const active = await activeSendsOfTenant(tenantId);
  const own = active.find((send) => send.campaignId === campaignId);
  if (own === undefined) return undefined;
  const before = active
    .filter((send) => send.since < own.since || (send.since === own.since && send.campaignId < own.campaignId))
    .sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : 0));
  for (const send of before) {
    const loaded = await loadCampaign(tenantId, send.campaignId);
    if (loaded?.campaign.status === 'sending' && takesTurns(sendOriginOf(loaded.item))) return send.campaignId;
  }
  return undefined;
}
