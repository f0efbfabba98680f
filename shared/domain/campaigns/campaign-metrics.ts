/**
 * The metrics of a campaign, computed from its summed counters (./campaign-counters.ts). The shape is complete now;
 * delivery, engagement and attribution figures read 0 until the engagement loop writes their counters.
 *
 * Rates are fractions (0.25 is 25%): delivery, bounce and complaint over `sent`; open, click and unsubscribe over
 * `delivered`; conversion is attributed orders over `delivered`. A rate whose denominator is 0 is 0.
 */
import { z } from 'zod';
import { money } from '../../api/common';
import type { CounterTotals } from './campaign-counters';
import { campaignStatusSchema } from './campaign-view';

const count = z.number().int().min(0);
const rate = z.number().min(0).describe('Fraction: 0.25 is 25%');

export const campaignMetricsSchema = z
  .object({
    campaignId: z.string(),
    status: campaignStatusSchema,
    recipients: z.object({
      total: count.describe('Everyone the audience expanded to when the campaign started sending, skipped ones included'),
      skipped: z.object({
        total: count,
        noConsent: count.describe('No consent for the channel and purpose (unsubscribed included)'),
        suppressed: count.describe('Hard bounce, complaint, erased or manual suppression'),
        noAddress: count,
        frequencyCap: count.describe("Over the tenant's marketing frequency cap"),
      }),
      sent: count,
      failed: count,
      unknown: count.describe('The send was attempted but never confirmed; never retried (at most once)'),
      cancelled: count.describe('Not yet sent when the campaign was cancelled'),
      pending: count.describe('Neither skipped nor finished yet'),
    }),
    delivered: count,
    opened: z.object({ unique: count.describe('Machine opens excluded'), total: count }),
    clicked: z.object({ unique: count, total: count }),
    unsubscribed: count,
    bounced: count,
    complained: count,
    rates: z.object({
      delivery: rate.describe('delivered / sent'),
      bounce: rate.describe('bounced / sent'),
      complaint: rate.describe('complained / sent'),
      open: rate.describe('unique opens / delivered'),
      click: rate.describe('unique clicks / delivered'),
      unsubscribe: rate.describe('unsubscribed / delivered'),
    }),
    attribution: z.object({
      orders: count,
      revenue: money.min(0),
      conversionRate: rate.describe('attributed orders / delivered'),
    }),
  })
  .meta({ id: 'CampaignMetrics' });
export type CampaignMetrics = z.output<typeof campaignMetricsSchema>;

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

export function campaignMetrics(
  campaign: { campaignId: string; status: CampaignMetrics['status'] },
  totals: CounterTotals,
): CampaignMetrics {
  const skipped =
    totals.skippedNoConsent + totals.skippedSuppressed + totals.skippedNoAddress + totals.skippedFrequencyCap;
  // Delivery events are counted one by one as they arrive, a worker's `sent` once per batch: mid-send the delivered
  // and bounced emails can be ahead of `sent`. Each of them was sent, so `sent` never reads lower (a rate above 1
  // would be nonsense); once the campaign settles, `sent` is the exact tally and this changes nothing.
  const sent = Math.max(totals.sent, totals.delivered + totals.bounced);
  const finished = skipped + sent + totals.failed + totals.unknown + totals.cancelled;
  return {
    campaignId: campaign.campaignId,
    status: campaign.status,
    recipients: {
      total: totals.recipients,
      skipped: {
        total: skipped,
        noConsent: totals.skippedNoConsent,
        suppressed: totals.skippedSuppressed,
        noAddress: totals.skippedNoAddress,
        frequencyCap: totals.skippedFrequencyCap,
      },
      sent,
      failed: totals.failed,
      unknown: totals.unknown,
      cancelled: totals.cancelled,
      pending: Math.max(0, totals.recipients - finished),
    },
    delivered: totals.delivered,
    opened: { unique: totals.openedUnique, total: totals.openedTotal },
    clicked: { unique: totals.clickedUnique, total: totals.clickedTotal },
    unsubscribed: totals.unsubscribed,
    bounced: totals.bounced,
    complained: totals.complained,
    rates: {
      delivery: ratio(totals.delivered, sent),
      bounce: ratio(totals.bounced, sent),
      complaint: ratio(totals.complained, sent),
      open: ratio(totals.openedUnique, totals.delivered),
      click: ratio(totals.clickedUnique, totals.delivered),
      unsubscribe: ratio(totals.unsubscribed, totals.delivered),
    },
    attribution: {
      orders: totals.attributedOrders,
      revenue: totals.attributedRevenue,
      conversionRate: ratio(totals.attributedOrders, totals.delivered),
    },
  };
}
