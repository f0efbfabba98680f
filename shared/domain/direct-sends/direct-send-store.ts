/**
 * Direct sends in the table: a campaign item (so the pipeline loads it like any campaign) without the campaign list's
 * index entry (nobody saved a campaign), with the attributes of ./send-origin.ts. Later rewrites by the campaigns
 * module (the pipeline's `complete`) carry `origin` and `purpose` over, as it does with every attribute it does not own.
 */
import type { UnitOfWork } from '../../store/unit-of-work';
import type { Campaign } from '../campaigns/campaign';
import { campaignItem, loadCampaign, type LoadedCampaign } from '../campaigns/campaign-repository';
import { DIRECT_SEND_ORIGINS, type DirectSendAttributes, type DirectSendOrigin } from './send-origin';

export function directSendItem(campaign: Campaign, attributes: DirectSendAttributes): Record<string, unknown> {
  const { gsi2pk: _listed, gsi2sk: _listedAt, ...item } = campaignItem(campaign);
  return { ...item, ...attributes };
}

export function stageNewDirectSend(uow: UnitOfWork, campaign: Campaign, attributes: DirectSendAttributes): void {
  uow.put(directSendItem(campaign, attributes), { expression: 'attribute_not_exists(pk)' });
}

export interface LoadedDirectSend extends LoadedCampaign {
  readonly origin: DirectSendOrigin;
  readonly testOf?: string;
}

/** A direct send of the tenant, or undefined (a saved campaign's id is not a direct send). */
export async function loadDirectSend(tenantId: string, sendId: string): Promise<LoadedDirectSend | undefined> {
  const loaded = await loadCampaign(tenantId, sendId);
  const origin = loaded?.item.origin;
  if (!loaded || !(DIRECT_SEND_ORIGINS as readonly unknown[]).includes(origin)) return undefined;
  return {
    ...loaded,
    origin: origin as DirectSendOrigin,
    ...(typeof loaded.item.testOf === 'string' ? { testOf: loaded.item.testOf } : {}),
  };
}

