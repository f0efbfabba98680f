import { randomUUID } from 'node:crypto';
import { logger } from '../../shared/observability/logger';
import { formatScheduledTime, withContextAttributes, type InvocationContext } from './context-attributes';
import type { PendingDelivery, StoredSchedule } from './model';
import type { ScheduleTarget } from './requests';
import { fireTimeAfterFiring } from './schedule-timing';
import type { SchedulerState } from './state';

/** The firing a target receives along with its (context-attribute-substituted) target. */
export interface Firing extends InvocationContext {
  readonly scheduleName: string;
  readonly groupName: string;
}

/** Delivers one firing to its target; throwing means the delivery failed and the retry policy applies. */
export type InvokeTarget = (target: ScheduleTarget, firing: Firing) => Promise<void>;

/** A firing the retry policy gave up on, for the schedule's dead-letter queue. */
export interface DeadLetter {
  readonly queueArn: string;
  /** The target's input, as the service puts it in the DLQ message body. */
  readonly body: string;
  /** Modelled on the SQS message attributes of the service's dead-letter events. */
  readonly attributes: Readonly<Record<string, string>>;
}

export type SendToDlq = (deadLetter: DeadLetter, firing: Firing) => Promise<void>;

export interface RetryBackoff {
  /** Delay before the first retry; doubled for each later one. */
  readonly baseMs: number;
  readonly maxMs: number;
}

export interface DispatcherOptions {
  readonly state: SchedulerState;
  readonly now: () => Date;
  readonly invokeTarget: InvokeTarget;
  readonly sendToDlq?: SendToDlq;
  /** Delivers every firing twice (concurrently, same execution id): at-least-once delivery, on demand for tests. */
  readonly duplicateFirings?: boolean;
  readonly retryBackoff?: RetryBackoff;
}

/** The service's defaults when a target has no RetryPolicy. */
const DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 185;
const DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 86_400;
const DEFAULT_BACKOFF: RetryBackoff = { baseMs: 1_000, maxMs: 60_000 };

type ExhaustedCondition = 'MaximumRetryAttemptsExhausted' | 'MaximumEventAgeExhausted';

/** Ids only in logs. */
const logFields = (delivery: PendingDelivery) => ({
  schedule: delivery.scheduleName,
  group: delivery.groupName,
  executionId: delivery.executionId,
  attempt: delivery.attemptNumber,
});

/**
 * Fires due schedules and delivers their firings: each firing becomes a persisted pending delivery before the target
 * is called, and stays one until the target accepts it or the retry policy sends it to the dead-letter queue. A
 * schedule is advanced to its next occurrence (or completed, or deleted after completion) in the same commit that
 * records its delivery, so a crash in between neither loses nor repeats a firing.
 */
export class Dispatcher {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly backoff: RetryBackoff;

  constructor(private readonly options: DispatcherOptions) {
    this.backoff = options.retryBackoff ?? DEFAULT_BACKOFF;
  }

  /** Fires what is due now and starts the deliveries that are due, without waiting for them (the tick loop's step). */
  poll(): void {
    const now = this.options.now();
    this.fireDueSchedules(now);
    this.startDueDeliveries(now);
  }

  /** Fires what is due now, attempts the deliveries that are due, and waits until every delivery under way settles. */
  async tick(): Promise<void> {
    this.poll();
    await this.settle();
  }

  /** Waits for the deliveries under way (including ones that another tick started). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight.values()]);
  }

  private fireDueSchedules(now: Date): void {
    const { state } = this.options;
    const due = state.dueSchedules(now);
    for (const schedule of due) {
      const scheduledTime = new Date(schedule.nextFireAt ?? now.toISOString());
      const executionId = randomUUID().replaceAll('-', '').slice(0, 16);
      const copies = this.options.duplicateFirings ? 2 : 1;
      for (let copy = 0; copy < copies; copy += 1) {
        state.putDelivery(this.newDelivery(schedule, scheduledTime, executionId, now));
      }
      this.advance(schedule, scheduledTime, now);
    }
    state.commit();
  }

  private newDelivery(schedule: StoredSchedule, scheduledTime: Date, executionId: string, now: Date): PendingDelivery {
    return {
      deliveryId: randomUUID(),
      executionId,
      scheduleArn: schedule.arn,
      scheduleName: schedule.name,
      groupName: schedule.groupName,
      target: schedule.target,
      scheduledTime: scheduledTime.toISOString(),
      attemptNumber: 1,
      notBefore: now.toISOString(),
    };
  }

  /** Moves a schedule that just fired to its next occurrence; one with none left completes, or goes if so asked. */
  private advance(schedule: StoredSchedule, scheduledTime: Date, now: Date): void {
    const nextFireAt = fireTimeAfterFiring(schedule, scheduledTime, now);
    if (nextFireAt === null && schedule.actionAfterCompletion === 'DELETE') {
      this.options.state.deleteSchedule(schedule.groupName, schedule.name);
      logger.info('Local scheduler deleted a completed schedule', { schedule: schedule.name, group: schedule.groupName });
      return;
    }
    this.options.state.putSchedule({ ...schedule, nextFireAt });
  }

  private startDueDeliveries(now: Date): void {
    for (const delivery of this.options.state.allDeliveries()) {
      if (this.inFlight.has(delivery.deliveryId) || new Date(delivery.notBefore) > now) continue;
      const attempt = this.attempt(delivery)
        // Only the state file can fail here (target errors are handled inside); the delivery stays pending.
        .catch((error: unknown) => logger.error('Local scheduler could not record a delivery', { error: error as Error }))
        .finally(() => this.inFlight.delete(delivery.deliveryId));
      this.inFlight.set(delivery.deliveryId, attempt);
    }
  }

  private firingOf(delivery: PendingDelivery): Firing {
    return {
      scheduleArn: delivery.scheduleArn,
      scheduleName: delivery.scheduleName,
      groupName: delivery.groupName,
      scheduledTime: new Date(delivery.scheduledTime),
      executionId: delivery.executionId,
      attemptNumber: delivery.attemptNumber,
    };
  }

  private async attempt(delivery: PendingDelivery): Promise<void> {
    const { state } = this.options;
    const firing = this.firingOf(delivery);
    const { Input } = delivery.target;
    const target: ScheduleTarget =
      Input === undefined ? delivery.target : { ...delivery.target, Input: withContextAttributes(Input, firing) };
    const log = logFields(delivery);
    try {
      await this.options.invokeTarget(target, firing);
    } catch (error) {
      await this.failed(delivery, firing, target, error);
      return;
    }
    state.deleteDelivery(delivery.deliveryId);
    state.commit();
    logger.debug('Local scheduler delivered a firing', log);
  }

  private async failed(delivery: PendingDelivery, firing: Firing, target: ScheduleTarget, error: unknown): Promise<void> {
    const { state } = this.options;
    const now = this.options.now();
    const policy = delivery.target.RetryPolicy;
    const maximumRetries = policy?.MaximumRetryAttempts ?? DEFAULT_MAXIMUM_RETRY_ATTEMPTS;
    const maximumAgeMs = (policy?.MaximumEventAgeInSeconds ?? DEFAULT_MAXIMUM_EVENT_AGE_SECONDS) * 1000;
    const delayMs = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** (delivery.attemptNumber - 1));
    const retryAt = now.getTime() + delayMs;
    const exhausted: ExhaustedCondition | undefined =
      delivery.attemptNumber - 1 >= maximumRetries
        ? 'MaximumRetryAttemptsExhausted'
        : retryAt - firing.scheduledTime.getTime() > maximumAgeMs
          ? 'MaximumEventAgeExhausted'
          : undefined;
    const reason = error instanceof Error ? error.message : String(error);
    const log = logFields(delivery);
    if (exhausted === undefined) {
      const notBefore = new Date(retryAt).toISOString();
      state.putDelivery({ ...delivery, attemptNumber: delivery.attemptNumber + 1, notBefore });
      state.commit();
      logger.warn('Local scheduler target failed; will retry', { ...log, retryInMs: delayMs, reason });
      return;
    }
    state.deleteDelivery(delivery.deliveryId);
    state.commit();
    await this.deadLetter(delivery, firing, target, exhausted, reason, now);
  }

  private async deadLetter(
    delivery: PendingDelivery,
    firing: Firing,
    target: ScheduleTarget,
    exhausted: ExhaustedCondition,
    reason: string,
    now: Date,
  ): Promise<void> {
    const log = { ...logFields(delivery), exhausted, reason };
    const queueArn = delivery.target.DeadLetterConfig?.Arn;
    if (queueArn === undefined || this.options.sendToDlq === undefined) {
      logger.error('Local scheduler gave up on a firing (no dead-letter queue to send it to)', log);
      return;
    }
    const deadLetter: DeadLetter = {
      queueArn,
      body: target.Input ?? '',
      attributes: {
        ERROR_CODE: 'TargetInvocationFailed',
        ERROR_MESSAGE: reason,
        EXECUTION_ID: delivery.executionId,
        EXHAUSTED_RETRY_CONDITION: exhausted,
        INVOCATION_TIME: formatScheduledTime(now),
        RETRY_ATTEMPTS: String(delivery.attemptNumber - 1),
        SCHEDULE_ARN: delivery.scheduleArn,
        TARGET_ARN: delivery.target.Arn,
      },
    };
    try {
      await this.options.sendToDlq(deadLetter, firing);
      logger.error('Local scheduler gave up on a firing and sent it to its dead-letter queue', { ...log, queueArn });
    } catch (dlqError) {
      logger.error('Local scheduler gave up on a firing and could not send it to its dead-letter queue', {
        ...log,
        queueArn,
        dlqError: dlqError instanceof Error ? dlqError.message : String(dlqError),
      });
    }
  }
}
