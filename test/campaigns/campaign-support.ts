/**
 * Harness for the campaign integration tests: the emulators, a local EventBridge Scheduler driven by a test clock that
 * fires the real dispatcher handler through the manifest's Lambda ARN mapping, and the campaigns API wired to the same
 * clock and to a send port that records hand-overs (nothing is sent).
 */
import { CreateScheduleGroupCommand, GetScheduleCommand, ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { manifestLambdaTargets, startLocalScheduler, type LocalScheduler } from '../../local/scheduler';
import { campaignDispatcher } from '../../functions/schedule/campaign-dispatcher';
import { campaignsApi } from '../../functions/http/campaigns';
import type { Principal, Role } from '../../shared/auth/roles';
import { functionArnEnv } from '../../shared/config/env';
import { defaultLifecycleDeps, CAMPAIGN_DISPATCHER_ID } from '../../shared/domain/campaigns/default-deps';
import type { CampaignSendPort } from '../../shared/domain/campaigns/send-port';
import { createTenant } from '../../shared/domain/tenants/tenant-repository';
import { logger } from '../../shared/observability/logger';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { type CallResult, callRouteKey, type RouteCallOptions } from '../support/http';

export const STAGE = 'test';
export const GROUP = `facet-${STAGE}`;
const ACCOUNT = '123456789012';

/** A clock the test moves by hand; the API, the dispatcher and the scheduler all read it. */
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

/** Records every hand-over to the pipeline; `failNext()` makes the next one throw. */
export class RecordingSendPort implements CampaignSendPort {
  readonly started: { tenantId: string; campaignId: string }[] = [];
  private failures = 0;
  failNext(count = 1): void {
    this.failures = count;
  }
  async startCampaignSend(tenantId: string, campaignId: string): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('pipeline unavailable');
    }
    this.started.push({ tenantId, campaignId });
  }
  startsOf(campaignId: string): number {
    return this.started.filter((start) => start.campaignId === campaignId).length;
  }
}

export interface CampaignHarness {
  readonly stack: TestEmulators;
  readonly scheduler: LocalScheduler;
  readonly schedulerClient: SchedulerClient;
  readonly clock: TestClock;
  readonly sendPort: RecordingSendPort;
  /** Dispatcher runs (outcomes), in order. */
  readonly dispatches: { event: unknown; outcome: unknown }[];
  readonly api: ReturnType<typeof campaignsApi>;
  readonly dispatch: (event: unknown) => Promise<{ outcome: string }>;
  stop(): Promise<void>;
}

export async function startCampaignHarness(options: { start?: string; duplicateFirings?: boolean } = {}): Promise<CampaignHarness> {
  logger.setLogLevel('ERROR');
  const stack = await startEmulators();
  const clock = new TestClock(options.start ?? '2030-03-01T00:00:00Z');
  const sendPort = new RecordingSendPort();
  const dispatches: { event: unknown; outcome: unknown }[] = [];
  const dispatcher = campaignDispatcher({ sendPort, now: clock.now });
  const dispatch = async (event: unknown) => {
    const result = await dispatcher(event);
    dispatches.push({ event, outcome: result.outcome });
    return result;
  };

  const scheduler = await startLocalScheduler({
    tickMs: 0,
    now: clock.now,
    retryBackoff: { baseMs: 1, maxMs: 1 },
    ...(options.duplicateFirings ? { duplicateFirings: true } : {}),
    invokeTarget: manifestLambdaTargets({
      stage: STAGE,
      runner: {
        invoke: async (spec, event) => {
          if (spec.id !== CAMPAIGN_DISPATCHER_ID) throw new Error(`unexpected target ${spec.id}`);
          return dispatch(event);
        },
      },
    }),
  });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SCHEDULER: scheduler.endpoint,
    SCHEDULE_GROUP: GROUP,
    SCHEDULER_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/${GROUP}-runtime-schedules`,
    SCHEDULE_DLQ_ARN: `arn:aws:sqs:${process.env.AWS_REGION}:${ACCOUNT}:${GROUP}-schedules-dlq`,
    [functionArnEnv(CAMPAIGN_DISPATCHER_ID)]: `arn:aws:lambda:${process.env.AWS_REGION}:${ACCOUNT}:function:${GROUP}-${CAMPAIGN_DISPATCHER_ID}`,
  });
  const schedulerClient = new SchedulerClient({ maxAttempts: 1 });
  await schedulerClient.send(new CreateScheduleGroupCommand({ Name: GROUP }));

  const api = campaignsApi({ ...defaultLifecycleDeps, sendPort, now: clock.now });
  return {
    stack,
    scheduler,
    schedulerClient,
    clock,
    sendPort,
    dispatches,
    api,
    dispatch,
    async stop() {
      schedulerClient.destroy();
      await scheduler.stop();
      await stack.stop();
    },
  };
}

export async function newTenant(name = 'Aurora Fine Jewellery'): Promise<string> {
  return (await createTenant({ name, timeZone: 'Australia/Sydney', owner: { name: 'Owner', email: `owner@${name.length}.example` } })).tenantId;
}

export const staff = (tenantId: string, role: Role = 'owner'): Principal => ({ tenantId, staffId: `staff-${role}`, role });

/** `call(h, principal, 'POST /v1/campaigns/{campaignId}/schedule', { params, body })` */
export function call<T = any>(
  harness: Pick<CampaignHarness, 'api'>,
  principal: Principal,
  route: string,
  options: RouteCallOptions = {},
): Promise<CallResult<T>> {
  return callRouteKey<T>(harness.api, principal, route, options);
}

export const emailCampaign = (overrides: Record<string, unknown> = {}) => ({
  name: 'Winter sale',
  content: { subject: 'Hello {{ customer.first_name }}', html: '<p>Our winter sale starts today.</p>' },
  recipients: { all: true },
  ...overrides,
});

/** Names of the schedules in the stage group. */
export async function scheduleNames(client: SchedulerClient): Promise<string[]> {
  const { Schedules } = await client.send(new ListSchedulesCommand({ GroupName: GROUP }));
  return (Schedules ?? []).map((schedule) => schedule.Name ?? '').sort();
}

export const getSchedule = (client: SchedulerClient, name: string) => client.send(new GetScheduleCommand({ Name: name, GroupName: GROUP }));
