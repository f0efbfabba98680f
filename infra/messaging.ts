import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  DLQ_RETENTION_SECONDS,
  physicalDlqName,
  physicalQueueName,
  QUEUES,
  type QueueDefinition,
  type QueueId,
} from '../shared/config/queues';
import type { StageSettings } from './stage-settings';

export interface FacetQueue {
  readonly id: QueueId;
  readonly definition: QueueDefinition;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
}

/**
 * Every queue of shared/config/queues.ts with its dead-letter queue and redrive policy. A queue added to that list
 * appears here (and in the local runtime) without touching this file.
 */
export class Messaging extends Construct {
  readonly queues: Readonly<Record<QueueId, FacetQueue>>;

  constructor(scope: Construct, id: string, settings: StageSettings) {
    super(scope, id);
    const entries = (Object.keys(QUEUES) as QueueId[]).map((queueId) => [queueId, this.createQueue(settings, queueId)]);
    this.queues = Object.fromEntries(entries) as Record<QueueId, FacetQueue>;
  }

  queue(queueId: QueueId): FacetQueue {
    return this.queues[queueId];
  }

  all(): FacetQueue[] {
    return Object.values(this.queues);
  }

  private createQueue(settings: StageSettings, queueId: QueueId): FacetQueue {
    const definition: QueueDefinition = QUEUES[queueId];
    const common = { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true };
    const deadLetterQueue = new Queue(this, `${queueId}Dlq`, {
      ...common,
      queueName: physicalDlqName(settings.stage, definition),
      retentionPeriod: Duration.seconds(DLQ_RETENTION_SECONDS),
    });
    const queue = new Queue(this, queueId, {
      ...common,
      queueName: physicalQueueName(settings.stage, definition),
      visibilityTimeout: Duration.seconds(definition.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: definition.maxReceiveCount },
    });
    return { id: queueId, definition, queue, deadLetterQueue };
  }
}
