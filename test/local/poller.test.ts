import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startQueuePoller, type QueueFunctionSpec, type QueuePoller } from '../../local/queues/poller';
import { startLocalSqs, type LocalSqs } from '../../local/queues/sqs-server';
import { createFunctionInvoker, type LambdaHandler } from '../../local/runtime/function-invoker';
import { silentLog } from '../../local/runtime/runtime-log';
import { waitFor } from './wait-for';

const region = 'eu-west-1';
const MAX_RECEIVE = 2;
let sqsServer: LocalSqs;
let sqs: SQSClient;
let poller: QueuePoller | undefined;
let queueCounter = 0;

beforeAll(async () => {
  sqsServer = await startLocalSqs({ region });
  sqs = new SQSClient({ region, endpoint: sqsServer.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});
afterEach(async () => {
  await poller?.stop();
  poller = undefined;
});
afterAll(async () => {
  sqs.destroy();
  await sqsServer.stop();
});

/** A queue like the real ones but with a 1 s visibility timeout, so retries happen within a test. */
async function shortQueue() {
  queueCounter += 1;
  const name = `poller-test-${queueCounter}`;
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] })))
    .Attributes!.QueueArn!;
  const main = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: '1',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: MAX_RECEIVE }),
      },
    }),
  );
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: main.QueueUrl, AttributeNames: ['QueueArn'] })))
    .Attributes!.QueueArn!;
  return { url: main.QueueUrl!, arn, dlqUrl: dlq.QueueUrl! };
}

function consumerSpec(batchSize: number, maxConcurrency: number): QueueFunctionSpec {
  return {
    id: 'test-consumer',
    entry: 'not-imported.ts',
    description: 'test consumer',
    timeoutSeconds: 5,
    memoryMb: 128,
    trigger: { kind: 'queue', queue: 'domainEvents', batchSize, maxConcurrency },
    access: { table: 'read' },
  };
}

function start(queue: { url: string; arn: string }, spec: QueueFunctionSpec, handler: LambdaHandler) {
  const invoker = createFunctionInvoker({
    rootDir: '.',
    stage: 'test',
    identity: { region, accountId: '123456789012' },
    loadHandler: async () => handler,
  });
  poller = startQueuePoller({ sqs, spec, queue, region, invoker, log: silentLog, waitTimeSeconds: 1 });
}

async function dlqBodies(dlqUrl: string): Promise<string[]> {
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10 }));
  return (Messages ?? []).map((m) => m.Body ?? '');
}

describe('queue poller', () => {
  it('delivers a real SQSEvent and retries only the messages reported in batchItemFailures, until the DLQ', async () => {
    const queue = await shortQueue();
    const seen: SQSRecord[] = [];
    start(queue, consumerSpec(10, 1), async (event) => {
      const { Records } = event as SQSEvent;
      seen.push(...Records);
      const response: SQSBatchResponse = {
        batchItemFailures: Records.filter((r) => r.body === 'bad').map((r) => ({ itemIdentifier: r.messageId })),
      };
      return response;
    });

    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: 'good-1',
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'PurchaseRecorded' } },
      }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'bad' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'good-2' }));

    const dead = await waitFor(async () => {
      const bodies = await dlqBodies(queue.dlqUrl);
      return bodies.length > 0 ? bodies : undefined;
    }, 15_000, 'the failed message in the DLQ');

    expect(dead).toEqual(['bad']);
    const bodies = seen.map((r) => r.body);
    expect(bodies.filter((b) => b === 'good-1')).toHaveLength(1);
    expect(bodies.filter((b) => b === 'good-2')).toHaveLength(1);
    const badReceives = seen.filter((r) => r.body === 'bad').map((r) => r.attributes.ApproximateReceiveCount);
    expect(badReceives).toEqual(['1', '2']);

    const first = seen.find((r) => r.body === 'good-1')!;
    expect(first).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: region,
      messageAttributes: { kind: { stringValue: 'PurchaseRecorded', dataType: 'String' } },
    });
    expect(first.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
    expect(first.receiptHandle).not.toBe('');
    expect(Number(first.attributes.SentTimestamp)).toBeGreaterThan(0);
  });

  it('deletes nothing when the handler throws: the whole batch comes back', async () => {
    const queue = await shortQueue();
    const receiveCounts: string[] = [];
    start(queue, consumerSpec(10, 1), async (event) => {
      for (const record of (event as SQSEvent).Records) receiveCounts.push(record.attributes.ApproximateReceiveCount);
      if (receiveCounts.length === 1) throw new Error('transient failure');
      return { batchItemFailures: [] };
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'retry-me' }));

    await waitFor(() => (receiveCounts.length >= 2 ? true : undefined), 10_000, 'the retry');
    expect(receiveCounts).toEqual(['1', '2']);
    expect(await dlqBodies(queue.dlqUrl)).toEqual([]);
  });

  it('runs at most maxConcurrency batches at once', async () => {
    const queue = await shortQueue();
    let inFlight = 0;
    let maxInFlight = 0;
    let handled = 0;
    start(queue, consumerSpec(1, 2), async () => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 150));
      inFlight -= 1;
      handled += 1;
    });
    for (let i = 0; i < 6; i += 1) await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: `m${i}` }));

    await waitFor(() => (handled === 6 ? true : undefined), 10_000, 'six batches');
    expect(maxInFlight).toBe(2);
  });
});
