/**
 * Creating, editing, copying and deleting campaigns: each a single transaction with its audit entry, the template
 * check and the segment reference it implies (./content-checks.ts, ./segment-usage.ts).
 */
import { auditItem } from '../../audit/audit-entry';
import type { Principal } from '../../auth/roles';
import { problems, type ProblemError } from '../../http/problem';
import { newId } from '../../ids';
import { failedConditionIndexes, isConditionFailure, UnitOfWork } from '../../store/unit-of-work';
import { copyCampaign, newCampaign, patchCampaign, type Campaign } from './campaign';
import { mutateCampaign } from './campaign-mutation';
import { smsUnavailable, statusConflict } from './campaign-problems';
import { loadCampaign, stageCampaignDelete, stageCampaignRewrite, stageNewCampaign } from './campaign-repository';
import type { CampaignCreate, CampaignPatch } from './campaign-schema';
import { assertInlineContentValid, stageTemplateCheck, templateUnavailable } from './content-checks';
import { assertSegmentUsable, segmentUnavailable, stageSegmentUsage } from './segment-usage';

/** Which of the staged checks failed, as the answer to give. */
function explainCheckFailure(
  failed: readonly number[],
  checks: { template: number | undefined; segment: readonly number[]; channel: Campaign['channel'] },
): ProblemError | undefined {
  if (checks.template !== undefined && failed.includes(checks.template)) return templateUnavailable(checks.channel);
  if (failed.some((position) => checks.segment.includes(position))) return segmentUnavailable();
  return undefined;
}

async function insertCampaign(actor: Principal, campaign: Campaign, detail?: string): Promise<Campaign> {
  await assertSegmentUsable(campaign.tenantId, campaign.recipients);
  const uow = new UnitOfWork(undefined);
  stageNewCampaign(uow, campaign);
  const template = stageTemplateCheck(uow, campaign.tenantId, campaign.channel, campaign.content);
  const segment = stageSegmentUsage(uow, campaign, undefined, campaign.recipients, campaign.createdAt);
  uow.put(auditItem(actor, { action: 'created', entity: 'campaign', entityId: campaign.campaignId, ...(detail ? { detail } : {}) }, campaign.createdAt));
  try {
    await uow.commit();
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    throw explainCheckFailure(failedConditionIndexes(error), { template, segment, channel: campaign.channel }) ?? error;
  }
  return campaign;
}

export async function createCampaign(actor: Principal, input: CampaignCreate, now = new Date()): Promise<Campaign> {
  assertInlineContentValid(input.channel, input.content, now);
  const campaign = newCampaign(input, { tenantId: actor.tenantId, campaignId: newId(now.getTime()), createdBy: actor.staffId }, now);
  return insertCampaign(actor, campaign);
}

/** A new draft with the source's channel, content and recipients (any status may be copied). */
export async function copyCampaignAsDraft(actor: Principal, sourceId: string, now = new Date()): Promise<Campaign> {
  const loaded = await loadCampaign(actor.tenantId, sourceId);
  if (!loaded) throw problems.notFound('Campaign');
  const copy = copyCampaign(loaded.campaign, { campaignId: newId(now.getTime()), createdBy: actor.staffId }, now);
  return insertCampaign(actor, copy, `copy of ${sourceId}`);
}

export async function editCampaign(actor: Principal, campaignId: string, patch: CampaignPatch, now = new Date()): Promise<Campaign> {
  return mutateCampaign(actor.tenantId, campaignId, async (loaded) => {
    const outcome = patchCampaign(loaded.campaign, patch, now);
    if (!outcome.ok) {
      switch (outcome.kind) {
        case 'not_editable':
          throw statusConflict('edit', outcome.currentStatus);
        case 'reschedule_needed':
          throw problems.conflict('The campaign is scheduled: move it with POST /v1/campaigns/{id}/schedule.', {
            currentStatus: loaded.campaign.status,
          });
        case 'sms_unavailable':
          throw smsUnavailable();
        case 'invalid':
          throw problems.validation([{ path: outcome.path, message: outcome.message }]);
      }
    }
    const { campaign: next, changed } = outcome;
    if (changed.length === 0) return { kind: 'unchanged', result: next };
    const contentChanged = changed.includes('content') || changed.includes('channel');
    if (contentChanged) assertInlineContentValid(next.channel, next.content, now);
    if (changed.includes('recipients')) await assertSegmentUsable(actor.tenantId, next.recipients);
    let template: number | undefined;
    let segment: number[] = [];
    return {
      kind: 'write',
      stage: (uow) => {
        stageCampaignRewrite(uow, loaded, next);
        if (contentChanged) template = stageTemplateCheck(uow, next.tenantId, next.channel, next.content);
        segment = stageSegmentUsage(uow, next, loaded.campaign.recipients, next.recipients, next.updatedAt);
        uow.put(auditItem(actor, { action: 'updated', entity: 'campaign', entityId: campaignId, fields: changed }, next.updatedAt));
      },
      explainFailure: (failed) => explainCheckFailure(failed, { template, segment, channel: next.channel }),
      result: { ...next, revision: loaded.campaign.revision + 1 },
    };
  });
}

/** Only drafts are deleted; anything that was scheduled or sent stays, for its history and metrics. */
export async function deleteDraftCampaign(actor: Principal, campaignId: string, now = new Date()): Promise<void> {
  await mutateCampaign(actor.tenantId, campaignId, (loaded) => {
    if (loaded.campaign.status !== 'draft') throw statusConflict('delete', loaded.campaign.status);
    const at = now.toISOString();
    return {
      kind: 'write',
      stage: (uow) => {
        stageCampaignDelete(uow, loaded);
        stageSegmentUsage(uow, loaded.campaign, loaded.campaign.recipients, undefined, at);
        uow.put(auditItem(actor, { action: 'deleted', entity: 'campaign', entityId: campaignId }, at));
      },
      result: undefined,
    };
  });
}
