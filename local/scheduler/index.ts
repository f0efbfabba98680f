import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { logger } from '../../shared/observability/logger';
import { Dispatcher, type InvokeTarget, type RetryBackoff, type SendToDlq } from './dispatcher';
import { schedulerRequestListener } from './http-api';
import { DEFAULT_GROUP } from './model';
import { newGroup } from './operations';
import { memoryJournal, openStateFile } from './persistence';
import { fireTimeOnResume } from './schedule-timing';
import { SchedulerState } from './state';

export type { DeadLetter, Firing, InvokeTarget, RetryBackoff, SendToDlq } from './dispatcher';
export type { ScheduleTarget } from './requests';
export { manifestLambdaTargets, UnsupportedTargetError, type FunctionRunner } from './lambda-targets';
export { registerManifestSchedules, manifestSchedules, scheduleGroupName, type ManifestScheduleOptions } from './manifest-schedules';

/**
 * A local EventBridge Scheduler: an HTTP server speaking the Scheduler API, which the real
 * `@aws-sdk/client-scheduler` reaches through `AWS_ENDPOINT_URL_SCHEDULER`, plus a tick loop that fires due
 * schedules into `invokeTarget`. See local/scheduler/README.md for what it does and does not emulate.
 */
export interface LocalSchedulerOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Write-through JSON state file; without one, schedules live in memory only. */
  readonly dataFile?: string;
  readonly invokeTarget: InvokeTarget;
  /** Receives firings the retry policy gave up on when the target has a DeadLetterConfig. */
  readonly sendToDlq?: SendToDlq;
  /** The scheduler's clock (tests and time travel); the wall clock by default. */
  readonly now?: () => Date;
  /** Tick loop period; 0 turns the loop off, leaving `tick()` to drive firing. Default 1000. */
  readonly tickMs?: number;
  /** Delivers every firing twice, to exercise at-least-once handling in targets. */
  readonly duplicateFirings?: boolean;
  readonly retryBackoff?: RetryBackoff;
  readonly accountId?: string;
  /** Region for ARNs when a request carries no SigV4 signature. */
  readonly region?: string;
}

export interface LocalScheduler {
  /** Base URL for `AWS_ENDPOINT_URL_SCHEDULER`. */
  readonly endpoint: string;
  /** Fires what is due by `now()` and waits for the resulting deliveries (and their due retries) to settle. */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/** The account local-aws-sqs builds queue ARNs with; the whole local runtime uses it, so ARNs agree. */
export const LOCAL_ACCOUNT_ID = '123456789012';

export async function startLocalScheduler(options: LocalSchedulerOptions): Promise<LocalScheduler> {
  const now = options.now ?? (() => new Date());
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const { initial, journal } = options.dataFile
    ? openStateFile(options.dataFile)
    : { initial: undefined, journal: memoryJournal };
  const state = new SchedulerState(journal, initial, newGroup({ region, accountId, now: now() }, DEFAULT_GROUP));
  resume(state, now());

  const dispatcher = new Dispatcher({
    state,
    now,
    invokeTarget: options.invokeTarget,
    ...(options.sendToDlq ? { sendToDlq: options.sendToDlq } : {}),
    ...(options.duplicateFirings ? { duplicateFirings: true } : {}),
    ...(options.retryBackoff ? { retryBackoff: options.retryBackoff } : {}),
  });

  const server = createServer(schedulerRequestListener({ state, now, accountId, defaultRegion: region }));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const tickMs = options.tickMs ?? 1000;
  const loop =
    tickMs > 0
      ? setInterval(() => {
          try {
            dispatcher.poll();
          } catch (error) {
            logger.error('Local scheduler tick failed', { error: error as Error });
          }
        }, tickMs)
      : undefined;
  loop?.unref();

  return {
    endpoint: `http://${host}:${port}`,
    tick: () => dispatcher.tick(),
    async stop() {
      if (loop) clearInterval(loop);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await dispatcher.settle();
      state.commit();
    },
  };
}

/** After a restart: recurring schedules continue from now; one-time schedules that came due meanwhile fire at once. */
function resume(state: SchedulerState, now: Date): void {
  for (const schedule of state.allSchedules()) {
    const nextFireAt = fireTimeOnResume(schedule, now);
    if (nextFireAt !== schedule.nextFireAt) state.putSchedule({ ...schedule, nextFireAt });
  }
  state.commit();
}
