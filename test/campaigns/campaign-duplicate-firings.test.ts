/** At-least-once delivery: the local Scheduler delivers every firing twice, concurrently; the campaign starts once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, emailCampaign, newTenant, staff, startCampaignHarness, type CampaignHarness } from './campaign-support';

let dup: CampaignHarness;

beforeAll(async () => {
  dup = await startCampaignHarness({ start: '2030-03-01T00:00:00Z', duplicateFirings: true });
}, 60_000);

afterAll(async () => dup?.stop());

describe('duplicate deliveries from the scheduler', () => {
  it('start the campaign once even when both copies arrive together', async () => {
    const tenant = await newTenant('Duplicate Jeweller');
    const created = await call(dup, staff(tenant), 'POST /v1/campaigns', { body: emailCampaign() });
    const campaignId = created.body.campaignId as string;
    await call(dup, staff(tenant), 'POST /v1/campaigns/{campaignId}/schedule', { params: { campaignId }, body: { at: '2030-03-01T12:00' } });
    dup.clock.set('2030-03-01T01:00:00Z');
    await dup.scheduler.tick();
    const outcomes = dup.dispatches.map((firing) => firing.outcome).sort();
    expect(outcomes).toHaveLength(2);
    expect(outcomes.filter((outcome) => outcome === 'started')).toHaveLength(1);
    const status = (await call(dup, staff(tenant), 'GET /v1/campaigns/{campaignId}', { params: { campaignId } })).body.status;
    expect(status).toBe('sending');
  });
});
