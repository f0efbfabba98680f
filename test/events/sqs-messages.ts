/**
 * Reads messages from a real (emulated) SQS queue and turns them into the `SQSEvent` Lambda's event source mapping
 * would deliver, so consumer tests invoke handlers with exactly what the queue holds.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';

export async function receiveAll(queueUrl: string, options: { waitSeconds?: number } = {}): Promise<Message[]> {
  const sqs = new SQSClient({});
  const messages: Message[] = [];
  try {
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: messages.length === 0 ? (options.waitSeconds ?? 0) : 0,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
          VisibilityTimeout: 300,
        }),
      );
      if (Messages.length === 0) return messages;
      messages.push(...Messages);
      // Received means consumed for these tests: delete so a later receive sees only new messages.
      for (const message of Messages) {
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
      }
    }
  } finally {
    sqs.destroy();
  }
}

export function toSqsEvent(messages: readonly Message[], queueArn = 'arn:aws:sqs:us-east-1:000000000000:queue'): SQSEvent {
  return {
    Records: messages.map(
      (message): SQSRecord => ({
        messageId: message.MessageId ?? '',
        receiptHandle: message.ReceiptHandle ?? '',
        body: message.Body ?? '',
        attributes: {
          ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
          SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
          SenderId: message.Attributes?.SenderId ?? 'local',
          ApproximateFirstReceiveTimestamp: message.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
        },
        messageAttributes: Object.fromEntries(
          Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
            name,
            {
              dataType: value.DataType ?? 'String',
              ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
              stringListValues: [],
              binaryListValues: [],
            },
          ]),
        ),
        md5OfBody: message.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: process.env.AWS_REGION ?? 'us-east-1',
      }),
    ),
  };
}
