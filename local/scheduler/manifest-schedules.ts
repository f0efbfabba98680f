import {
  ConflictException,
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  UpdateScheduleCommand,
  type CreateScheduleCommandInput,
  type GetScheduleCommandOutput,
  type Target,
  type RetryPolicy,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { FUNCTIONS, type FunctionSpec } from '../../functions/manifest';
import { recurringScheduleInput } from '../../infra/schedule-input';

/**
 * The recurring schedules the CDK app declares (infra/schedules.ts: one per manifest function with a `schedule`
 * trigger, in the stage's group `facet-{stage}`, named `facet-{stage}-{id}`, with the shared recurring input),
 * registered in the local scheduler through the Scheduler API at start, so local runs the same schedules as AWS.
 */
export interface ManifestScheduleOptions {
  readonly stage: string;
  readonly region: string;
  readonly accountId: string;
  readonly functions?: readonly FunctionSpec[];
  /** The stage's schedule dead-letter queue, when the local stack has one. */
  readonly deadLetterQueueArn?: string;
  /** As the CDK app sets it on recurring schedules; the service default (185 retries, 24 h) otherwise. */
  readonly retryPolicy?: RetryPolicy;
}

export const scheduleGroupName = (stage: string) => `facet-${stage}`;

export function manifestSchedules(options: ManifestScheduleOptions): CreateScheduleCommandInput[] {
  const prefix = scheduleGroupName(options.stage);
  return (options.functions ?? FUNCTIONS).flatMap((spec): CreateScheduleCommandInput[] => {
    const { trigger } = spec;
    if (trigger.kind !== 'schedule') return [];
    return [
      {
        Name: `${prefix}-${spec.id}`,
        GroupName: prefix,
        Description: trigger.description,
        ScheduleExpression: trigger.expression,
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: {
          Arn: `arn:aws:lambda:${options.region}:${options.accountId}:function:${prefix}-${spec.id}`,
          RoleArn: `arn:aws:iam::${options.accountId}:role/${prefix}-${spec.id}-schedule`,
          Input: recurringScheduleInput(spec.id),
          ...(options.retryPolicy ? { RetryPolicy: options.retryPolicy } : {}),
          ...(options.deadLetterQueueArn ? { DeadLetterConfig: { Arn: options.deadLetterQueueArn } } : {}),
        },
      },
    ];
  });
}

/** Whether a stored schedule already says what the manifest says (then it is left alone and keeps its rhythm). */
function unchanged(current: GetScheduleCommandOutput, wanted: CreateScheduleCommandInput): boolean {
  const target = (input: Target | undefined) => [
    input?.Arn,
    input?.RoleArn,
    input?.Input,
    input?.RetryPolicy?.MaximumRetryAttempts,
    input?.RetryPolicy?.MaximumEventAgeInSeconds,
    input?.DeadLetterConfig?.Arn,
  ];
  return (
    current.ScheduleExpression === wanted.ScheduleExpression &&
    current.ScheduleExpressionTimezone === wanted.ScheduleExpressionTimezone &&
    current.State === wanted.State &&
    current.Description === wanted.Description &&
    JSON.stringify(target(current.Target)) === JSON.stringify(target(wanted.Target))
  );
}

/**
 * Creates the stage's group and its recurring schedules, or brings them in line with the manifest. Idempotent: run
 * at every start; a schedule that already matches is not touched, so a restart does not reset its rhythm.
 * Returns the names of the schedules it registered.
 */
export async function registerManifestSchedules(client: SchedulerClient, options: ManifestScheduleOptions): Promise<string[]> {
  try {
    await client.send(new CreateScheduleGroupCommand({ Name: scheduleGroupName(options.stage) }));
  } catch (error) {
    if (!(error instanceof ConflictException)) throw error;
  }
  const registered: string[] = [];
  for (const wanted of manifestSchedules(options)) {
    const name = wanted.Name ?? '';
    try {
      const current = await client.send(new GetScheduleCommand({ Name: name, GroupName: wanted.GroupName }));
      if (!unchanged(current, wanted)) await client.send(new UpdateScheduleCommand(wanted));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      await client.send(new CreateScheduleCommand(wanted));
    }
    registered.push(name);
  }
  return registered;
}
