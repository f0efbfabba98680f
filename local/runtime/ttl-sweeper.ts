import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { TABLE_KEY, TTL_ATTRIBUTE } from '../../shared/store/table-definition';
import { errorMessage, type RuntimeLog } from './runtime-log';

/** DynamoDB itself deletes expired items within days; locally every few minutes is plenty (readers filter anyway). */
export const DEFAULT_TTL_SWEEP_INTERVAL_MS = 5 * 60_000;

export interface TtlSweeper {
  /** Deletes every item expired by now; returns how many. */
  sweep(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * dynalite has no TTL, so the local runtime supplies it: a Scan for items whose `expiresAt` (epoch seconds) has passed,
 * each deleted under the same condition, so an item whose expiry was pushed back meanwhile stays. A Scan is fine here
 * only because this is the emulator's missing feature on a laptop-sized table; business code never scans.
 */
export function startTtlSweeper(options: {
  client: DynamoDBClient;
  tableName: string;
  log: RuntimeLog;
  intervalMs?: number;
  now?: () => number;
}): TtlSweeper {
  const { client, tableName } = options;
  const now = options.now ?? Date.now;
  const names = { '#ttl': TTL_ATTRIBUTE };

  async function sweep(): Promise<number> {
    const values = { ':now': { N: String(Math.floor(now() / 1000)) } };
    let deleted = 0;
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: tableName,
          FilterExpression: '#ttl < :now',
          ProjectionExpression: '#pk, #sk',
          ExpressionAttributeNames: { ...names, '#pk': TABLE_KEY.partitionKey, '#sk': TABLE_KEY.sortKey },
          ExpressionAttributeValues: values,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const key of page.Items ?? []) {
        try {
          await client.send(
            new DeleteItemCommand({
              TableName: tableName,
              Key: key,
              ConditionExpression: '#ttl < :now',
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
            }),
          );
          deleted += 1;
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return deleted;
  }

  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= sweep()
      .then((deleted) => {
        if (deleted > 0) options.log(`[ttl] deleted ${deleted} expired item(s)`);
      })
      .catch((error: unknown) => options.log(`[ttl] sweep failed: ${errorMessage(error)}`))
      .finally(() => {
        running = undefined;
      });
  }, options.intervalMs ?? DEFAULT_TTL_SWEEP_INTERVAL_MS);
  timer.unref();

  return {
    sweep,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
