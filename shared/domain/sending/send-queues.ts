/**
 * The send pipeline's SQS calls: send jobs onto a lane (batches of 10), dispatch steps onto the dispatch queue, and
 * the visibility change that delays a throttled message's next try.
 */
import { ChangeMessageVisibilityCommand, GetQueueUrlCommand, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { env } from '../../config/env';
import { sqsClient } from '../../events/sqs-client';
import { SEND_LANES, type SendLane } from './lanes';
import type { DispatchMessage, SendJob } from './messages';

/** SQS's limit for one SendMessageBatch call. */
const SQS_BATCH = 10;
const MAX_ATTEMPTS = 4;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends every job (batches of 10 in parallel, failed entries retried); throws if some could not be sent. */
export async function enqueueSendJobs(lane: SendLane, jobs: readonly SendJob[]): Promise<void> {
  const queueUrl = env.queueUrl(SEND_LANES[lane].queue);
  const batches: SendJob[][] = [];
  for (let i = 0; i < jobs.length; i += SQS_BATCH) batches.push(jobs.slice(i, i + SQS_BATCH));
  await Promise.all(
    batches.map(async (batch) => {
      let pending = batch.map((job, index) => ({ Id: String(index), MessageBody: JSON.stringify(job) }));
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > MAX_ATTEMPTS) throw new Error(`${pending.length} send job(s) could not be enqueued`);
        if (attempt > 1) await sleep(50 * 2 ** attempt);
        const result = await sqsClient.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }));
        const failed = new Set((result.Failed ?? []).map((entry) => entry.Id));
        pending = pending.filter((entry) => failed.has(entry.Id));
      }
    }),
  );
}

export async function sendDispatchMessage(message: DispatchMessage, delaySeconds = 0): Promise<void> {
  await sqsClient.send(
    new SendMessageCommand({
      QueueUrl: env.queueUrl('sendDispatch'),
      MessageBody: JSON.stringify(message),
      ...(delaySeconds > 0 ? { DelaySeconds: Math.min(900, Math.round(delaySeconds)) } : {}),
    }),
  );
}

const queueUrls = new Map<string, Promise<string>>();

/** The URL of the queue an event source ARN names (arn:aws:sqs:region:account:name), looked up once per container. */
function queueUrlOf(queueArn: string): Promise<string> {
  let url = queueUrls.get(queueArn);
  if (!url) {
    const [, , , , account, name] = queueArn.split(':');
    if (!name) throw new Error(`Not an SQS queue ARN: ${queueArn}`);
    url = sqsClient
      .send(new GetQueueUrlCommand({ QueueName: name, ...(account ? { QueueOwnerAWSAccountId: account } : {}) }))
      .then((result) => {
        if (!result.QueueUrl) throw new Error(`No URL for queue ${name}`);
        return result.QueueUrl;
      });
    url.catch(() => queueUrls.delete(queueArn));
    queueUrls.set(queueArn, url);
  }
  return url;
}

/** Keeps a received message invisible for `seconds` from now: its next try (after a failure is reported) waits that long. */
export async function delayNextReceive(record: { eventSourceARN: string; receiptHandle: string }, seconds: number): Promise<void> {
  await sqsClient.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: await queueUrlOf(record.eventSourceARN),
      ReceiptHandle: record.receiptHandle,
      VisibilityTimeout: Math.max(0, Math.min(43_200, Math.round(seconds))),
    }),
  );
}
