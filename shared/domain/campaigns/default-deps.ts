/**
 * The production wiring of the campaign lifecycle: EventBridge Scheduler through its adapter, the dispatcher's ARN and
 * the installed send pipeline. Built on first use, so loading a handler module never needs the environment.
 */
import { eventBridgeSchedules } from '../../adapters/scheduler/eventbridge-schedules';
import type { OneTimeSchedules } from '../../adapters/scheduler/one-time-schedules';
import { env } from '../../config/env';
import type { LifecycleDeps } from './campaign-lifecycle';
import { installedSendPort } from './send-port';

/** The manifest id of the function every campaign schedule invokes. */
export const CAMPAIGN_DISPATCHER_ID = 'campaign-dispatcher';

let adapter: OneTimeSchedules | undefined;
const schedules = (): OneTimeSchedules => (adapter ??= eventBridgeSchedules());

export const defaultLifecycleDeps: LifecycleDeps = {
  schedules: {
    create: (schedule) => schedules().create(schedule),
    delete: (name) => schedules().delete(name),
  },
  sendPort: installedSendPort,
  dispatcherArn: () => env.functionArn(CAMPAIGN_DISPATCHER_ID),
  now: () => new Date(),
};
