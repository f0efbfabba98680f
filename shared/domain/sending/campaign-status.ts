/**
 * A campaign's status as the send workers see it: read at most every few seconds per container and campaign, so a
 * batch of ten recipients costs one read, and a pause or cancel reaches every worker within CACHE_MS.
 */
import type { CampaignStatus } from '../campaigns/state-machine';
import { loadCampaign } from '../campaigns/campaign-repository';

export const CAMPAIGN_STATUS_CACHE_MS = 5_000;

/** The read in flight is shared: the ten records of a batch asking at once cost one read, not ten. */
const cache = new Map<string, { status: Promise<CampaignStatus | undefined>; readAt: number }>();

export function cachedCampaignStatus(tenantId: string, campaignId: string, nowMs: number = Date.now()): Promise<CampaignStatus | undefined> {
  const key = `${tenantId}|${campaignId}`;
  const cached = cache.get(key);
  if (cached && nowMs - cached.readAt < CAMPAIGN_STATUS_CACHE_MS) return cached.status;
  if (cache.size > 1000) cache.clear();
  const status = loadCampaign(tenantId, campaignId).then((loaded) => loaded?.campaign.status);
  status.catch(() => cache.delete(key));
  cache.set(key, { status, readAt: nowMs });
  return status;
}

/** Tests and the reconciler's own reads start from the table again. */
export function forgetCampaignStatuses(): void {
  cache.clear();
}
