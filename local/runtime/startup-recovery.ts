import type { FunctionId } from '../../functions/manifest';

/**
 * Functions run once at every start, before the stack reports ready-for-use. local-aws-sqs keeps messages in memory,
 * so whatever a restart dropped from the queues is recovered from the table, where the truth lives. Later capabilities
 * add their reconcilers here (campaign sends in flight, for instance).
 */
export const STARTUP_RECOVERY: readonly { functionId: FunctionId; event: unknown; why: string }[] = [
  {
    functionId: 'outbox-sweeper',
    // Nothing is mid-publish at start, so every unpublished event is due now, not after the usual grace period.
    event: { minAgeSeconds: 0 },
    why: 'publish domain events the queue lost with the last process',
  },
];
