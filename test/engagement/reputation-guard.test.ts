/**
 * The reputation guard over the emulators: a tenant past SES's bounce threshold (judged after the bounce event that
 * crossed it) has its sending marketing paused, a scheduled campaign that fires paused instead of sent, campaign send
 * and resume and bulk sends refused with a problem+json 409, service messages untouched, until an owner or manager
 * acknowledges; after that the guard judges only what is sent from then on.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sesEventsHandler } from '../../functions/events/ses-events';
import { campaignsApi } from '../../functions/http/campaigns';
import { handler as reputationHandler } from '../../functions/http/reputation';
import { sendsApi } from '../../functions/http/sends';
import type { OneTimeSchedule, OneTimeSchedules } from '../../shared/adapters/scheduler/one-time-schedules';
import type { Principal } from '../../shared/auth/roles';
import { dispatchScheduledCampaign, runCampaignCommand, scheduleCampaign, type LifecycleDeps } from '../../shared/domain/campaigns/campaign-lifecycle';
import { loadCampaign } from '../../shared/domain/campaigns/campaign-repository';
import { campaignCreateSchema } from '../../shared/domain/campaigns/campaign-schema';
import { createCampaign } from '../../shared/domain/campaigns/campaign-writes';
import { installedSendPort } from '../../shared/domain/campaigns/send-port';
import { startDirectSend } from '../../shared/domain/direct-sends/start-direct-send';
import { marketingHold } from '../../shared/domain/engagement/reputation-guard';
import { loadReputationState } from '../../shared/domain/engagement/reputation-store';
import { utcDay } from '../../shared/domain/engagement/reputation';
import { freezeRecipient } from '../../shared/domain/sending/recipient-store';
import { documentClient } from '../../shared/store/dynamo';
import { keys } from '../../shared/store/keys';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { apiEvent, callRoute } from '../support/http';
import { newCustomer, newTenant } from '../sending/pipeline-support';

let stack: TestEmulators;

beforeAll(async () => {
  process.env.SIGNING_KEY = 'reputation-test-signing-key-0123456789abcdef';
  stack = await startEmulators({ sqs: true, ses: true });
});

afterAll(async () => {
  await stack?.stop();
});

/** Our own schedules port, in memory: the guard is about what happens when a schedule fires, not about Scheduler. */
class MemorySchedules implements OneTimeSchedules {
  readonly live = new Map<string, OneTimeSchedule>();
  async create(schedule: OneTimeSchedule) {
    if (this.live.has(schedule.name)) return 'exists' as const;
    this.live.set(schedule.name, schedule);
    return 'created' as const;
  }
  async delete(name: string) {
    return this.live.delete(name) ? ('deleted' as const) : ('absent' as const);
  }
}

const schedules = new MemorySchedules();
const deps: LifecycleDeps = { schedules, sendPort: installedSendPort, dispatcherArn: () => 'arn:aws:lambda:us-east-1:123456789012:function:facet-test-campaign-dispatcher', now: () => new Date() };
const campaigns = campaignsApi(deps);
const sends = sendsApi({ sendPort: installedSendPort, now: () => new Date() });
const sesEvents = sesEventsHandler({ publisher: undefined });

const content = { subject: 'Spring', html: '<p>Spring pieces</p>' };

async function campaign(owner: Principal, customerIds: string[], name: string): Promise<string> {
  return (await createCampaign(owner, campaignCreateSchema.parse({ name, content, recipients: { customerIds } }))).campaignId;
}

const statusOf = async (tenantId: string, campaignId: string) => (await loadCampaign(tenantId, campaignId))!.campaign.status;

function call(handler: Parameters<typeof callRoute>[0], principal: Principal, method: string, path: string, routeKey: string, extra: { pathParameters?: Record<string, string>; body?: unknown; headers?: Record<string, string> } = {}) {
  return callRoute(handler, apiEvent({ method, path, routeKey, principal, ...extra }));
}

/** The sample bounce event, about one of the tenant's recipients. */
function bounceEvent(tenantId: string, campaignId: string, customerId: string, messageId: string): unknown {
  const sample = JSON.parse(readFileSync(new URL('../../events/email-events/bounce.json', import.meta.url), 'utf8'));
  sample.detail.mail.messageId = messageId;
  sample.detail.mail.tags = { ...sample.detail.mail.tags, tenant: [tenantId], campaign: [campaignId], customer: [customerId] };
  sample.detail.bounce.timestamp = new Date().toISOString();
  return sample;
}

async function sentRecipient(tenantId: string, campaignId: string, customerId: string, messageId: string): Promise<void> {
  const at = new Date().toISOString();
  await freezeRecipient({ tenantId, campaignId, customerId, status: 'sent', frozenAt: at, claimedAt: at, finishedAt: at, messageId });
}

describe('reputation guard', () => {
  let owner: Principal;
  let manager: Principal;
  let ann: string;
  let sending: string;
  let scheduled: { campaignId: string; scheduleVersion: number };
  let service: string;

  beforeAll(async () => {
    owner = await newTenant('Bounce Heavy Jewellers');
    manager = { ...owner, staffId: 'manager-1', role: 'manager' };
    ann = await newCustomer(owner, { email: 'ann@guard.example', consent: { email: { marketing: 'granted' } } });

    sending = await campaign(owner, [ann], 'Sending when held');
    await runCampaignCommand(owner, sending, { type: 'send' }, deps);
    const toSchedule = await campaign(owner, [ann], 'Scheduled when held');
    const at = new Date(Date.now() + 3600_000).toISOString().slice(0, 19);
    const scheduledCampaign = await scheduleCampaign(owner, toSchedule, { at, timeZone: 'UTC' }, deps);
    scheduled = { campaignId: toSchedule, scheduleVersion: scheduledCampaign.scheduleVersion };
    service = (
      await startDirectSend(
        owner,
        { origin: 'one_to_one', content, recipients: { customerIds: [ann] }, purpose: 'service', contentPath: 'body' },
        { sendPort: installedSendPort, now: () => new Date() },
      )
    ).campaignId;
    expect(await statusOf(owner.tenantId, sending)).toBe('sending');
    expect(await statusOf(owner.tenantId, service)).toBe('sending');

    // 1,000 sends and 50 hard bounces today: exactly 5%, not above it yet.
    await documentClient.send(
      new PutCommand({ TableName: stack.tableName, Item: { ...keys.reputationDay(owner.tenantId, 0, utcDay(new Date())), sends: 1000, bounces: 50, complaints: 0 } }),
    );
  });

  it('is not triggered at the threshold, and holds at the bounce that crosses it, pausing sending marketing only', async () => {
    expect(await marketingHold(owner.tenantId)).toBe(false);
    await sentRecipient(owner.tenantId, sending, 'gone-1', 'm-gone-1');
    // The hold is published as an EMF metric (CloudWatch reads it from the function's output): the alarm's source.
    const written: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    let outcome: Awaited<ReturnType<typeof sesEvents>>;
    try {
      outcome = await sesEvents(bounceEvent(owner.tenantId, sending, 'gone-1', 'm-gone-1'));
    } finally {
      stdout.mockRestore();
    }
    expect(outcome.outcome).toBe('applied');
    const emf = written.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => '_aws' in line);
    expect(emf).toMatchObject({ ReputationHolds: 1, service: 'facet', stage: 'test' });

    const state = await loadReputationState(owner.tenantId);
    expect(state).toMatchObject({ status: 'held', reasons: ['bounce rate 5.1% (51 of 1000 sends) is above 5.0%'], pausedSends: [sending] });
    expect(await statusOf(owner.tenantId, sending)).toBe('paused');
    expect(await statusOf(owner.tenantId, service)).toBe('sending');
  });

  it('answers campaign send and resume, and bulk sends, with a problem+json 409 that says why; service messages go on', async () => {
    const resume = await call(campaigns, owner, 'POST', `/v1/campaigns/${sending}/resume`, 'POST /v1/campaigns/{campaignId}/resume', { pathParameters: { campaignId: sending } });
    expect(resume.status).toBe(409);
    expect(resume.headers['content-type']).toBe('application/problem+json');
    expect(resume.body).toMatchObject({ title: 'Marketing sends paused', reasons: ['bounce rate 5.1% (51 of 1000 sends) is above 5.0%'], acknowledge: '/v1/reputation/acknowledge' });
    expect(await statusOf(owner.tenantId, sending)).toBe('paused');

    const draft = await campaign(owner, [ann], 'Not now');
    const sendNow = await call(campaigns, owner, 'POST', `/v1/campaigns/${draft}/send`, 'POST /v1/campaigns/{campaignId}/send', {
      pathParameters: { campaignId: draft },
      headers: { 'idempotency-key': 'guard-send-1' },
    });
    expect(sendNow.status).toBe(409);
    expect(await statusOf(owner.tenantId, draft)).toBe('draft');

    const bulk = await call(sends, owner, 'POST', '/v1/sends/bulk', 'POST /v1/sends/bulk', { body: { ...content, recipients: { all: true } }, headers: { 'idempotency-key': 'guard-bulk-1' } });
    expect(bulk.status).toBe(409);

    const repairReady = await call(sends, owner, 'POST', `/v1/customers/${ann}/messages`, 'POST /v1/customers/{customerId}/messages', {
      pathParameters: { customerId: ann },
      body: { subject: 'Your repair is ready', html: '<p>Ready for pick-up.</p>', purpose: 'service' },
      headers: { 'idempotency-key': 'guard-service-1' },
    });
    expect(repairReady.status).toBe(202);
    expect(repairReady.body.status).toBe('sending');
  });

  it('pauses a scheduled campaign that fires instead of sending it', async () => {
    expect(await dispatchScheduledCampaign({ tenantId: owner.tenantId, ...scheduled }, deps)).toBe('started');
    expect(await statusOf(owner.tenantId, scheduled.campaignId)).toBe('paused');
    expect((await loadReputationState(owner.tenantId)).pausedSends).toEqual(expect.arrayContaining([sending, scheduled.campaignId]));
  });

  it('shows the hold on GET /v1/reputation, and lets only an owner or manager acknowledge', async () => {
    const view = await call(reputationHandler, owner, 'GET', '/v1/reputation', 'GET /v1/reputation');
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ status: 'held', window: { sends: 1000, bounces: 51, bounceRate: 0.051, judged: true }, limits: { bounceRate: 0.05, complaintRate: 0.001, minimumSends: 500 } });

    const salesperson = { ...owner, staffId: 'sales-1', role: 'salesperson' } as Principal;
    expect((await call(reputationHandler, salesperson, 'POST', '/v1/reputation/acknowledge', 'POST /v1/reputation/acknowledge', { body: {} })).status).toBe(403);

    const ack = await call(reputationHandler, manager, 'POST', '/v1/reputation/acknowledge', 'POST /v1/reputation/acknowledge', { body: { note: 'Removed the old trade-show list' } });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'manager-1', note: 'Removed the old trade-show list', judgedFrom: utcDay(new Date()) });
    expect(ack.body.pausedCampaigns.sort()).toEqual([sending, scheduled.campaignId].sort());

    const again = await call(reputationHandler, manager, 'POST', '/v1/reputation/acknowledge', 'POST /v1/reputation/acknowledge');
    expect(again.status).toBe(409);
    // The problem's `status` is the HTTP status; the guard's own is `currentStatus`.
    expect(again.body).toMatchObject({ status: 409, title: 'Conflict', currentStatus: 'acknowledged' });
  });

  it('lets the jeweller resume after the acknowledgement, and judges only what is sent from then on', async () => {
    const resume = await call(campaigns, owner, 'POST', `/v1/campaigns/${sending}/resume`, 'POST /v1/campaigns/{campaignId}/resume', { pathParameters: { campaignId: sending } });
    expect(resume.status).toBe(200);
    expect(resume.body.status).toBe('sending');

    // Another bounce: the old figures are behind the acknowledgement, and one bounce since is not enough to judge.
    await sentRecipient(owner.tenantId, sending, 'gone-2', 'm-gone-2');
    await sesEvents(bounceEvent(owner.tenantId, sending, 'gone-2', 'm-gone-2'));
    expect((await loadReputationState(owner.tenantId)).status).toBe('acknowledged');
    expect(await statusOf(owner.tenantId, sending)).toBe('sending');
  });
});
