/**
 * A campaign email on the customer's timeline (`keys.customerTimed(t, c, 'COMM', at, id)`, shape of
 * shared/domain/customers/communication.ts). Its key is fixed by the claim (time of the claim, campaign id), so it is
 * written once per claim and can be found again: the reconciler reads it to learn whether SES answered a worker that
 * died right after writing it. `purpose` (not part of the API shape) lets the frequency cap count marketing only.
 */
import { PutCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { env } from '../../config/env';
import { documentClient } from '../../store/dynamo';
import { keys } from '../../store/keys';
import { isConditionFailure } from '../../store/unit-of-work';
import type { Communication, CommunicationKind, CommunicationStatus } from '../customers/communication';
import type { MessagePurpose } from './gates';

/** The communication id of a campaign email: one per customer and campaign. */
export const campaignCommunicationId = (campaignId: string) => `cmp_${campaignId}`;

export const campaignCommunicationSk = (tenantId: string, customerId: string, claimedAt: string, campaignId: string) =>
  keys.customerTimed(tenantId, customerId, 'COMM', claimedAt, campaignCommunicationId(campaignId)).sk;

export interface CampaignCommunicationInput {
  readonly tenantId: string;
  readonly customerId: string;
  readonly campaignId: string;
  readonly purpose: MessagePurpose;
  /** `campaign`, the origin of a direct send (bulk, one_to_one, test) or `automation`; campaign when absent. */
  readonly kind?: Extract<CommunicationKind, 'campaign' | 'bulk' | 'one_to_one' | 'test' | 'automation'>;
  /** The rendered subject; unknown when the reconciler writes the entry of a send whose worker died. */
  readonly subject?: string;
  readonly frozenAt: string;
  readonly claimedAt: string;
  readonly status: Extract<CommunicationStatus, 'sent' | 'failed' | 'unknown'>;
  readonly at: string;
  readonly providerMessageId?: string;
  readonly reason?: string;
}

export function campaignCommunicationItem(input: CampaignCommunicationInput): Record<string, unknown> {
  const communication: Communication = {
    id: campaignCommunicationId(input.campaignId),
    kind: input.kind ?? 'campaign',
    channel: 'email',
    ...(input.subject === undefined ? {} : { subject: input.subject.slice(0, 300) }),
    campaignId: input.campaignId,
    status: input.status,
    statusHistory: [
      { status: 'queued', at: input.frozenAt },
      { status: input.status, at: input.at },
    ],
    ...(input.reason ? { reason: input.reason.slice(0, 200) } : {}),
    ...(input.providerMessageId ? { providerMessageId: input.providerMessageId } : {}),
    createdAt: input.claimedAt,
  };
  return {
    ...keys.customerTimed(input.tenantId, input.customerId, 'COMM', input.claimedAt, communication.id),
    type: 'Communication',
    tenantId: input.tenantId,
    customerId: input.customerId,
    purpose: input.purpose,
    ...communication,
  };
}

/** Writes the entry unless it exists (the engagement loop updates it afterwards; a late writer must not undo that). */
export async function putCampaignCommunication(input: CampaignCommunicationInput): Promise<boolean> {
  try {
    await documentClient.send(
      new PutCommand({ TableName: env.tableName(), Item: campaignCommunicationItem(input), ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** The entry written for a claim, if any. */
export async function readCampaignCommunication(
  tenantId: string,
  customerId: string,
  communicationSk: string,
): Promise<{ status?: string; providerMessageId?: string } | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: env.tableName(),
      Key: { pk: keys.customerCollection(tenantId, customerId).pk, sk: communicationSk },
      ConsistentRead: true,
    }),
  );
  return Item as { status?: string; providerMessageId?: string } | undefined;
}
