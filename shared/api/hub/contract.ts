import { z } from 'zod';
import { defineRoute } from '../../http/contract';
import { campaignStatusSchema } from '../../domain/campaigns/campaign-view';
import { isoDate, isoDateTime, money, problemResponses } from '../common';

/** The marketing home page: what is going on, how the latest campaigns did, and what messages sold lately. */
const count = z.number().int().min(0);
const rate = z.number().min(0).describe('Fraction: 0.25 is 25%');
const attributed = z.object({ orders: count, revenue: money.min(0) });

export const hubSchema = z
  .object({
    campaigns: z.object({
      active: z.object({ total: count, scheduled: count, sending: count, paused: count }).describe('Scheduled, sending or paused'),
      drafts: count,
    }),
    scheduled: z.object({
      campaigns: count.describe('Campaigns waiting for their scheduled time'),
      next: z.object({ campaignId: z.string(), name: z.string(), at: isoDateTime }).optional().describe('The next one to go out'),
    }),
    segments: z.object({ saved: count, system: count }),
    automations: z.object({ on: count.describe('Automations switched on') }),
    recentCampaigns: z
      .array(
        z.object({
          campaignId: z.string(),
          name: z.string(),
          status: campaignStatusSchema,
          createdAt: isoDateTime,
          scheduledFor: isoDateTime.optional(),
          startedAt: isoDateTime.optional(),
          completedAt: isoDateTime.optional(),
          sent: count,
          delivered: count,
          rates: z.object({
            delivery: rate.describe('delivered / sent'),
            open: rate.describe('unique human opens / delivered'),
            click: rate.describe('unique clicks / delivered'),
            conversion: rate.describe('attributed orders / delivered'),
          }),
          attributedOrders: count,
          attributedRevenue: money.min(0),
        }),
      )
      .describe('The five most recent campaigns, newest first'),
    attribution: z
      .object({ from: isoDate, to: isoDate, orders: count, revenue: money.min(0), campaigns: attributed, automations: attributed })
      .describe('Purchases attributed to messages over the last 30 days (by purchase day, UTC)'),
    reputation: z.object({ status: z.enum(['ok', 'held', 'acknowledged']).describe('`held`: marketing email is paused (see GET /v1/reputation)') }),
  })
  .meta({ id: 'Hub' });

export const getHubRoute = defineRoute({
  id: 'getHub',
  method: 'GET',
  path: '/v1/hub',
  summary: 'Marketing overview: active campaigns, drafts, segments, automations, recent results, attributed revenue',
  tag: 'Hub',
  auth: 'staff',
  responses: { 200: { description: 'The overview', schema: hubSchema }, ...problemResponses },
});

export const hubRoutes = [getHubRoute] as const;
