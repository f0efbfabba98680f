import { describe, expect, it } from 'vitest';
import { ZERO_COUNTERS } from '../../shared/domain/campaigns/campaign-counters';
import { recentCampaign, summariseCampaigns } from '../../shared/domain/engagement/hub';

const campaign = (campaignId: string, status: 'draft' | 'scheduled' | 'sending' | 'paused' | 'sent' | 'cancelled', scheduledFor?: string) => ({
  campaignId,
  name: `Campaign ${campaignId}`,
  status,
  createdAt: '2025-06-01T00:00:00.000Z',
  ...(scheduledFor ? { scheduledFor } : {}),
});

describe('hub', () => {
  it('counts active campaigns (scheduled, sending, paused) and drafts, and names the next scheduled one', () => {
    const summary = summariseCampaigns([
      campaign('a', 'draft'),
      campaign('b', 'scheduled', '2025-07-02T09:00:00.000Z'),
      campaign('c', 'scheduled', '2025-07-01T09:00:00.000Z'),
      campaign('d', 'sending'),
      campaign('e', 'paused'),
      campaign('f', 'sent'),
      campaign('g', 'cancelled'),
      campaign('h', 'draft'),
    ]);
    expect(summary).toEqual({
      campaigns: { active: { total: 4, scheduled: 2, sending: 1, paused: 1 }, drafts: 2 },
      scheduled: { campaigns: 2, next: { campaignId: 'c', name: 'Campaign c', at: '2025-07-01T09:00:00.000Z' } },
    });
    expect(summariseCampaigns([])).toEqual({ campaigns: { active: { total: 0, scheduled: 0, sending: 0, paused: 0 }, drafts: 0 }, scheduled: { campaigns: 0 } });
  });

  it('gives a recent campaign its headline rates from its counters', () => {
    const totals = { ...ZERO_COUNTERS, recipients: 10, sent: 8, delivered: 8, openedUnique: 4, clickedUnique: 2, attributedOrders: 1, attributedRevenue: 50_000 };
    expect(recentCampaign(campaign('x', 'sent'), totals)).toMatchObject({
      sent: 8,
      delivered: 8,
      rates: { delivery: 1, open: 0.5, click: 0.25, conversion: 0.125 },
      attributedOrders: 1,
      attributedRevenue: 50_000,
    });
  });
});
