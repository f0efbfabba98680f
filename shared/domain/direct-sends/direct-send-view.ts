/** The API shape of a direct send: what it was, where it is, and its recipients' counters (a campaign's metrics). */
import type { Campaign } from '../campaigns/campaign';
import type { CounterTotals } from '../campaigns/campaign-counters';
import { campaignMetrics } from '../campaigns/campaign-metrics';
import type { DirectSendView } from './direct-send-schema';
import type { DirectSendOrigin } from './send-origin';

export function directSendView(send: { campaign: Campaign; origin: DirectSendOrigin; testOf?: string }, totals: CounterTotals): DirectSendView {
  const { campaign } = send;
  return {
    sendId: campaign.campaignId,
    origin: send.origin,
    subject: 'subject' in campaign.content ? campaign.content.subject : campaign.name,
    status: campaign.status,
    createdBy: campaign.createdBy,
    createdAt: campaign.createdAt,
    ...(campaign.completedAt ? { completedAt: campaign.completedAt } : {}),
    ...(send.testOf ? { testOf: send.testOf } : {}),
    metrics: campaignMetrics(campaign, totals),
  };
}
