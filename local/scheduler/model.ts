import type { FlexibleTimeWindow, ScheduleTarget } from './requests';

/** What the local scheduler keeps about each schedule (times as ISO strings, so the state is plain JSON). */
export interface StoredSchedule {
  readonly name: string;
  readonly groupName: string;
  readonly arn: string;
  readonly expression: string;
  /** As given; evaluation uses UTC when absent, like the service. */
  readonly timeZone?: string;
  readonly startDate?: string;
  readonly endDate?: string;
  readonly description?: string;
  readonly state: 'ENABLED' | 'DISABLED';
  readonly kmsKeyArn?: string;
  readonly actionAfterCompletion: 'NONE' | 'DELETE';
  readonly flexibleTimeWindow: FlexibleTimeWindow;
  readonly target: ScheduleTarget;
  readonly creationDate: string;
  readonly lastModificationDate: string;
  readonly clientToken?: string;
  /** When the current expression took effect: the first rate() occurrence when there is no StartDate. */
  readonly rateAnchor: string;
  /** The next time the schedule fires; null once it has no occurrence left (a fired at(), an EndDate passed). */
  readonly nextFireAt: string | null;
}

export interface StoredGroup {
  readonly name: string;
  readonly arn: string;
  readonly creationDate: string;
  readonly lastModificationDate: string;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * One firing on its way to the target: created when a schedule comes due, kept (and persisted) until the target
 * accepts it or the retry policy gives up, so a failing target is retried even across a restart.
 */
export interface PendingDelivery {
  /** Unique per delivery; duplicated deliveries of one firing share the executionId. */
  readonly deliveryId: string;
  readonly executionId: string;
  readonly scheduleArn: string;
  readonly scheduleName: string;
  readonly groupName: string;
  /** The target as it was when the schedule fired (a later update or delete does not change a firing). */
  readonly target: ScheduleTarget;
  readonly scheduledTime: string;
  /** 1 for the first attempt. */
  readonly attemptNumber: number;
  /** Not attempted before this time (retry backoff). */
  readonly notBefore: string;
}

export interface PersistedState {
  readonly version: 1;
  readonly groups: readonly StoredGroup[];
  readonly schedules: readonly StoredSchedule[];
  readonly deliveries: readonly PendingDelivery[];
}

export const DEFAULT_GROUP = 'default';
