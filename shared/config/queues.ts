/**
 * Every SQS queue, as data. CDK (infra/messaging.ts) and the local runtime create the same queues, dead-letter queues
 * and redrive policies from this list, and functions find a queue's URL in `QUEUE_URL_<ENV>` (see ./env.ts).
 */
export interface QueueDefinition {
  /** Logical name; the physical name is `facet-{stage}-{name}`. */
  readonly name: string;
  readonly description: string;
  /** Receives before a message moves to the DLQ; the consumer marks work failed on the last one. */
  readonly maxReceiveCount: number;
  /** Must be at least 6x the consumer's timeout (AWS guidance for event source mappings). */
  readonly visibilityTimeoutSeconds: number;
  /** Name of the environment variable carrying the queue URL to functions. */
  readonly urlEnv: string;
}

export const QUEUES = {
  domainEvents: {
    name: 'domain-events',
    description: 'Domain events published from the outbox (purchases, repairs, appointments, consent, erasure).',
    maxReceiveCount: 5,
    visibilityTimeoutSeconds: 180,
    urlEnv: 'QUEUE_URL_DOMAIN_EVENTS',
  },
  imports: {
    name: 'import-chunks',
    description: 'Bulk import chunks: each message is one chunk of rows of one import job.',
    maxReceiveCount: 3,
    visibilityTimeoutSeconds: 900,
    urlEnv: 'QUEUE_URL_IMPORTS',
  },
  segmentJobs: {
    name: 'segment-jobs',
    description: 'Segment counts and previews of books too large to answer within an HTTP request; one step of one job per message.',
    maxReceiveCount: 3,
    visibilityTimeoutSeconds: 5400,
    urlEnv: 'QUEUE_URL_SEGMENT_JOBS',
  },
  sendDispatch: {
    name: 'send-dispatch',
    description:
      "Steps of campaign dispatches: freeze a chunk of the audience, top up a campaign's window on the bulk lane, watch for completion.",
    maxReceiveCount: 5,
    // A ranked (top-N) audience is evaluated in one step of up to the dispatcher's 900 s timeout.
    visibilityTimeoutSeconds: 5400,
    urlEnv: 'QUEUE_URL_SEND_DISPATCH',
  },
  sendPriority: {
    name: 'send-priority',
    description: 'Send jobs of service and automation messages (one recipient each), ahead of bulk campaigns.',
    // Throttled sends come back with exponential backoff; the eighth receive is the last (marked failed, then DLQ).
    maxReceiveCount: 8,
    visibilityTimeoutSeconds: 360,
    urlEnv: 'QUEUE_URL_SEND_PRIORITY',
  },
  sendBulk: {
    name: 'send-bulk',
    description: 'Send jobs of campaigns (one recipient each), topped up per campaign by the dispatcher so tenants share it fairly.',
    maxReceiveCount: 8,
    visibilityTimeoutSeconds: 360,
    urlEnv: 'QUEUE_URL_SEND_BULK',
  },
} as const satisfies Record<string, QueueDefinition>;

export type QueueId = keyof typeof QUEUES;

export const physicalQueueName = (stage: string, queue: QueueDefinition) => `facet-${stage}-${queue.name}`;
export const physicalDlqName = (stage: string, queue: QueueDefinition) => `facet-${stage}-${queue.name}-dlq`;
/** DLQs keep messages 14 days (the SQS maximum) so an operator has time to redrive. */
export const DLQ_RETENTION_SECONDS = 14 * 24 * 3600;
