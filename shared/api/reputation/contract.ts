import { z } from 'zod';
import { defineRoute } from '../../http/contract';
import { isoDate, isoDateTime, problemResponses, problemSchema } from '../common';

/**
 * The reputation guard (shared/domain/engagement/reputation-guard.ts): the tenant's bounce and complaint rates over the
 * last 30 days and whether its marketing email is held because one of them passed SES's review threshold.
 */
const TAG = 'Reputation';
const rate = z.number().min(0).describe('Fraction: 0.05 is 5%');

export const reputationSchema = z
  .object({
    status: z.enum(['ok', 'held', 'acknowledged']).describe('`held`: marketing sends are paused until acknowledged'),
    window: z.object({
      from: isoDate,
      to: isoDate,
      sends: z.number().int().min(0).describe('Messages SES accepted'),
      bounces: z.number().int().min(0).describe('Hard bounces'),
      complaints: z.number().int().min(0),
      bounceRate: rate,
      complaintRate: rate,
      judged: z.boolean().describe('Whether there were enough sends to judge (see limits.minimumSends)'),
    }),
    limits: z.object({ bounceRate: rate, complaintRate: rate, minimumSends: z.number().int() }),
    heldAt: isoDateTime.optional(),
    reasons: z.array(z.string()).optional().describe('Why marketing was held'),
    acknowledgedAt: isoDateTime.optional(),
    acknowledgedBy: z.string().optional().describe('Staff id'),
    note: z.string().optional(),
    judgedFrom: isoDate.optional().describe('After an acknowledgement the guard judges what was sent from this day on'),
    pausedCampaigns: z.array(z.string()).describe('Campaigns the guard paused; resume each once acknowledged'),
  })
  .meta({ id: 'Reputation' });

export const getReputationRoute = defineRoute({
  id: 'getReputation',
  method: 'GET',
  path: '/v1/reputation',
  summary: "The store's bounce and complaint rates and whether marketing email is held",
  tag: TAG,
  auth: 'staff',
  responses: { 200: { description: 'Rates and guard status', schema: reputationSchema }, ...problemResponses },
});

export const acknowledgeReputationRoute = defineRoute({
  id: 'acknowledgeReputation',
  method: 'POST',
  path: '/v1/reputation/acknowledge',
  summary: 'Acknowledge a marketing hold and allow marketing email again',
  description:
    'Owner or manager, once the list is cleaned. Paused bulk sends resume; paused campaigns are resumed one by one ' +
    '(`POST /v1/campaigns/{id}/resume`). From now on the guard judges what is sent after this acknowledgement.',
  tag: TAG,
  auth: 'staff',
  writers: 'marketing',
  action: 'acknowledge the reputation hold',
  body: z.strictObject({ note: z.string().trim().max(500).optional().describe('What was done about it') }).meta({ id: 'ReputationAcknowledgement' }).optional(),
  responses: {
    200: { description: 'Acknowledged', schema: reputationSchema },
    ...problemResponses,
    409: { description: 'Marketing is not held', schema: problemSchema, contentType: 'application/problem+json' },
  },
});

export const reputationRoutes = [getReputationRoute, acknowledgeReputationRoute] as const;
