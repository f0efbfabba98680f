import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { env } from '../../config/env';
import { sqsClient } from '../../events/sqs-client';
import type { ImportChunkMessage } from './import-message';

const MAX_SQS_BATCH = 10;

/** Puts one message per chunk on the imports queue; throws if any could not be sent. */
export async function enqueueChunks(messages: readonly ImportChunkMessage[]): Promise<void> {
  for (let i = 0; i < messages.length; i += MAX_SQS_BATCH) {
    const batch = messages.slice(i, i + MAX_SQS_BATCH);
    const result = await sqsClient.send(
      new SendMessageBatchCommand({
        QueueUrl: env.queueUrl('imports'),
        Entries: batch.map((message) => ({
          Id: `chunk-${message.chunk}`,
          MessageBody: JSON.stringify(message),
          MessageAttributes: {
            importId: { DataType: 'String', StringValue: message.importId },
            tenantId: { DataType: 'String', StringValue: message.tenantId },
          },
        })),
      }),
    );
    if ((result.Failed ?? []).length > 0) {
      throw new Error(`${result.Failed!.length} import chunk message(s) were refused by SQS`);
    }
  }
}
