/**
 * The two send lanes. Service and automation messages (repair ready, appointment reminders) have a queue and workers
 * of their own, so they never wait behind a bulk campaign; campaigns go through the bulk lane, where the dispatcher
 * shares throughput between tenants (./pacing.ts `dispatchWindow`).
 *
 * The account's SES send rate is split between every worker that may run at once (both lanes' event-source
 * `MaximumConcurrency`): each worker paces itself to its share, so the lanes together never exceed the rate without
 * any shared counter. The priority lane's workers keep their share even when idle; that is the price of a lane that
 * is never held up by bulk traffic.
 */
import type { QueueId } from '../../config/queues';

export type SendLane = 'priority' | 'bulk';

export interface SendLaneDefinition {
  readonly queue: QueueId;
  /** Messages per invocation (SQS's maximum per receive). */
  readonly batchSize: number;
  /** The event source mapping's MaximumConcurrency (at least 2, Lambda's minimum). */
  readonly maxConcurrency: number;
}

export const SEND_LANES = {
  priority: { queue: 'sendPriority', batchSize: 10, maxConcurrency: 2 },
  bulk: { queue: 'sendBulk', batchSize: 10, maxConcurrency: 8 },
} as const satisfies Record<SendLane, SendLaneDefinition>;

/** Workers that may call SES at the same time, across both lanes. */
export const TOTAL_SEND_WORKERS = Object.values(SEND_LANES).reduce((sum, lane) => sum + lane.maxConcurrency, 0);

/** Campaigns are marketing and go in bulk; service messages and automations take the priority lane. */
export function laneFor(source: { kind: 'campaign' | 'automation' | 'one_to_one'; purpose: 'marketing' | 'service' }): SendLane {
  return source.kind === 'campaign' && source.purpose === 'marketing' ? 'bulk' : 'priority';
}
