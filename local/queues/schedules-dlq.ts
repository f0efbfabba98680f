import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { DLQ_RETENTION_SECONDS } from '../../shared/config/queues';

/** The stage's dead-letter queue for undeliverable schedule firings, named as infra/schedules.ts names it. */
export const schedulesDlqName = (stage: string) => `facet-${stage}-schedules-dlq`;

export async function createSchedulesDlq(sqs: SQSClient, stage: string): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: schedulesDlqName(stage),
      Attributes: { MessageRetentionPeriod: String(DLQ_RETENTION_SECONDS) },
    }),
  );
  if (!QueueUrl) throw new Error(`SQS returned no URL for ${schedulesDlqName(stage)}`);
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  if (!Attributes?.QueueArn) throw new Error(`SQS returned no ARN for ${QueueUrl}`);
  return { url: QueueUrl, arn: Attributes.QueueArn };
}

/** `arn:aws:sqs:{region}:{account}:{name}` -> the queue's URL. */
async function queueUrlOfArn(sqs: SQSClient, queueArn: string): Promise<string> {
  const [, , , , account, name] = queueArn.split(':');
  if (!account || !name) throw new Error(`Not an SQS queue ARN: ${queueArn}`);
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }));
  if (!QueueUrl) throw new Error(`No queue for ${queueArn}`);
  return QueueUrl;
}

/** What EventBridge Scheduler does with a firing it gave up on: one SQS message, input as body, details as attributes. */
export async function sendToDeadLetterQueue(
  sqs: SQSClient,
  deadLetter: { queueArn: string; body: string; attributes: Readonly<Record<string, string>> },
): Promise<void> {
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: await queueUrlOfArn(sqs, deadLetter.queueArn),
      MessageBody: deadLetter.body === '' ? '{}' : deadLetter.body,
      MessageAttributes: Object.fromEntries(
        Object.entries(deadLetter.attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
      ),
    }),
  );
}
