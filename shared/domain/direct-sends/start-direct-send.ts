/**
 * Starting a direct send (bulk, one-to-one, a test to a customer): the content is checked like a template, the
 * audience like a campaign's, the jeweller's SES tenant is made ready, then one transaction writes the send (already
 * `sending`), its segment reference and its audit entry, and the send is handed to the pipeline through the same port
 * campaigns use. From there it is a campaign like any other: the dispatcher freezes the audience with the gates, the
 * workers send, the reconciler completes it.
 */
import { auditItem } from '../../audit/audit-entry';
import type { Principal } from '../../auth/roles';
import { newId } from '../../ids';
import { logger } from '../../observability/logger';
import { failedConditionIndexes, isConditionFailure, UnitOfWork } from '../../store/unit-of-work';
import type { Campaign } from '../campaigns/campaign';
import type { CampaignRecipients } from '../campaigns/campaign-schema';
import { assertInlineContentValid } from '../campaigns/content-checks';
import { handOverToPipeline } from '../campaigns/send-handover';
import type { CampaignSendPort } from '../campaigns/send-port';
import { assertSegmentUsable, segmentUnavailable, stageSegmentUsage } from '../campaigns/segment-usage';
import type { MessagePurpose } from '../sending/gates';
import { ensureSesTenant } from '../sender-identity/ses-tenant-setup';
import { directSendCampaign, type InlineEmail } from './direct-send';
import { stageNewDirectSend } from './direct-send-store';
import type { DirectSendOrigin } from './send-origin';

export interface DirectSendDeps {
  /** The send pipeline (campaigns' port); undefined: none installed, the send stays `sending` with its hand-over pending. */
  readonly sendPort: CampaignSendPort | undefined;
  readonly now: () => Date;
}

export interface DirectSendRequest {
  readonly origin: DirectSendOrigin;
  readonly content: InlineEmail;
  readonly recipients: CampaignRecipients;
  readonly purpose: MessagePurpose;
  readonly testOf?: string;
  /** Where the content sits in the request, for 400s naming its fields (`body`, or `body.content`). */
  readonly contentPath: string;
}

const AUDIT_ENTITY: Record<DirectSendOrigin, string> = { bulk: 'bulk_send', one_to_one: 'one_to_one_message', test: 'test_send' };

export async function startDirectSend(principal: Principal, request: DirectSendRequest, deps: DirectSendDeps): Promise<Campaign> {
  const now = deps.now();
  assertInlineContentValid('email', request.content, now, request.contentPath);
  await assertSegmentUsable(principal.tenantId, request.recipients);
  await ensureSesTenant(principal.tenantId, now);

  const sendId = newId(now.getTime());
  const campaign = directSendCampaign(request, { tenantId: principal.tenantId, sendId, createdBy: principal.staffId }, now);
  const uow = new UnitOfWork(undefined);
  stageNewDirectSend(uow, campaign, {
    origin: request.origin,
    purpose: request.purpose,
    ...(request.testOf === undefined ? {} : { testOf: request.testOf }),
  });
  const segment = stageSegmentUsage(uow, campaign, undefined, campaign.recipients, campaign.createdAt);
  const detail = request.testOf === undefined ? undefined : `test of campaign ${request.testOf}`;
  uow.put(auditItem(principal, { action: 'sent', entity: AUDIT_ENTITY[request.origin], entityId: sendId, ...(detail ? { detail } : {}) }, campaign.createdAt));
  try {
    await uow.commit();
  } catch (error) {
    if (isConditionFailure(error) && failedConditionIndexes(error).some((position) => segment.includes(position))) throw segmentUnavailable();
    throw error;
  }

  try {
    await handOverToPipeline(deps.sendPort, campaign);
  } catch (error) {
    // As for campaigns: the send is recorded and stays `sending` with its hand-over pending; the answer stands.
    logger.error('direct send hand-over to the send pipeline failed; it stays pending', { tenantId: principal.tenantId, sendId, error: error as Error });
  }
  logger.info('direct send started', { tenantId: principal.tenantId, sendId, origin: request.origin });
  return campaign;
}
