import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { env } from '../../config/env';
import type { OneTimeSchedule, OneTimeSchedules } from './one-time-schedules';

/** Where run-time schedules live and run as; from the environment the CDK app's grantManageSchedules sets. */
export interface SchedulerSettings {
  readonly groupName: string;
  readonly roleArn: string;
  readonly deadLetterQueueArn: string;
}

export const schedulerSettingsFromEnv = (): SchedulerSettings => ({
  groupName: env.scheduleGroup(),
  roleArn: env.schedulerRoleArn(),
  deadLetterQueueArn: env.scheduleDeadLetterQueueArn(),
});

/**
 * Firings that cannot be delivered are retried for up to an hour, then go to the dead-letter queue (where an alarm
 * sees them): a campaign an hour late is still wanted, one a day late is for a person to decide.
 */
export const ONE_TIME_RETRY_POLICY = { MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 3600 };

let sharedClient: SchedulerClient | undefined;
/** Created on first use, once per container; the endpoint comes from AWS_ENDPOINT_URL_SCHEDULER locally. */
const defaultClient = () => (sharedClient ??= new SchedulerClient({}));

/** EventBridge Scheduler one-time `at()` schedules, deleted by the service after they fire. */
export function eventBridgeSchedules(
  settings: SchedulerSettings = schedulerSettingsFromEnv(),
  client: SchedulerClient = defaultClient(),
): OneTimeSchedules {
  return {
    async create(schedule: OneTimeSchedule) {
      try {
        await client.send(
          new CreateScheduleCommand({
            Name: schedule.name,
            GroupName: settings.groupName,
            ScheduleExpression: `at(${schedule.at})`,
            ScheduleExpressionTimezone: schedule.timeZone,
            FlexibleTimeWindow: { Mode: 'OFF' },
            ActionAfterCompletion: 'DELETE',
            State: 'ENABLED',
            ...(schedule.description ? { Description: schedule.description } : {}),
            // Same name, same token: the service answers a retried create with the first result.
            ClientToken: schedule.name,
            Target: {
              Arn: schedule.targetArn,
              RoleArn: settings.roleArn,
              Input: JSON.stringify(schedule.input),
              DeadLetterConfig: { Arn: settings.deadLetterQueueArn },
              RetryPolicy: ONE_TIME_RETRY_POLICY,
            },
          }),
        );
        return 'created';
      } catch (error) {
        if (error instanceof ConflictException) return 'exists';
        throw error;
      }
    },
    async delete(name: string) {
      try {
        await client.send(new DeleteScheduleCommand({ Name: name, GroupName: settings.groupName }));
        return 'deleted';
      } catch (error) {
        if (error instanceof ResourceNotFoundException) return 'absent';
        throw error;
      }
    },
  };
}
