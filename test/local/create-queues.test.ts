import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../../shared/config/queues';
import { createQueues, createQueuesWithDlqs } from '../../local/queues/create-queues';
import { startLocalSqs, type LocalSqs } from '../../local/queues/sqs-server';

const region = 'eu-west-1';
let sqsServer: LocalSqs;
let sqs: SQSClient;

beforeAll(async () => {
  sqsServer = await startLocalSqs({ region });
  sqs = new SQSClient({ region, endpoint: sqsServer.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});
afterAll(async () => {
  sqs.destroy();
  await sqsServer.stop();
});

describe('createQueues', () => {
  it('creates every queue with the CDK visibility timeout and redrive policy, idempotently', async () => {
    const urls = await createQueues(sqs, 'qtest');
    expect(Object.keys(urls).sort()).toEqual(Object.keys(QUEUES).sort());
    expect(urls.domainEvents).toMatch(/facet-qtest-domain-events$/);
    expect(await createQueues(sqs, 'qtest')).toEqual(urls);

    const created = await createQueuesWithDlqs(sqs, 'qtest');
    for (const [id, queue] of Object.entries(created)) {
      const definition = QUEUES[id as keyof typeof QUEUES];
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['All'] }));
      expect(Attributes?.VisibilityTimeout).toBe(String(definition.visibilityTimeoutSeconds));
      expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({
        deadLetterTargetArn: queue.dlqArn,
        maxReceiveCount: definition.maxReceiveCount,
      });
      expect(queue.dlqUrl).toMatch(new RegExp(`facet-qtest-${definition.name}-dlq$`));
    }
  });

  it('moves a message to the DLQ once it has been received maxReceiveCount times', async () => {
    const { imports } = await createQueuesWithDlqs(sqs, 'redrive');
    await sqs.send(new SendMessageCommand({ QueueUrl: imports.url, MessageBody: 'poison' }));

    for (let receive = 1; receive <= QUEUES.imports.maxReceiveCount; receive += 1) {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: imports.url, VisibilityTimeout: 0, AttributeNames: ['All'] }),
      );
      expect(Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe(String(receive));
    }
    const afterLimit = await sqs.send(new ReceiveMessageCommand({ QueueUrl: imports.url, VisibilityTimeout: 0 }));
    expect(afterLimit.Messages ?? []).toHaveLength(0);

    const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: imports.dlqUrl }));
    expect(dead.Messages?.map((m) => m.Body)).toEqual(['poison']);
  });
});
