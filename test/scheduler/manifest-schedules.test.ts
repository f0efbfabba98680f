import { afterEach, describe, expect, it } from 'vitest';
import { GetScheduleCommand, GetScheduleGroupCommand, ListSchedulesCommand } from '@aws-sdk/client-scheduler';
import { FUNCTIONS, type FunctionSpec } from '../../functions/manifest';
import { recurringScheduleInput } from '../../infra/schedule-input';
import { manifestLambdaTargets, type FunctionRunner } from '../../local/scheduler/lambda-targets';
import { registerManifestSchedules } from '../../local/scheduler/manifest-schedules';
import { ROLE_ARN, TestClock, startTestScheduler, type TestScheduler } from './support';

const identity = { region: 'ap-southeast-2', accountId: '123456789012' };
const running: TestScheduler[] = [];

afterEach(async () => {
  for (const local of running.splice(0)) {
    local.client.destroy();
    await local.scheduler.stop();
  }
});

const reportFunction = (expression: string): FunctionSpec => ({
  id: 'nightly-report',
  entry: 'functions/schedule/nightly-report.ts',
  description: 'test fixture',
  timeoutSeconds: 30,
  memoryMb: 256,
  trigger: { kind: 'schedule', expression, description: 'Nightly report' },
  access: { table: 'read' },
});

class RecordingRunner implements FunctionRunner {
  readonly calls: Array<{ id: string; event: unknown }> = [];

  async invoke(spec: FunctionSpec, event: unknown): Promise<unknown> {
    this.calls.push({ id: spec.id, event });
    return undefined;
  }
}

describe('recurring schedules from functions/manifest.ts', () => {
  it('registers one schedule per scheduled function, in the stage group, as the CDK app declares them', async () => {
    const local = await startTestScheduler();
    running.push(local);
    const names = await registerManifestSchedules(local.client, { stage: 'test', ...identity });

    const scheduled = FUNCTIONS.filter((spec) => spec.trigger.kind === 'schedule');
    expect(scheduled.length).toBeGreaterThan(0);
    expect(names).toEqual(scheduled.map((spec) => `facet-test-${spec.id}`));
    await expect(local.client.send(new GetScheduleGroupCommand({ Name: 'facet-test' }))).resolves.toMatchObject({ State: 'ACTIVE' });
    for (const spec of scheduled) {
      if (spec.trigger.kind !== 'schedule') continue;
      const schedule = await local.client.send(new GetScheduleCommand({ Name: `facet-test-${spec.id}`, GroupName: 'facet-test' }));
      expect(schedule).toMatchObject({
        ScheduleExpression: spec.trigger.expression,
        ScheduleExpressionTimezone: 'UTC',
        State: 'ENABLED',
        Target: {
          Arn: `arn:aws:lambda:ap-southeast-2:123456789012:function:facet-test-${spec.id}`,
          Input: recurringScheduleInput(spec.id),
        },
      });
    }
  });

  it('is idempotent, and follows a changed manifest', async () => {
    const clock = new TestClock('2025-06-01T08:00:00Z');
    const local = await startTestScheduler({ clock });
    running.push(local);
    const options = { stage: 'test', ...identity, functions: [reportFunction('cron(0 9 * * ? *)')] };
    await registerManifestSchedules(local.client, options);
    clock.advance(60_000);
    await registerManifestSchedules(local.client, options);
    const get = () => local.client.send(new GetScheduleCommand({ Name: 'facet-test-nightly-report', GroupName: 'facet-test' }));
    expect((await get()).LastModificationDate).toEqual(new Date('2025-06-01T08:00:00Z'));

    await registerManifestSchedules(local.client, { ...options, functions: [reportFunction('cron(30 9 * * ? *)')] });
    expect(await get()).toMatchObject({ ScheduleExpression: 'cron(30 9 * * ? *)', LastModificationDate: new Date('2025-06-01T08:01:00Z') });
    const listed = await local.client.send(new ListSchedulesCommand({ GroupName: 'facet-test' }));
    expect(listed.Schedules).toHaveLength(1);
  });

  it('fires the function handler with the recurring input, context attributes filled in', async () => {
    const runner = new RecordingRunner();
    const functions = [reportFunction('cron(0 9 * * ? *)')];
    const clock = new TestClock('2025-06-01T08:00:00Z');
    const local = await startTestScheduler({ clock, invokeTarget: manifestLambdaTargets({ stage: 'test', runner, functions }) });
    running.push(local);
    await registerManifestSchedules(local.client, { stage: 'test', ...identity, functions });

    clock.set('2025-06-01T09:00:00Z');
    await local.scheduler.tick();
    expect(runner.calls).toEqual([
      {
        id: 'nightly-report',
        event: {
          schedule: 'nightly-report',
          scheduleArn: 'arn:aws:scheduler:ap-southeast-2:123456789012:schedule/facet-test/facet-test-nightly-report',
          scheduledTime: '2025-06-01T09:00:00Z',
          executionId: expect.stringMatching(/^[0-9a-f]{16}$/),
          attemptNumber: '1',
        },
      },
    ]);
  });
});
