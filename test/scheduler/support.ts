import { SchedulerClient, type CreateScheduleCommandInput } from '@aws-sdk/client-scheduler';
import { startLocalScheduler, type Firing, type LocalScheduler, type LocalSchedulerOptions, type ScheduleTarget } from '../../local/scheduler';

/** A clock the test moves by hand: the scheduler never reads the wall clock, so nothing waits in real time. */
export class TestClock {
  private current: Date;

  constructor(iso: string) {
    this.current = new Date(iso);
  }

  readonly now = (): Date => new Date(this.current);

  set(iso: string): void {
    this.current = new Date(iso);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface Invocation {
  readonly target: ScheduleTarget;
  readonly firing: Firing;
  /** The target's Input parsed as JSON, as a Lambda target receives it. */
  readonly payload: unknown;
}

/** Records every delivery; `failNext(n)` makes the next n deliveries throw. */
export class RecordingTarget {
  readonly invocations: Invocation[] = [];
  private failuresLeft = 0;

  failNext(count: number): void {
    this.failuresLeft = count;
  }

  readonly invoke = async (target: ScheduleTarget, firing: Firing): Promise<void> => {
    this.invocations.push({ target, firing, payload: target.Input === undefined ? undefined : JSON.parse(target.Input) });
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('target unavailable');
    }
  };

  namesFired(): string[] {
    return this.invocations.map((invocation) => invocation.firing.scheduleName);
  }
}

export interface TestScheduler {
  readonly scheduler: LocalScheduler;
  readonly client: SchedulerClient;
  readonly clock: TestClock;
  readonly target: RecordingTarget;
}

/**
 * Starts a local scheduler driven by a test clock (tick loop off) and a real SchedulerClient that finds it only
 * through AWS_ENDPOINT_URL_SCHEDULER, as business code does.
 */
export async function startTestScheduler(
  options: Partial<LocalSchedulerOptions> & { clock?: TestClock; target?: RecordingTarget } = {},
): Promise<TestScheduler> {
  const clock = options.clock ?? new TestClock('2025-06-01T00:00:00Z');
  const target = options.target ?? new RecordingTarget();
  const scheduler = await startLocalScheduler({ tickMs: 0, now: clock.now, invokeTarget: target.invoke, ...options });
  process.env.AWS_ENDPOINT_URL_SCHEDULER = scheduler.endpoint;
  process.env.AWS_REGION = 'ap-southeast-2';
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  const client = new SchedulerClient({ maxAttempts: 1 });
  return { scheduler, client, clock, target };
}

export const ROLE_ARN = 'arn:aws:iam::123456789012:role/facet-test-scheduler';
export const FUNCTION_ARN = 'arn:aws:lambda:ap-southeast-2:123456789012:function:facet-test-campaign-dispatcher';

/** A valid CreateSchedule input to vary per test. */
export function scheduleInput(overrides: Partial<CreateScheduleCommandInput> & { Name: string }): CreateScheduleCommandInput {
  return {
    ScheduleExpression: 'at(2030-01-01T00:00:00)',
    FlexibleTimeWindow: { Mode: 'OFF' },
    Target: { Arn: FUNCTION_ARN, RoleArn: ROLE_ARN, Input: JSON.stringify({ campaignId: 'c1' }) },
    ...overrides,
  };
}
