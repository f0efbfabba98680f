/**
 * Scheduling end to end: the API writes the campaign and creates the Scheduler schedule through the real SDK, the
 * local Scheduler fires the real dispatcher handler (found through its manifest Lambda ARN) when the test clock
 * reaches the time, and the dispatcher's version check turns stale and duplicate firings into no-ops.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignScheduleName } from '../../shared/domain/campaigns/campaign-schedule';
import { call, emailCampaign, getSchedule, newTenant, scheduleNames, staff, startCampaignHarness, type CampaignHarness } from './campaign-support';

let h: CampaignHarness;
let tenantId: string;

beforeAll(async () => {
  // 1 March 2030, 11:00 in Sydney (UTC+11).
  h = await startCampaignHarness({ start: '2030-03-01T00:00:00Z' });
  tenantId = await newTenant();
}, 60_000);

afterAll(async () => h?.stop());

const HOUR = 3_600_000;
const owner = () => staff(tenantId);

async function draft(name = 'Winter sale'): Promise<string> {
  const created = await call(h, owner(), 'POST /v1/campaigns', { body: emailCampaign({ name }) });
  expect(created.status).toBe(201);
  return created.body.campaignId as string;
}

const get = async (campaignId: string) => (await call(h, owner(), 'GET /v1/campaigns/{campaignId}', { params: { campaignId } })).body;
const schedule = (campaignId: string, body?: unknown) =>
  call(h, owner(), 'POST /v1/campaigns/{campaignId}/schedule', { params: { campaignId }, ...(body === undefined ? {} : { body }) });
const command = (campaignId: string, verb: string) => call(h, owner(), `POST /v1/campaigns/{campaignId}/${verb}`, { params: { campaignId } });
const firingsOf = (campaignId: string) => h.dispatches.filter(({ event }) => (event as { campaignId?: string }).campaignId === campaignId);

describe('a scheduled campaign', () => {
  it('fires at its local time, in the tenant zone, and moves to sending', async () => {
    const campaignId = await draft();
    const scheduled = await schedule(campaignId, { at: '2030-03-01T15:00' });
    expect(scheduled.status).toBe(200);
    expect(scheduled.body).toMatchObject({
      status: 'scheduled',
      scheduleVersion: 1,
      schedule: { at: '2030-03-01T15:00:00', timeZone: 'Australia/Sydney' },
      scheduledFor: '2030-03-01T04:00:00.000Z',
    });

    const created = await getSchedule(h.schedulerClient, campaignScheduleName(campaignId, 1));
    expect(created).toMatchObject({
      ScheduleExpression: 'at(2030-03-01T15:00:00)',
      ScheduleExpressionTimezone: 'Australia/Sydney',
      ActionAfterCompletion: 'DELETE',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: process.env.CAMPAIGN_DISPATCHER_ARN,
        RoleArn: process.env.SCHEDULER_ROLE_ARN,
        DeadLetterConfig: { Arn: process.env.SCHEDULE_DLQ_ARN },
        RetryPolicy: { MaximumRetryAttempts: expect.any(Number), MaximumEventAgeInSeconds: expect.any(Number) },
      },
    });
    expect(JSON.parse(created.Target!.Input!)).toEqual({ tenantId, campaignId, scheduleVersion: 1 });

    h.clock.advance(4 * HOUR - 1000);
    await h.scheduler.tick();
    expect((await get(campaignId)).status).toBe('scheduled');
    expect(firingsOf(campaignId)).toHaveLength(0);

    h.clock.advance(1000);
    await h.scheduler.tick();
    const sending = await get(campaignId);
    expect(sending).toMatchObject({ status: 'sending', scheduleVersion: 1, startedAt: h.clock.now().toISOString() });
    expect(sending).not.toHaveProperty('scheduledFor');
    expect(firingsOf(campaignId).map((firing) => firing.outcome)).toEqual(['started']);
    expect(h.sendPort.startsOf(campaignId)).toBe(1);
    // ActionAfterCompletion DELETE: the fired schedule is gone.
    expect(await scheduleNames(h.schedulerClient)).not.toContain(campaignScheduleName(campaignId, 1));
  });

  it('fires only at the new time after a reschedule; a stale firing of the old version does nothing', async () => {
    const campaignId = await draft();
    await schedule(campaignId, { at: '2030-03-02T09:00', timeZone: 'Australia/Perth' });
    const moved = await schedule(campaignId, { at: '2030-03-03T09:00', timeZone: 'Australia/Perth' });
    expect(moved.body).toMatchObject({ status: 'scheduled', scheduleVersion: 2, scheduledFor: '2030-03-03T01:00:00.000Z' });
    const names = await scheduleNames(h.schedulerClient);
    expect(names).toContain(campaignScheduleName(campaignId, 2));
    expect(names).not.toContain(campaignScheduleName(campaignId, 1));

    h.clock.set('2030-03-02T02:00:00Z');
    await h.scheduler.tick();
    expect(firingsOf(campaignId)).toHaveLength(0);

    // A firing of version 1 that was already under way when it was replaced.
    expect(await h.dispatch({ tenantId, campaignId, scheduleVersion: 1 })).toEqual({ outcome: 'ignored' });
    expect((await get(campaignId)).status).toBe('scheduled');

    h.clock.set('2030-03-03T01:00:00Z');
    await h.scheduler.tick();
    expect((await get(campaignId)).status).toBe('sending');
    expect(firingsOf(campaignId).map((firing) => firing.outcome)).toEqual(['ignored', 'started']);
    expect(h.sendPort.startsOf(campaignId)).toBe(1);
  });

  it('never fires once cancelled, nor once unscheduled', async () => {
    const cancelled = await draft('To cancel');
    const unscheduled = await draft('To unschedule');
    const at = { at: '2030-03-05T10:00' };
    await schedule(cancelled, at);
    await schedule(unscheduled, at);

    const cancelledNow = await command(cancelled, 'cancel');
    expect(cancelledNow.body).toMatchObject({ status: 'cancelled', cancelledAt: h.clock.now().toISOString() });
    const back = await call(h, owner(), 'DELETE /v1/campaigns/{campaignId}/schedule', { params: { campaignId: unscheduled } });
    expect(back.body).toMatchObject({ status: 'draft', schedule: { at: '2030-03-05T10:00:00' } });
    const names = await scheduleNames(h.schedulerClient);
    expect(names).not.toContain(campaignScheduleName(cancelled, 1));
    expect(names).not.toContain(campaignScheduleName(unscheduled, 1));

    h.clock.set('2030-03-06T00:00:00Z');
    await h.scheduler.tick();
    expect(firingsOf(cancelled)).toHaveLength(0);
    expect(firingsOf(unscheduled)).toHaveLength(0);
    // Even a firing that escaped the delete changes nothing.
    expect(await h.dispatch({ tenantId, campaignId: cancelled, scheduleVersion: 1 })).toEqual({ outcome: 'ignored' });
    expect(await h.dispatch({ tenantId, campaignId: unscheduled, scheduleVersion: 1 })).toEqual({ outcome: 'ignored' });
    expect((await get(cancelled)).status).toBe('cancelled');
    expect((await get(unscheduled)).status).toBe('draft');
    expect(h.sendPort.startsOf(cancelled) + h.sendPort.startsOf(unscheduled)).toBe(0);
  });

  it('does nothing on a duplicate firing', async () => {
    const campaignId = await draft();
    await schedule(campaignId, { at: '2030-03-07T10:00' });
    h.clock.set('2030-03-07T00:00:00Z');
    await h.scheduler.tick();
    expect(await h.dispatch({ tenantId, campaignId, scheduleVersion: 1 })).toEqual({ outcome: 'ignored' });
    expect(firingsOf(campaignId).map((firing) => firing.outcome)).toEqual(['started', 'ignored']);
    expect(h.sendPort.startsOf(campaignId)).toBe(1);
    expect((await get(campaignId)).status).toBe('sending');
  });

  it('does nothing when the schedule fires after someone pressed send', async () => {
    const campaignId = await draft();
    await schedule(campaignId, { at: '2030-03-08T10:00' });
    const sent = await command(campaignId, 'send');
    expect(sent.status).toBe(202);
    expect(sent.body.status).toBe('sending');
    expect(await scheduleNames(h.schedulerClient)).not.toContain(campaignScheduleName(campaignId, 1));
    expect(await h.dispatch({ tenantId, campaignId, scheduleVersion: 1 })).toEqual({ outcome: 'ignored' });
    expect(h.sendPort.startsOf(campaignId)).toBe(1);
  });

  it('hands over again when a firing is retried after the pipeline failed, then no more', async () => {
    const campaignId = await draft();
    await schedule(campaignId, { at: '2030-03-09T10:00' });
    h.sendPort.failNext(1);
    // 10:00 in Sydney; on time, so the retry is well within the retry policy's event age.
    h.clock.set('2030-03-08T23:00:00Z');
    // The first delivery throws (hand-over failed); the Scheduler retries it and the retry hands over.
    await h.scheduler.tick();
    h.clock.advance(5_000);
    await h.scheduler.tick();
    expect(firingsOf(campaignId).map((firing) => firing.outcome)).toEqual(['handover_retried']);
    expect(h.sendPort.startsOf(campaignId)).toBe(1);
    expect((await get(campaignId)).status).toBe('sending');
    expect(await h.dispatch({ tenantId, campaignId, scheduleVersion: 1 })).toEqual({ outcome: 'ignored' });
  });

  it('drops an input that is not a campaign firing, and a firing for a campaign that is gone', async () => {
    expect(await h.dispatch({ campaignId: 'x' })).toEqual({ outcome: 'invalid_input' });
    expect(await h.dispatch({ tenantId, campaignId: 'no-such-campaign', scheduleVersion: 1 })).toEqual({ outcome: 'not_found' });
  });
});

describe('scheduling requests', () => {
  it('answers a retried request without a new version, and re-creates a schedule lost to a crash', async () => {
    const campaignId = await draft();
    const first = await schedule(campaignId, { at: '2030-04-01T10:00' });
    const again = await schedule(campaignId, { at: '2030-04-01T10:00' });
    expect(again.status).toBe(200);
    expect(again.body.scheduleVersion).toBe(first.body.scheduleVersion);
    expect(again.body.updatedAt).toBe(first.body.updatedAt);

    // As if the process died after writing the campaign and before creating the schedule.
    const { DeleteScheduleCommand } = await import('@aws-sdk/client-scheduler');
    await h.schedulerClient.send(new DeleteScheduleCommand({ Name: campaignScheduleName(campaignId, 1), GroupName: process.env.SCHEDULE_GROUP }));
    await schedule(campaignId, { at: '2030-04-01T10:00' });
    expect(await scheduleNames(h.schedulerClient)).toContain(campaignScheduleName(campaignId, 1));
  });

  it('uses the planned time when no body is sent, and keeps its zone', async () => {
    const created = await call(h, owner(), 'POST /v1/campaigns', {
      body: emailCampaign({ schedule: { at: '2030-04-02T08:30', timeZone: 'Pacific/Auckland' } }),
    });
    const scheduled = await schedule(created.body.campaignId);
    expect(scheduled.body).toMatchObject({
      status: 'scheduled',
      schedule: { at: '2030-04-02T08:30:00', timeZone: 'Pacific/Auckland' },
      scheduledFor: '2030-04-01T19:30:00.000Z',
    });
  });

  it('refuses a time that has passed (422), no time at all (422), and SMS (422)', async () => {
    const campaignId = await draft();
    const past = await schedule(campaignId, { at: '2020-01-01T10:00' });
    expect(past.status).toBe(422);
    expect(past.body.errors).toEqual([{ path: 'body.at', message: '2020-01-01T10:00:00 in Australia/Sydney has passed' }]);
    const none = await schedule(campaignId);
    expect(none.status).toBe(422);
    expect((await get(campaignId)).status).toBe('draft');

    const sms = await call(h, owner(), 'POST /v1/campaigns', {
      body: { name: 'Text', channel: 'sms', content: { text: 'Sale!' }, recipients: { all: true } },
    });
    expect(sms.status).toBe(201);
    for (const attempt of [schedule(sms.body.campaignId, { at: '2031-01-01T10:00' }), command(sms.body.campaignId, 'send')]) {
      const refused = await attempt;
      expect(refused.status).toBe(422);
      expect(refused.body.detail).toBe('SMS sending is not available yet');
    }
    expect((await get(sms.body.campaignId)).status).toBe('draft');
  });

  it('answers 409 with the current status for a transition the campaign cannot make', async () => {
    const campaignId = await draft();
    for (const verb of ['pause', 'resume']) {
      const refused = await command(campaignId, verb);
      expect(refused.status).toBe(409);
      expect(refused.headers['content-type']).toBe('application/problem+json');
      expect(refused.body).toMatchObject({ currentStatus: 'draft', detail: `Cannot ${verb} a campaign that is draft.` });
    }
    const unschedule = await call(h, owner(), 'DELETE /v1/campaigns/{campaignId}/schedule', { params: { campaignId } });
    expect(unschedule.status).toBe(409);
    expect(unschedule.body.currentStatus).toBe('draft');

    await command(campaignId, 'send');
    const paused = await command(campaignId, 'pause');
    expect(paused.body).toMatchObject({ status: 'paused', pausedAt: h.clock.now().toISOString() });
    const resumed = await command(campaignId, 'resume');
    expect(resumed.body.status).toBe('sending');
    // Resume hands over again: the pipeline continues where it stopped.
    expect(h.sendPort.startsOf(campaignId)).toBe(2);
    for (const [verb, status] of [['send', 'sending'], ['schedule', 'sending'], ['resume', 'sending']] as const) {
      const refused = verb === 'schedule' ? await schedule(campaignId, { at: '2031-01-01T10:00' }) : await command(campaignId, verb);
      expect(refused.status).toBe(409);
      expect(refused.body.currentStatus).toBe(status);
    }
    await command(campaignId, 'cancel');
    const again = await command(campaignId, 'cancel');
    expect(again.status).toBe(409);
    expect(again.body.currentStatus).toBe('cancelled');
  });
});
