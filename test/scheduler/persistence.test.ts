import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
} from '@aws-sdk/client-scheduler';
import { startLocalScheduler } from '../../local/scheduler';
import { FUNCTION_ARN, ROLE_ARN, RecordingTarget, TestClock, scheduleInput, startTestScheduler, type TestScheduler } from './support';

let directory: string;
let dataFile: string;
const running: TestScheduler[] = [];

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'facet-scheduler-'));
  dataFile = join(directory, 'data', 'scheduler.json');
});

afterEach(async () => {
  for (const local of running.splice(0)) {
    local.client.destroy();
    await local.scheduler.stop();
  }
  rmSync(directory, { recursive: true, force: true });
});

async function start(clock: TestClock, target = new RecordingTarget()): Promise<TestScheduler> {
  const local = await startTestScheduler({ clock, target, dataFile, retryBackoff: { baseMs: 1_000, maxMs: 1_000 } });
  running.push(local);
  return local;
}

async function restart(local: TestScheduler, clock: TestClock, target = new RecordingTarget()): Promise<TestScheduler> {
  local.client.destroy();
  await local.scheduler.stop();
  running.splice(running.indexOf(local), 1);
  return start(clock, target);
}

describe('persistence', () => {
  it('keeps groups and schedules across a restart, writing through on every change', async () => {
    const clock = new TestClock('2025-06-01T08:00:00Z');
    const first = await start(clock);
    await first.client.send(new CreateScheduleGroupCommand({ Name: 'facet-dev' }));
    await first.client.send(
      new CreateScheduleCommand(
        scheduleInput({ Name: 'runner', GroupName: 'facet-dev', ScheduleExpression: 'cron(0/15 * * * ? *)', ScheduleExpressionTimezone: 'Australia/Sydney' }),
      ),
    );
    // Written before any stop: a killed process loses nothing.
    expect(readFileSync(dataFile, 'utf8')).toContain('"runner"');

    const second = await restart(first, clock);
    const read = await second.client.send(new GetScheduleCommand({ Name: 'runner', GroupName: 'facet-dev' }));
    expect(read).toMatchObject({ ScheduleExpression: 'cron(0/15 * * * ? *)', ScheduleExpressionTimezone: 'Australia/Sydney' });
    const listed = await second.client.send(new ListSchedulesCommand({}));
    expect(listed.Schedules?.map((schedule) => schedule.Name)).toEqual(['runner']);
  });

  it('fires a one-time schedule that came due while the process was down, once, at start', async () => {
    const clock = new TestClock('2025-06-01T08:00:00Z');
    const first = await start(clock);
    await first.client.send(
      new CreateScheduleCommand(scheduleInput({ Name: 'missed', ScheduleExpression: 'at(2025-06-01T09:00:00)', ActionAfterCompletion: 'DELETE' })),
    );
    clock.set('2025-06-01T11:00:00Z');
    const target = new RecordingTarget();
    const second = await restart(first, clock, target);
    await second.scheduler.tick();
    await second.scheduler.tick();
    expect(target.invocations.map((invocation) => invocation.firing.scheduledTime)).toEqual([new Date('2025-06-01T09:00:00Z')]);

    const third = await restart(second, clock, target);
    await third.scheduler.tick();
    expect(target.invocations).toHaveLength(1);
  });

  it('continues a recurring schedule from now after a restart, without replaying what it missed', async () => {
    const clock = new TestClock('2025-06-01T08:00:00Z');
    const first = await start(clock);
    await first.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'hourly', ScheduleExpression: 'rate(1 hour)' })));
    await first.scheduler.tick(); // fires for 08:00

    clock.set('2025-06-01T13:30:00Z');
    const target = new RecordingTarget();
    const second = await restart(first, clock, target);
    await second.scheduler.tick();
    expect(target.invocations).toHaveLength(0);
    clock.set('2025-06-01T14:00:00Z');
    await second.scheduler.tick();
    expect(target.invocations.map((invocation) => invocation.firing.scheduledTime)).toEqual([new Date('2025-06-01T14:00:00Z')]);
  });

  it('keeps retrying a failed delivery after a restart', async () => {
    const clock = new TestClock('2025-06-01T08:00:00Z');
    const failing = new RecordingTarget();
    failing.failNext(1);
    const first = await start(clock, failing);
    await first.client.send(
      new CreateScheduleCommand(
        scheduleInput({
          Name: 'retry-me',
          ScheduleExpression: 'at(2025-06-01T08:00:00)',
          ActionAfterCompletion: 'DELETE',
          Target: { Arn: FUNCTION_ARN, RoleArn: ROLE_ARN, Input: '{"attempt":"<aws.scheduler.attempt-number>"}' },
        }),
      ),
    );
    await first.scheduler.tick();
    expect(failing.invocations).toHaveLength(1);

    clock.advance(5_000);
    const healthy = new RecordingTarget();
    const second = await restart(first, clock, healthy);
    await second.scheduler.tick();
    expect(healthy.invocations.map((invocation) => invocation.payload)).toEqual([{ attempt: '2' }]);
    expect(healthy.invocations[0]?.firing.executionId).toBe(failing.invocations[0]?.firing.executionId);
  });

  it('refuses a data file that is not its own rather than overwrite it', async () => {
    const foreign = join(directory, 'foreign.json');
    writeFileSync(foreign, '{"tables": []}');
    await expect(startLocalScheduler({ dataFile: foreign, invokeTarget: async () => undefined, tickMs: 0 })).rejects.toThrow(
      /not a local scheduler state file/,
    );
  });

  it('compacts its journal to one snapshot line at start, and drops a last line cut short by a crash', async () => {
    const clock = new TestClock('2025-06-01T08:00:00Z');
    const first = await start(clock);
    for (const name of ['a', 'b', 'c']) {
      await first.client.send(new CreateScheduleCommand(scheduleInput({ Name: name })));
    }
    expect(readFileSync(dataFile, 'utf8').trim().split('\n').length).toBeGreaterThan(1);
    first.client.destroy();
    await first.scheduler.stop();
    running.splice(running.indexOf(first), 1);
    appendFileSync(dataFile, '{"change":{"put":"schedule","schedule":{"name":"d"');

    const second = await start(clock);
    expect(readFileSync(dataFile, 'utf8').trim().split('\n')).toHaveLength(1);
    const listed = await second.client.send(new ListSchedulesCommand({}));
    expect(listed.Schedules?.map((schedule) => schedule.Name)).toEqual(['a', 'b', 'c']);
  });

  it('refuses to start on a corrupt journal line rather than lose schedules silently', async () => {
    const clock = new TestClock('2025-06-01T08:00:00Z');
    const first = await start(clock);
    await first.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'a' })));
    first.client.destroy();
    await first.scheduler.stop();
    running.splice(running.indexOf(first), 1);
    const [snapshot = ''] = readFileSync(dataFile, 'utf8').split('\n');
    writeFileSync(dataFile, `${snapshot}\n{broken\n{"change":{"delete":"schedule","groupName":"default","name":"a"}}\n`);
    await expect(startLocalScheduler({ dataFile, invokeTarget: async () => undefined, tickMs: 0 })).rejects.toThrow(/line 2 is corrupt/);
  });
});
