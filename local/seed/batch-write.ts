import { BatchWriteCommand, type BatchWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../shared/store/dynamo';

/** DynamoDB's limit for one BatchWriteItem call. */
export const BATCH_SIZE = 25;
const MAX_ATTEMPTS = 8;

type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Puts many items fast: batches of 25, `concurrency` batches in flight, and whatever DynamoDB leaves unprocessed
 * (throttling) retried with backoff until written. For bulk loads of new data only: no conditions, last write wins.
 */
export async function batchPutItems(
  tableName: string,
  items: readonly Record<string, unknown>[],
  options: { concurrency?: number } = {},
): Promise<void> {
  const batches: WriteRequest[][] = [];
  for (let i = 0; i < items.length; i += BATCH_SIZE) {
    batches.push(items.slice(i, i + BATCH_SIZE).map((Item) => ({ PutRequest: { Item } })));
  }
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      await writeBatch(tableName, batches[next++]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, batches.length) }, worker));
}

async function writeBatch(tableName: string, requests: WriteRequest[]): Promise<void> {
  let pending = requests;
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > MAX_ATTEMPTS) throw new Error(`${pending.length} items still unprocessed after ${MAX_ATTEMPTS} attempts`);
    const result = await documentClient.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
    pending = result.UnprocessedItems?.[tableName] ?? [];
    if (pending.length > 0) await pause(Math.min(1000, 25 * 2 ** attempt));
  }
}
