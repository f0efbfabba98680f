import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  DLQ_RETENTION_SECONDS,
  QUEUES,
  physicalDlqName,
  physicalQueueName,
  type QueueDefinition,
  type QueueId,
} from '../../shared/config/queues';

export interface CreatedQueue {
  readonly url: string;
  readonly arn: string;
  readonly dlqUrl: string;
  readonly dlqArn: string;
}

async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`SQS returned no QueueArn for ${queueUrl}`);
  return arn;
}

/** One queue and its DLQ, with the redrive policy and visibility timeout CDK gives them (infra/messaging.ts). */
async function createQueueWithDlq(sqs: SQSClient, stage: string, queue: QueueDefinition): Promise<CreatedQueue> {
  const dlq = await sqs.send(
    new CreateQueueCommand({
      QueueName: physicalDlqName(stage, queue),
      Attributes: { MessageRetentionPeriod: String(DLQ_RETENTION_SECONDS) },
    }),
  );
  if (!dlq.QueueUrl) throw new Error(`SQS returned no URL for ${physicalDlqName(stage, queue)}`);
  const dlqArn = await queueArn(sqs, dlq.QueueUrl);

  const main = await sqs.send(
    new CreateQueueCommand({
      QueueName: physicalQueueName(stage, queue),
      Attributes: {
        VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: queue.maxReceiveCount }),
      },
    }),
  );
  if (!main.QueueUrl) throw new Error(`SQS returned no URL for ${physicalQueueName(stage, queue)}`);
  return { url: main.QueueUrl, arn: await queueArn(sqs, main.QueueUrl), dlqUrl: dlq.QueueUrl, dlqArn };
}

/** Every queue of shared/config/queues.ts with its DLQ; idempotent (CreateQueue returns an existing queue's URL). */
export async function createQueuesWithDlqs(sqs: SQSClient, stage: string): Promise<Record<QueueId, CreatedQueue>> {
  const entries = await Promise.all(
    (Object.keys(QUEUES) as QueueId[]).map(async (id) => [id, await createQueueWithDlq(sqs, stage, QUEUES[id])] as const),
  );
  return Object.fromEntries(entries) as Record<QueueId, CreatedQueue>;
}

/** Creates every queue (and DLQ) and returns the main queues' URLs by logical id: what `QUEUE_URL_*` carries. */
export async function createQueues(sqs: SQSClient, stage: string): Promise<Record<QueueId, string>> {
  const created = await createQueuesWithDlqs(sqs, stage);
  return Object.fromEntries(Object.entries(created).map(([id, queue]) => [id, queue.url])) as Record<QueueId, string>;
}

/** The environment variables functions read queue URLs from (`QUEUE_URL_*`, see shared/config/env.ts). */
export function queueUrlEnv(queueUrls: Record<QueueId, string>): Record<string, string> {
  return Object.fromEntries((Object.keys(QUEUES) as QueueId[]).map((id) => [QUEUES[id].urlEnv, queueUrls[id]]));
}
