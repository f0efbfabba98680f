import { afterEach, describe, expect, it } from 'vitest';
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import type { DeadLetter } from '../../local/scheduler';
import { FUNCTION_ARN, ROLE_ARN, RecordingTarget, TestClock, scheduleInput, startTestScheduler, type TestScheduler } from './support';

const running: TestScheduler[] = [];

async function start(options: Parameters<typeof startTestScheduler>[0] = {}): Promise<TestScheduler> {
  const local = await startTestScheduler(options);
  running.push(local);
  return local;
}

afterEach(async () => {
  for (const local of running.splice(0)) {
    local.client.destroy();
    await local.scheduler.stop();
  }
});

/** Moves the clock minute by minute to `untilIso`, ticking at each step, as the tick loop would. */
async function runUntil(local: TestScheduler, untilIso: string, stepMs = 60_000): Promise<void> {
  const until = new Date(untilIso).getTime();
  while (local.clock.now().getTime() + stepMs <= until) {
    local.clock.advance(stepMs);
    await local.scheduler.tick();
  }
  local.clock.set(untilIso);
  await local.scheduler.tick();
}

describe('one-time schedules', () => {
  it('fire an at() in Australia/Sydney at that wall time, with the input and context attributes', async () => {
    const local = await start({ clock: new TestClock('2025-06-14T22:00:00Z') });
    await local.client.send(
      new CreateScheduleCommand(
        scheduleInput({
          Name: 'campaign-c1',
          ScheduleExpression: 'at(2025-06-15T09:00:00)', // 09:00 AEST = 23:00Z the day before
          ScheduleExpressionTimezone: 'Australia/Sydney',
          Target: {
            Arn: FUNCTION_ARN,
            RoleArn: ROLE_ARN,
            Input: JSON.stringify({
              campaignId: 'c1',
              scheduledTime: '<aws.scheduler.scheduled-time>',
              scheduleArn: '<aws.scheduler.schedule-arn>',
              attempt: '<aws.scheduler.attempt-number>',
            }),
          },
        }),
      ),
    );
    local.clock.set('2025-06-14T22:59:59.999Z');
    await local.scheduler.tick();
    expect(local.target.invocations).toHaveLength(0);

    local.clock.set('2025-06-14T23:00:00Z');
    await local.scheduler.tick();
    expect(local.target.invocations).toHaveLength(1);
    const [invocation] = local.target.invocations;
    expect(invocation?.target.Arn).toBe(FUNCTION_ARN);
    expect(invocation?.payload).toEqual({
      campaignId: 'c1',
      scheduledTime: '2025-06-14T23:00:00Z',
      scheduleArn: 'arn:aws:scheduler:ap-southeast-2:123456789012:schedule/default/campaign-c1',
      attempt: '1',
    });
    expect(invocation?.firing).toMatchObject({
      scheduleName: 'campaign-c1',
      groupName: 'default',
      scheduledTime: new Date('2025-06-14T23:00:00Z'),
      attemptNumber: 1,
    });

    // NONE: the schedule stays, completed, and does not fire again.
    await runUntil(local, '2025-06-15T01:00:00Z');
    expect(local.target.invocations).toHaveLength(1);
    await expect(local.client.send(new GetScheduleCommand({ Name: 'campaign-c1' }))).resolves.toMatchObject({
      Name: 'campaign-c1',
    });
  });

  it('ActionAfterCompletion DELETE removes the schedule once it has fired', async () => {
    const local = await start({ clock: new TestClock('2025-06-01T08:00:00Z') });
    await local.client.send(
      new CreateScheduleCommand(
        scheduleInput({ Name: 'reminder', ScheduleExpression: 'at(2025-06-01T08:30:00)', ActionAfterCompletion: 'DELETE' }),
      ),
    );
    await runUntil(local, '2025-06-01T08:29:00Z');
    await expect(local.client.send(new GetScheduleCommand({ Name: 'reminder' }))).resolves.toBeDefined();
    await runUntil(local, '2025-06-01T09:00:00Z');
    expect(local.target.namesFired()).toEqual(['reminder']);
    await expect(local.client.send(new GetScheduleCommand({ Name: 'reminder' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('a rescheduled one fires only at its new time', async () => {
    const local = await start({ clock: new TestClock('2025-06-01T08:00:00Z') });
    await local.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'moved', ScheduleExpression: 'at(2025-06-01T09:00:00)' })));
    await local.client.send(new UpdateScheduleCommand(scheduleInput({ Name: 'moved', ScheduleExpression: 'at(2025-06-01T11:00:00)' })));
    await runUntil(local, '2025-06-01T10:59:00Z');
    expect(local.target.invocations).toHaveLength(0);
    await runUntil(local, '2025-06-01T12:00:00Z');
    expect(local.target.invocations.map((invocation) => invocation.firing.scheduledTime)).toEqual([
      new Date('2025-06-01T11:00:00Z'),
    ]);
  });

  it('a deleted one never fires', async () => {
    const local = await start({ clock: new TestClock('2025-06-01T08:00:00Z') });
    await local.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'cancelled', ScheduleExpression: 'at(2025-06-01T09:00:00)' })));
    await local.client.send(new DeleteScheduleCommand({ Name: 'cancelled' }));
    await runUntil(local, '2025-06-01T12:00:00Z');
    expect(local.target.invocations).toHaveLength(0);
  });

  it('a disabled one does not fire; enabled again it fires late', async () => {
    const local = await start({ clock: new TestClock('2025-06-01T08:00:00Z') });
    const paused = scheduleInput({ Name: 'paused', ScheduleExpression: 'at(2025-06-01T09:00:00)', State: 'DISABLED' });
    await local.client.send(new CreateScheduleCommand(paused));
    await runUntil(local, '2025-06-01T10:00:00Z');
    expect(local.target.invocations).toHaveLength(0);
    await local.client.send(new UpdateScheduleCommand({ ...paused, State: 'ENABLED' }));
    await local.scheduler.tick();
    expect(local.target.namesFired()).toEqual(['paused']);
  });

  it('one created for a time already past fires at the next tick', async () => {
    const local = await start({ clock: new TestClock('2025-06-01T08:00:00Z') });
    await local.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'late', ScheduleExpression: 'at(2025-06-01T07:00:00)' })));
    await local.scheduler.tick();
    expect(local.target.invocations[0]?.firing.scheduledTime).toEqual(new Date('2025-06-01T07:00:00Z'));
  });
});

describe('recurring schedules', () => {
  it('rate() fires when created and then every period', async () => {
    const local = await start({ clock: new TestClock('2025-06-01T08:00:00Z') });
    await local.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'sweep', ScheduleExpression: 'rate(5 minutes)' })));
    await runUntil(local, '2025-06-01T08:12:00Z');
    expect(local.target.invocations.map((invocation) => invocation.firing.scheduledTime.toISOString())).toEqual([
      '2025-06-01T08:00:00.000Z',
      '2025-06-01T08:05:00.000Z',
      '2025-06-01T08:10:00.000Z',
    ]);
  });

  it('cron() follows the local hour of its time zone across a DST change', async () => {
    const local = await start({ clock: new TestClock('2024-03-08T12:00:00Z') });
    await local.client.send(
      new CreateScheduleCommand(
        scheduleInput({ Name: 'daily', ScheduleExpression: 'cron(0 9 * * ? *)', ScheduleExpressionTimezone: 'America/New_York' }),
      ),
    );
    await runUntil(local, '2024-03-11T12:00:00Z', 15 * 60_000);
    expect(local.target.invocations.map((invocation) => invocation.firing.scheduledTime.toISOString())).toEqual([
      '2024-03-08T14:00:00.000Z', // 09:00 EST
      '2024-03-09T14:00:00.000Z',
      '2024-03-10T13:00:00.000Z', // 09:00 EDT
    ]);
  });

  it('stops at EndDate, and DELETE removes it after its last firing', async () => {
    const local = await start({ clock: new TestClock('2025-06-01T08:00:00Z') });
    await local.client.send(
      new CreateScheduleCommand(
        scheduleInput({
          Name: 'short-lived',
          ScheduleExpression: 'rate(1 hour)',
          EndDate: new Date('2025-06-01T10:30:00Z'),
          ActionAfterCompletion: 'DELETE',
        }),
      ),
    );
    await runUntil(local, '2025-06-01T13:00:00Z', 10 * 60_000);
    expect(local.target.invocations.map((invocation) => invocation.firing.scheduledTime.toISOString())).toEqual([
      '2025-06-01T08:00:00.000Z',
      '2025-06-01T09:00:00.000Z',
      '2025-06-01T10:00:00.000Z',
    ]);
    await expect(local.client.send(new GetScheduleCommand({ Name: 'short-lived' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('fires once for occurrences missed while nothing ticked, then continues on its grid', async () => {
    const local = await start({ clock: new TestClock('2025-06-01T08:00:00Z') });
    await local.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'every-minute', ScheduleExpression: 'rate(1 minute)' })));
    await local.scheduler.tick();
    local.clock.set('2025-06-01T08:10:30Z');
    await local.scheduler.tick();
    await runUntil(local, '2025-06-01T08:11:00Z');
    expect(local.target.invocations.map((invocation) => invocation.firing.scheduledTime.toISOString())).toEqual([
      '2025-06-01T08:00:00.000Z',
      '2025-06-01T08:01:00.000Z',
      '2025-06-01T08:11:00.000Z',
    ]);
  });
});

describe('delivery', () => {
  it('retries a failing target with backoff under the same execution id, then delivers', async () => {
    const target = new RecordingTarget();
    const local = await start({ clock: new TestClock('2025-06-01T08:00:00Z'), target, retryBackoff: { baseMs: 10_000, maxMs: 60_000 } });
    target.failNext(2);
    await local.client.send(
      new CreateScheduleCommand(
        scheduleInput({
          Name: 'flaky',
          ScheduleExpression: 'at(2025-06-01T08:00:00)',
          Target: { Arn: FUNCTION_ARN, RoleArn: ROLE_ARN, Input: '{"attempt":"<aws.scheduler.attempt-number>"}', RetryPolicy: { MaximumRetryAttempts: 3 } },
        }),
      ),
    );
    await local.scheduler.tick();
    expect(target.invocations).toHaveLength(1);

    local.clock.advance(9_999); // before the first backoff (10 s) has passed
    await local.scheduler.tick();
    expect(target.invocations).toHaveLength(1);

    local.clock.advance(1);
    await local.scheduler.tick();
    local.clock.advance(20_000); // second backoff doubles
    await local.scheduler.tick();
    local.clock.advance(60_000);
    await local.scheduler.tick();

    expect(target.invocations.map((invocation) => invocation.payload)).toEqual([{ attempt: '1' }, { attempt: '2' }, { attempt: '3' }]);
    expect(new Set(target.invocations.map((invocation) => invocation.firing.executionId)).size).toBe(1);
  });

  it('sends to the dead-letter queue when the retries are used up', async () => {
    const target = new RecordingTarget();
    const deadLetters: DeadLetter[] = [];
    const local = await start({
      clock: new TestClock('2025-06-01T08:00:00Z'),
      target,
      retryBackoff: { baseMs: 1_000, maxMs: 1_000 },
      sendToDlq: async (deadLetter) => {
        deadLetters.push(deadLetter);
      },
    });
    target.failNext(100);
    const dlqArn = 'arn:aws:sqs:ap-southeast-2:123456789012:facet-test-scheduler-dlq';
    await local.client.send(
      new CreateScheduleCommand(
        scheduleInput({
          Name: 'broken',
          ScheduleExpression: 'at(2025-06-01T08:00:00)',
          Target: {
            Arn: FUNCTION_ARN,
            RoleArn: ROLE_ARN,
            Input: '{"campaignId":"c9"}',
            RetryPolicy: { MaximumRetryAttempts: 2 },
            DeadLetterConfig: { Arn: dlqArn },
          },
        }),
      ),
    );
    await runUntil(local, '2025-06-01T08:00:10Z', 1_000);
    expect(target.invocations).toHaveLength(3);
    expect(deadLetters).toEqual([
      {
        queueArn: dlqArn,
        body: '{"campaignId":"c9"}',
        attributes: expect.objectContaining({
          EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttemptsExhausted',
          RETRY_ATTEMPTS: '2',
          ERROR_MESSAGE: 'target unavailable',
          SCHEDULE_ARN: 'arn:aws:scheduler:ap-southeast-2:123456789012:schedule/default/broken',
          TARGET_ARN: FUNCTION_ARN,
        }),
      },
    ]);
  });

  it('gives up when the event would outlive MaximumEventAgeInSeconds', async () => {
    const target = new RecordingTarget();
    const deadLetters: DeadLetter[] = [];
    const local = await start({
      clock: new TestClock('2025-06-01T08:00:00Z'),
      target,
      retryBackoff: { baseMs: 40_000, maxMs: 40_000 },
      sendToDlq: async (deadLetter) => {
        deadLetters.push(deadLetter);
      },
    });
    target.failNext(100);
    await local.client.send(
      new CreateScheduleCommand(
        scheduleInput({
          Name: 'stale',
          ScheduleExpression: 'at(2025-06-01T08:00:00)',
          Target: {
            Arn: FUNCTION_ARN,
            RoleArn: ROLE_ARN,
            RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 60 },
            DeadLetterConfig: { Arn: 'arn:aws:sqs:ap-southeast-2:123456789012:dlq' },
          },
        }),
      ),
    );
    await runUntil(local, '2025-06-01T08:05:00Z', 10_000);
    // Attempt at 0 s, retry at 40 s; a retry at 80 s would be older than 60 s.
    expect(target.invocations).toHaveLength(2);
    expect(deadLetters.map((deadLetter) => deadLetter.attributes.EXHAUSTED_RETRY_CONDITION)).toEqual(['MaximumEventAgeExhausted']);
  });

  it('delivers each firing twice, concurrently and with one execution id, when asked to', async () => {
    const local = await start({ clock: new TestClock('2025-06-01T08:00:00Z'), duplicateFirings: true });
    await local.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'twice', ScheduleExpression: 'at(2025-06-01T08:00:00)' })));
    await local.scheduler.tick();
    await runUntil(local, '2025-06-01T09:00:00Z');
    expect(local.target.namesFired()).toEqual(['twice', 'twice']);
    const [first, second] = local.target.invocations;
    expect(first?.firing.executionId).toBe(second?.firing.executionId);
  });

  it('runs its own tick loop on the real clock when not driven by hand', async () => {
    const target = new RecordingTarget();
    const local = await start({ target, tickMs: 20, now: () => new Date() });
    const past = new Date(Date.now() - 60_000).toISOString().slice(0, 19);
    await local.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'looped', ScheduleExpression: `at(${past})` })));
    const deadline = Date.now() + 5_000;
    while (target.invocations.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(target.namesFired()).toEqual(['looped']);
  });
});
