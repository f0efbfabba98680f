/**
 * The reputation guard in front of the send pipeline's entry: every campaign that enters `sending` (send now, a
 * schedule firing, a resume, a direct send) passes through `startCampaignSend`. While the tenant's marketing is held,
 * a marketing send is paused here instead of started, so a scheduled campaign that fires meanwhile waits in `paused`
 * (with its hand-over pending) for the jeweller to resume it after acknowledging. Service messages pass.
 */
import { logger } from '../../observability/logger';
import type { CampaignSendPort } from '../campaigns/send-port';
import { pauseIfMarketing, rememberPausedSends } from './reputation-guard';
import { loadReputationState } from './reputation-store';

export function reputationGuardedSendPort(pipeline: CampaignSendPort): CampaignSendPort {
  return {
    async startCampaignSend(tenantId, campaignId) {
      const state = await loadReputationState(tenantId);
      if (state.status === 'held' && (await pauseIfMarketing(tenantId, campaignId))) {
        await rememberPausedSends(tenantId, [campaignId]);
        logger.warn('reputation guard: marketing send paused instead of started', { tenantId, campaignId });
        return;
      }
      await pipeline.startCampaignSend(tenantId, campaignId);
    },
  };
}
