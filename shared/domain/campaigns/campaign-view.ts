/** The campaign as the API shows it: what the jeweller set, where it stands, and when things happened. */
import { z } from 'zod';
import { isoDateTime } from '../../api/common';
import type { Campaign } from './campaign';
import {
  campaignChannelSchema,
  campaignContentSchema,
  campaignDescriptionSchema,
  campaignNameSchema,
  campaignRecipientsSchema,
  campaignScheduleSchema,
} from './campaign-schema';
import { CAMPAIGN_STATUSES } from './state-machine';

export const campaignStatusSchema = z
  .enum(CAMPAIGN_STATUSES)
  .meta({ id: 'CampaignStatus', description: 'draft → scheduled → sending ⇄ paused → sent; cancelled from any but sent' });

export const campaignSchema = z
  .object({
    campaignId: z.string(),
    name: campaignNameSchema,
    description: campaignDescriptionSchema.optional(),
    channel: campaignChannelSchema,
    content: campaignContentSchema,
    recipients: campaignRecipientsSchema,
    schedule: campaignScheduleSchema.optional(),
    status: campaignStatusSchema,
    scheduleVersion: z.number().int().min(0).describe('Bumped by every schedule and reschedule'),
    scheduledFor: isoDateTime.optional().describe('When the current schedule fires (scheduled campaigns only)'),
    createdBy: z.string().describe('Staff id of whoever created it'),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
    startedAt: isoDateTime.optional(),
    pausedAt: isoDateTime.optional(),
    completedAt: isoDateTime.optional(),
    cancelledAt: isoDateTime.optional(),
  })
  .meta({ id: 'Campaign' });
export type CampaignView = z.output<typeof campaignSchema>;

export function campaignView(campaign: Campaign): CampaignView {
  const { tenantId: _tenant, revision: _revision, handover: _handover, ...view } = campaign;
  return view;
}
