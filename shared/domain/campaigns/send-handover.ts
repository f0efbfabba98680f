/**
 * After a campaign entered `sending`: hands it to the send pipeline through the port, then records the hand-over as
 * done. With no pipeline installed yet, the campaign stays `sending` with its hand-over pending and a warning is
 * logged: nothing is sent, nothing pretends to be.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { env } from '../../config/env';
import { logger } from '../../observability/logger';
import { documentClient } from '../../store/dynamo';
import { keys } from '../../store/keys';
import { isConditionFailure } from '../../store/unit-of-work';
import type { CampaignSendPort } from './send-port';

export type HandoverOutcome = 'handed_over' | 'no_pipeline';

/** Throws what the port threw (the campaign keeps `handover: 'pending'`, so a retry or the reconciler can try again). */
export async function handOverToPipeline(
  port: CampaignSendPort | undefined,
  campaign: { tenantId: string; campaignId: string },
): Promise<HandoverOutcome> {
  const ids = { tenantId: campaign.tenantId, campaignId: campaign.campaignId };
  if (!port) {
    logger.warn('campaign is sending but no send pipeline is installed yet: left in sending, nothing sent', ids);
    return 'no_pipeline';
  }
  await port.startCampaignSend(campaign.tenantId, campaign.campaignId);
  await markHandedOver(campaign.tenantId, campaign.campaignId);
  logger.info('campaign handed over to the send pipeline', ids);
  return 'handed_over';
}

/** Only while still sending with the hand-over pending: a pause or cancel in between keeps its own state. */
async function markHandedOver(tenantId: string, campaignId: string): Promise<void> {
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: env.tableName(),
        Key: keys.tenantEntity(tenantId, 'CAMPAIGN', campaignId),
        UpdateExpression: 'SET handover = :done ADD revision :one',
        ConditionExpression: '#status = :sending AND handover = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':done': 'done', ':one': 1, ':sending': 'sending', ':pending': 'pending' },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}
