/**
 * Plays Lambda's SQS event sources for a direct send: the send pipeline's test pump (dispatch queue and bulk lane)
 * plus the priority lane, where one-to-one messages go, drained alongside until the condition holds.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { toSqsEvent } from '../events/sqs-messages';
import { pump, type PumpOptions } from '../sending/pipeline-support';
import { lambdaContext } from '../support/http';

export async function deliverOnBothLanes(options: PumpOptions): Promise<void> {
  const sqs = new SQSClient({});
  let done = false;
  const drainPriority = async () => {
    while (!done) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: options.urls.sendPriority,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: 2,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      const result = await options.send(toSqsEvent(Messages, options.arns.sendPriority), lambdaContext('send-priority'));
      const failed = new Set(result.batchItemFailures.map((failure) => failure.itemIdentifier));
      for (const message of Messages) {
        if (!failed.has(message.MessageId!)) await sqs.send(new DeleteMessageCommand({ QueueUrl: options.urls.sendPriority, ReceiptHandle: message.ReceiptHandle }));
      }
    }
  };
  const priority = drainPriority();
  try {
    await pump(options);
  } finally {
    done = true;
    await priority;
    sqs.destroy();
  }
}
