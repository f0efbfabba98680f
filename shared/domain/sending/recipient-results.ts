/**
 * Per-recipient results of a campaign, paginated (for the campaign metrics' per-recipient list): the recipient records
 * shard after shard, each shard in customer id order. The cursor is opaque (shard and last customer id) and bound to
 * nothing a client could use to reach another tenant: every read is under the caller's tenant and campaign.
 */
import { z } from 'zod';
import { problems } from '../../http/problem';
import { RECIPIENT_SHARDS } from '../../store/keys';
import { RECIPIENT_STATUSES, type CampaignRecipient } from './recipient';
import { readRecipientShard } from './recipient-store';
import { recipientEngagementSchema, recipientEngagementView } from '../engagement/engagement-view';

export const recipientResultSchema = z
  .object({
    customerId: z.string(),
    status: z.enum(RECIPIENT_STATUSES),
    reason: z.string().optional().describe('Skipped: the gate (no_consent, suppressed, no_address, frequency_cap); failed or unknown: why'),
    messageId: z.string().optional().describe('SES message id'),
    frozenAt: z.iso.datetime(),
    claimedAt: z.iso.datetime().optional(),
    finishedAt: z.iso.datetime().optional(),
    engagement: recipientEngagementSchema.describe('Delivery, opens, clicks and attributed revenue (engagement loop)'),
  })
  .meta({ id: 'CampaignRecipientResult' });
export type RecipientResult = z.infer<typeof recipientResultSchema>;

const cursorSchema = z.object({ s: z.number().int().min(0).max(RECIPIENT_SHARDS - 1), a: z.string().max(64).optional() });
type Position = z.infer<typeof cursorSchema>;

const encode = (position: Position) => Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');

function decode(cursor: string | undefined): Position {
  if (cursor === undefined) return { s: 0 };
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw problems.validation([{ path: 'query.cursor', message: 'Invalid cursor' }]);
  }
}

export function recipientResult(recipient: CampaignRecipient): RecipientResult {
  return {
    customerId: recipient.customerId,
    status: recipient.status,
    ...(recipient.reason ? { reason: recipient.reason } : {}),
    ...(recipient.messageId ? { messageId: recipient.messageId } : {}),
    frozenAt: recipient.frozenAt,
    ...(recipient.claimedAt ? { claimedAt: recipient.claimedAt } : {}),
    ...(recipient.finishedAt ? { finishedAt: recipient.finishedAt } : {}),
    engagement: recipientEngagementView(recipient as unknown as Record<string, unknown>),
  };
}

export async function listRecipientResults(
  tenantId: string,
  campaignId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ items: RecipientResult[]; nextCursor: string | null }> {
  let position = decode(page.cursor);
  const items: RecipientResult[] = [];
  while (items.length < page.limit) {
    const read = await readRecipientShard({ tenantId, campaignId }, position.s, { after: position.a, limit: page.limit - items.length });
    items.push(...read.recipients.map(recipientResult));
    if (read.after !== undefined) position = { s: position.s, a: read.after };
    else if (position.s + 1 < RECIPIENT_SHARDS) position = { s: position.s + 1 };
    else return { items, nextCursor: null };
  }
  return { items, nextCursor: encode(position) };
}
