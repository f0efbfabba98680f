import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConflictException,
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  DeleteScheduleGroupCommand,
  GetScheduleCommand,
  GetScheduleGroupCommand,
  ListScheduleGroupsCommand,
  ListSchedulesCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateScheduleCommand,
  ValidationException,
  paginateListSchedules,
  type CreateScheduleCommandInput,
  type ListSchedulesCommandInput,
} from '@aws-sdk/client-scheduler';
import { FUNCTION_ARN, ROLE_ARN, scheduleInput, startTestScheduler, type TestScheduler } from './support';

let local: TestScheduler;

beforeEach(async () => {
  local = await startTestScheduler();
});

afterEach(async () => {
  local.client.destroy();
  await local.scheduler.stop();
});

describe('schedules', () => {
  it('creates a schedule and reads back every setting', async () => {
    const input: CreateScheduleCommandInput = {
      Name: 'campaign-c1',
      ScheduleExpression: 'at(2025-06-15T09:00:00)',
      ScheduleExpressionTimezone: 'Australia/Sydney',
      Description: 'Send campaign c1',
      State: 'ENABLED',
      ActionAfterCompletion: 'DELETE',
      FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
      StartDate: new Date('2025-06-02T00:00:00Z'),
      EndDate: new Date('2025-07-01T00:00:00Z'),
      Target: {
        Arn: FUNCTION_ARN,
        RoleArn: ROLE_ARN,
        Input: '{"campaignId":"c1","version":3}',
        RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: 'arn:aws:sqs:ap-southeast-2:123456789012:facet-test-scheduler-dlq' },
      },
    };
    const created = await local.client.send(new CreateScheduleCommand(input));
    expect(created.ScheduleArn).toBe('arn:aws:scheduler:ap-southeast-2:123456789012:schedule/default/campaign-c1');

    const read = await local.client.send(new GetScheduleCommand({ Name: 'campaign-c1' }));
    expect(read).toMatchObject({
      Arn: created.ScheduleArn,
      Name: 'campaign-c1',
      GroupName: 'default',
      ScheduleExpression: input.ScheduleExpression,
      ScheduleExpressionTimezone: 'Australia/Sydney',
      Description: 'Send campaign c1',
      State: 'ENABLED',
      ActionAfterCompletion: 'DELETE',
      FlexibleTimeWindow: input.FlexibleTimeWindow,
      StartDate: input.StartDate,
      EndDate: input.EndDate,
      Target: input.Target,
      CreationDate: new Date('2025-06-01T00:00:00Z'),
      LastModificationDate: new Date('2025-06-01T00:00:00Z'),
    });
  });

  it('refuses a second schedule with the same name, but answers a retried create with the same client token', async () => {
    const first = await local.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'once', ClientToken: 'token-1' })));
    const retried = await local.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'once', ClientToken: 'token-1' })));
    expect(retried.ScheduleArn).toBe(first.ScheduleArn);
    await expect(local.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'once' })))).rejects.toBeInstanceOf(
      ConflictException,
    );
  });

  it('answers ResourceNotFoundException for a missing schedule or group', async () => {
    await expect(local.client.send(new GetScheduleCommand({ Name: 'missing' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await expect(local.client.send(new GetScheduleCommand({ Name: 'x', GroupName: 'no-such-group' }))).rejects.toThrow(
      /Schedule group no-such-group does not exist/,
    );
    await expect(
      local.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'x', GroupName: 'no-such-group' }))),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(local.client.send(new UpdateScheduleCommand(scheduleInput({ Name: 'missing' })))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await expect(local.client.send(new DeleteScheduleCommand({ Name: 'missing' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('update replaces every setting, resetting what it omits, and keeps the creation date', async () => {
    await local.client.send(
      new CreateScheduleCommand(
        scheduleInput({ Name: 'reminder', Description: 'old', State: 'DISABLED', ActionAfterCompletion: 'DELETE' }),
      ),
    );
    local.clock.advance(60_000);
    await local.client.send(
      new UpdateScheduleCommand(scheduleInput({ Name: 'reminder', ScheduleExpression: 'at(2031-02-03T04:05:06)' })),
    );
    const read = await local.client.send(new GetScheduleCommand({ Name: 'reminder' }));
    expect(read.ScheduleExpression).toBe('at(2031-02-03T04:05:06)');
    expect(read.Description).toBeUndefined();
    expect(read.State).toBe('ENABLED');
    expect(read.ActionAfterCompletion).toBe('NONE');
    expect(read.CreationDate).toEqual(new Date('2025-06-01T00:00:00Z'));
    expect(read.LastModificationDate).toEqual(new Date('2025-06-01T00:01:00Z'));
  });

  it('deletes a schedule', async () => {
    await local.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'gone' })));
    await local.client.send(new DeleteScheduleCommand({ Name: 'gone' }));
    await expect(local.client.send(new GetScheduleCommand({ Name: 'gone' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('lists schedules by group, name prefix and state, page by page', async () => {
    await local.client.send(new CreateScheduleGroupCommand({ Name: 'facet-test' }));
    for (const name of ['birthday-1', 'birthday-2', 'birthday-3', 'repair-1']) {
      await local.client.send(new CreateScheduleCommand(scheduleInput({ Name: name, GroupName: 'facet-test' })));
    }
    await local.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'birthday-9', State: 'DISABLED' })));

    const names = async (input: ListSchedulesCommandInput) => {
      const found: string[] = [];
      for await (const page of paginateListSchedules({ client: local.client, pageSize: 2 }, input)) {
        expect(page.Schedules?.length ?? 0).toBeLessThanOrEqual(2);
        found.push(...(page.Schedules ?? []).map((schedule) => `${schedule.GroupName}/${schedule.Name}`));
      }
      return found;
    };
    expect(await names({})).toEqual([
      'default/birthday-9',
      'facet-test/birthday-1',
      'facet-test/birthday-2',
      'facet-test/birthday-3',
      'facet-test/repair-1',
    ]);
    expect(await names({ GroupName: 'facet-test', NamePrefix: 'birthday' })).toEqual([
      'facet-test/birthday-1',
      'facet-test/birthday-2',
      'facet-test/birthday-3',
    ]);
    expect(await names({ State: 'DISABLED' })).toEqual(['default/birthday-9']);

    const firstPage = await local.client.send(new ListSchedulesCommand({ MaxResults: 1 }));
    expect(firstPage.Schedules?.[0]).toMatchObject({
      Name: 'birthday-9',
      GroupName: 'default',
      State: 'DISABLED',
      Target: { Arn: FUNCTION_ARN },
      CreationDate: new Date('2025-06-01T00:00:00Z'),
    });
    expect(firstPage.NextToken).toBeDefined();
    await expect(local.client.send(new ListSchedulesCommand({ NextToken: 'not-a-token' }))).rejects.toBeInstanceOf(
      ValidationException,
    );
  });
});

describe('schedule groups', () => {
  it('always has the default group, which cannot be deleted', async () => {
    const group = await local.client.send(new GetScheduleGroupCommand({ Name: 'default' }));
    expect(group).toMatchObject({
      Name: 'default',
      State: 'ACTIVE',
      Arn: 'arn:aws:scheduler:ap-southeast-2:123456789012:schedule-group/default',
    });
    await expect(local.client.send(new DeleteScheduleGroupCommand({ Name: 'default' }))).rejects.toBeInstanceOf(
      ValidationException,
    );
  });

  it('creates, lists and deletes groups; deleting a group deletes its schedules', async () => {
    const created = await local.client.send(new CreateScheduleGroupCommand({ Name: 'facet-dev' }));
    expect(created.ScheduleGroupArn).toBe('arn:aws:scheduler:ap-southeast-2:123456789012:schedule-group/facet-dev');
    await expect(local.client.send(new CreateScheduleGroupCommand({ Name: 'facet-dev' }))).rejects.toBeInstanceOf(
      ConflictException,
    );
    const listed = await local.client.send(new ListScheduleGroupsCommand({}));
    expect(listed.ScheduleGroups?.map((group) => group.Name)).toEqual(['default', 'facet-dev']);
    const prefixed = await local.client.send(new ListScheduleGroupsCommand({ NamePrefix: 'facet' }));
    expect(prefixed.ScheduleGroups?.map((group) => group.Name)).toEqual(['facet-dev']);

    await local.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'in-group', GroupName: 'facet-dev' })));
    const inGroup = await local.client.send(new GetScheduleCommand({ Name: 'in-group', GroupName: 'facet-dev' }));
    expect(inGroup.Arn).toBe('arn:aws:scheduler:ap-southeast-2:123456789012:schedule/facet-dev/in-group');
    await expect(local.client.send(new GetScheduleCommand({ Name: 'in-group' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );

    await local.client.send(new DeleteScheduleGroupCommand({ Name: 'facet-dev' }));
    await expect(local.client.send(new GetScheduleGroupCommand({ Name: 'facet-dev' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    const remaining = await local.client.send(new ListSchedulesCommand({}));
    expect(remaining.Schedules).toEqual([]);
  });

  it('tags groups', async () => {
    const { ScheduleGroupArn } = await local.client.send(
      new CreateScheduleGroupCommand({ Name: 'tagged', Tags: [{ Key: 'stage', Value: 'dev' }] }),
    );
    const ResourceArn = ScheduleGroupArn ?? '';
    await local.client.send(new TagResourceCommand({ ResourceArn, Tags: [{ Key: 'owner', Value: 'facet' }] }));
    await local.client.send(new UntagResourceCommand({ ResourceArn, TagKeys: ['stage'] }));
    const { Tags } = await local.client.send(new ListTagsForResourceCommand({ ResourceArn }));
    expect(Tags).toEqual([{ Key: 'owner', Value: 'facet' }]);
  });
});

describe('validation errors arrive as ValidationException', () => {
  const invalid: Array<[string, Partial<CreateScheduleCommandInput>, RegExp]> = [
    ['an unknown expression', { ScheduleExpression: 'every day' }, /Invalid Schedule Expression/],
    ['cron with both day fields', { ScheduleExpression: 'cron(0 9 * * MON *)' }, /exactly one of day-of-month/],
    ['rate with a plural unit for 1', { ScheduleExpression: 'rate(1 hours)' }, /singular/],
    ['an impossible at() date', { ScheduleExpression: 'at(2025-02-30T10:00:00)' }, /not a valid date/],
    ['an unknown time zone', { ScheduleExpressionTimezone: 'Mars/Olympus_Mons' }, /Invalid time zone/],
    ['a role that is not an IAM role ARN', { Target: { Arn: FUNCTION_ARN, RoleArn: 'admin' } }, /Target\.RoleArn/],
    [
      'too many retries',
      { Target: { Arn: FUNCTION_ARN, RoleArn: ROLE_ARN, RetryPolicy: { MaximumRetryAttempts: 186 } } },
      /Target\.RetryPolicy\.MaximumRetryAttempts/,
    ],
    [
      'a DLQ that is not an SQS ARN',
      { Target: { Arn: FUNCTION_ARN, RoleArn: ROLE_ARN, DeadLetterConfig: { Arn: 'arn:aws:sns:x' } } },
      /Target\.DeadLetterConfig\.Arn/,
    ],
    ['a flexible window without its length', { FlexibleTimeWindow: { Mode: 'FLEXIBLE' } }, /MaximumWindowInMinutes/],
    ['no flexible time window', { FlexibleTimeWindow: undefined }, /FlexibleTimeWindow/],
    ['an unknown state', { State: 'PAUSED' as 'ENABLED' }, /State/],
    [
      'an end before the start',
      { StartDate: new Date('2025-07-02T00:00:00Z'), EndDate: new Date('2025-07-01T00:00:00Z') },
      /EndDate .* later than the StartDate/,
    ],
    ['a start date in the past', { StartDate: new Date('2025-05-31T23:50:00Z') }, /StartDate/],
    ['an end date in the past', { EndDate: new Date('2025-05-31T23:59:00Z') }, /EndDate/],
  ];

  it.each(invalid)('refuses %s', async (_label, overrides, message) => {
    const attempt = local.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'invalid', ...overrides })));
    await expect(attempt).rejects.toBeInstanceOf(ValidationException);
    await expect(attempt).rejects.toThrow(message);
    await expect(local.client.send(new GetScheduleCommand({ Name: 'invalid' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('refuses a name the service would refuse', async () => {
    await expect(
      local.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'campaign c1!' }))),
    ).rejects.toBeInstanceOf(ValidationException);
    await expect(local.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'x'.repeat(65) })))).rejects.toBeInstanceOf(
      ValidationException,
    );
  });

  it('refuses invalid updates and keeps the schedule as it was', async () => {
    await local.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'kept' })));
    await expect(
      local.client.send(new UpdateScheduleCommand(scheduleInput({ Name: 'kept', ScheduleExpression: 'rate(0 minutes)' }))),
    ).rejects.toBeInstanceOf(ValidationException);
    const read = await local.client.send(new GetScheduleCommand({ Name: 'kept' }));
    expect(read.ScheduleExpression).toBe('at(2030-01-01T00:00:00)');
  });
});
