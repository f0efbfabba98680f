import { BatchWriteCommand, UpdateCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../store/dynamo';
import { keys } from '../store/keys';
import { isConditionFailure } from '../store/unit-of-work';
import { domainEventSchema, type DomainEvent } from './domain-events';
import { logger } from '../observability/logger';

/**
 * The outbox table items that UnitOfWork writes (`keys.outbox(eventId, occurredAt)`, attribute `event`): reading the
 * ones due for a sweep, claiming them, and deleting them once published.
 */

/** DynamoDB's limit for one BatchWriteItem call. */
const MAX_BATCH_WRITE = 25;
const MAX_UNPROCESSED_RETRIES = 5;

export interface OutboxEntry {
  key: { pk: string; sk: string };
  event: DomainEvent;
}

/**
 * Outbox entries of one shard whose sort key (`{occurredAt}#{eventId}`) is before `before`: the events that have waited
 * longer than the request path needs to publish them itself.
 */
export async function* dueOutboxEntries(
  tableName: string,
  shard: number,
  before: string,
): AsyncGenerator<OutboxEntry | { key: { pk: string; sk: string }; invalid: true }> {
  const pages = paginateQuery(
    { client: documentClient },
    {
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND sk < :before',
      ExpressionAttributeValues: { ':pk': keys.outboxShard(shard).pk, ':before': before },
      ConsistentRead: true,
      Limit: 100,
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const key = { pk: String(item.pk), sk: String(item.sk) };
      const parsed = domainEventSchema.safeParse(item.event);
      yield parsed.success ? { key, event: parsed.data } : { key, invalid: true };
    }
  }
}

/**
 * Takes a short lease on an outbox entry so that two sweeps running at once do not both publish it. Returns false when
 * another sweep holds it or it was published (deleted) meanwhile. A sweeper that dies holding a lease only delays the
 * event until the lease expires.
 */
export async function claimOutboxEntry(
  tableName: string,
  key: { pk: string; sk: string },
  now: number,
  leaseMs: number,
): Promise<boolean> {
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression: 'SET leaseUntil = :until',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
        ExpressionAttributeValues: { ':until': now + leaseMs, ':now': now },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Deletes the outbox entries of published events. Deleting an entry that is already gone is a no-op. */
export async function deleteOutboxEntries(tableName: string, events: readonly DomainEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += MAX_BATCH_WRITE) {
    let requests: Record<string, unknown>[] = events
      .slice(i, i + MAX_BATCH_WRITE)
      .map((event) => ({ DeleteRequest: { Key: keys.outbox(event.eventId, event.occurredAt) } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > MAX_UNPROCESSED_RETRIES) {
        throw new Error(`${requests.length} outbox deletes stayed unprocessed`);
      }
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      const result = await documentClient.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = (result.UnprocessedItems?.[tableName] ?? []) as Record<string, unknown>[];
    }
  }
  logger.debug('outbox entries deleted', { count: events.length });
}
