/**
 * A campaign's status as the send workers see it: read at most every few seconds per container and campaign, so a
 * batch of ten recipients costs one read, and a pause or cancel reaches every worker within CACHE_MS.
 */
import type { CampaignStatus } from '../campaigns/state-machine';
import { loadCampaign } from '../campaigns/campaign-repository';

export const CAMPAIGN_STATUS_CACHE_MS = 5_000;

const cache = new Map<string, { status: CampaignStatus | undefined; readAt: number }>();

export async function cachedCampaignStatus(tenantId: string, campaignId: string, nowMs: number = Date.now()): Promise<CampaignStatus | undefined> {
  const key = `${tenantId}|${campaignId}`;
  const cached = cache.get(key);
  if (cached && nowMs - cached.readAt < CAMPAIGN_STATUS_CACHE_MS) return cached.status;
  const loaded = await loadCampaign(tenantId, campaignId);
  if (cache.size > 1000) cache.clear();
  cache.set(key, { status: loaded?.campaign.status, readAt: nowMs });
  return loaded?.campaign.status;
}

/** Tests and the reconciler's own reads start from the table again. */
export function forgetCampaignStatuses(): void {
  cache.clear();
}
