import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnSchedule, CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DLQ_RETENTION_SECONDS } from '../shared/config/queues';
import { acknowledgeWildcardResource } from './nag';
import { recurringScheduleInput } from './schedule-input';
import type { StageSettings } from './stage-settings';

/** Variables a function that creates schedules at run time reads (see grantManageSchedules). */
export const SCHEDULE_ENV = {
  group: 'SCHEDULE_GROUP',
  roleArn: 'SCHEDULER_ROLE_ARN',
  deadLetterQueueArn: 'SCHEDULE_DLQ_ARN',
} as const;

export interface RecurringScheduleProps {
  /** Unique within the group; becomes the schedule's name `{prefix}-{name}`. */
  readonly name: string;
  /** `rate(...)` or `cron(...)`. */
  readonly expression: string;
  readonly description: string;
  readonly timezone?: string;
  readonly target: IFunction;
}

/**
 * A late firing is superseded by the next one for every recurring schedule we have (sweeps, runner passes catch up),
 * so delivery is retried only briefly before the event goes to the dead-letter queue, where an alarm sees it.
 */
const RETRY_POLICY = { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 300 };

/**
 * The EventBridge Scheduler side of the app: one schedule group per stage that holds both the recurring schedules
 * declared here and the one-time `at()` schedules that functions create at run time (scheduled campaigns, automation
 * reminders), a dead-letter queue for firings that could not be delivered, and the role run-time schedules run as.
 */
export class Schedules extends Construct {
  readonly groupName: string;
  readonly group: CfnScheduleGroup;
  readonly deadLetterQueue: Queue;
  /** Role that run-time schedules run as; creators pass it (iam:PassRole on this role only). */
  readonly runtimeInvocationRole: Role;
  private readonly settings: StageSettings;

  constructor(scope: Construct, id: string, settings: StageSettings) {
    super(scope, id);
    this.settings = settings;
    this.groupName = settings.prefix;
    this.group = new CfnScheduleGroup(this, 'Group', { name: this.groupName });
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      queueName: `${settings.prefix}-schedules-dlq`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.seconds(DLQ_RETENTION_SECONDS),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the EventBridge Scheduler targets in this group.',
    });
    this.runtimeInvocationRole = this.schedulerRole('RuntimeInvocationRole', 'Run-time schedules of this stage');
  }

  /** ARN pattern of the schedules in this group; run-time schedule names are only known at run time. */
  get scheduleArnPattern(): string {
    return Stack.of(this).formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${this.groupName}/*` });
  }

  /** A recurring schedule declared in the app (outbox sweep, automation runner), with its own invocation role. */
  addRecurringSchedule(props: RecurringScheduleProps): CfnSchedule {
    const role = this.schedulerRole(`${props.name}Role`, `Invokes ${props.name} on its schedule`);
    role.addToPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.target.functionArn] }));
    const schedule = new CfnSchedule(this, props.name, {
      name: `${this.settings.prefix}-${props.name}`,
      // By reference, so CloudFormation creates the group first.
      groupName: this.group.ref,
      description: props.description,
      scheduleExpression: props.expression,
      scheduleExpressionTimezone: props.timezone ?? 'UTC',
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: props.target.functionArn,
        roleArn: role.roleArn,
        input: recurringScheduleInput(props.name),
        deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
        retryPolicy: RETRY_POLICY,
      },
    });
    return schedule;
  }

  /** Lets run-time schedules of this group invoke `target`. */
  allowRuntimeSchedulesToInvoke(target: IFunction): void {
    this.runtimeInvocationRole.addToPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [target.functionArn] }),
    );
  }

  /**
   * Lets `fn` create, update, read and delete schedules in this group and pass the run-time invocation role to
   * Scheduler, nothing more: no other group, no other role, no `*` resource.
   */
  grantManageSchedules(fn: LambdaFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule'],
        resources: [this.scheduleArnPattern],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.runtimeInvocationRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    fn.addEnvironment(SCHEDULE_ENV.group, this.groupName);
    fn.addEnvironment(SCHEDULE_ENV.roleArn, this.runtimeInvocationRole.roleArn);
    fn.addEnvironment(SCHEDULE_ENV.deadLetterQueueArn, this.deadLetterQueue.queueArn);
    if (fn.role) {
      acknowledgeWildcardResource(
        fn.role,
        this.scheduleArnPattern,
        'Run-time schedules are named per campaign or automation occurrence, so the grant covers the schedules of ' +
          "this stage's group only (not other groups, not `*`).",
      );
    }
  }

  /** A role only EventBridge Scheduler, acting for this account's schedule group, can assume. */
  private schedulerRole(id: string, description: string): Role {
    const stack = Stack.of(this);
    const role = new Role(this, id, {
      description,
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: this.groupName }),
          },
        },
      }),
    });
    role.addToPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }));
    return role;
  }
}
