import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { logger } from '../observability/logger';
import { documentClient } from '../store/dynamo';
import { keys } from '../store/keys';
import { isConditionFailure } from '../store/unit-of-work';
import type { DomainEvent } from './domain-events';
import type { ReactionRegistry } from './reactions';

/**
 * Duplicates come from the outbox (a publish whose delete failed is swept again within minutes) and from SQS's
 * at-least-once delivery; both arrive within the queue's retention, which this comfortably covers.
 */
export const PROCESSED_MARKER_TTL_SECONDS = 4 * 24 * 3600;
/** If a consumer dies mid-event, a redelivery after this may take the event over (visibility timeout is 180 s). */
export const PROCESSING_LEASE_MS = 60_000;

export interface ConsumeOptions {
  registry: ReactionRegistry;
  tableName: string;
  now?: number;
}

export type ConsumeOutcome = { outcome: 'handled'; reactions: number } | { outcome: 'duplicate' };

/**
 * Handles one domain event exactly once per eventId: a conditional put of a marker item claims it (a second delivery
 * finds the marker and stops), the registered reactions run, and the marker is marked done. If a reaction throws, the
 * marker is released so the retry runs again; reactions are idempotent on eventId, so the ones that succeeded may
 * safely run twice.
 */
export async function consumeDomainEvent(event: DomainEvent, options: ConsumeOptions): Promise<ConsumeOutcome> {
  const now = options.now ?? Date.now();
  const key = keys.processedEvent(event.eventId);
  if (!(await claimEvent(options.tableName, key, event, now))) {
    logger.info('duplicate domain event skipped', { eventId: event.eventId, type: event.type });
    return { outcome: 'duplicate' };
  }

  const toRun = options.registry.reactionsFor(event);
  try {
    for (const reaction of toRun) {
      await reaction.run(event as never);
    }
  } catch (error) {
    await documentClient
      .send(
        new DeleteCommand({
          TableName: options.tableName,
          Key: key,
          ConditionExpression: '#status = :processing',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':processing': 'processing' },
        }),
      )
      .catch((releaseError: unknown) => {
        // The lease expires on its own; the retry just waits for it.
        logger.warn('could not release event marker', { error: releaseError as Error, eventId: event.eventId });
      });
    throw error;
  }

  await documentClient.send(
    new UpdateCommand({
      TableName: options.tableName,
      Key: key,
      UpdateExpression: 'SET #status = :done, reactions = :reactions REMOVE leaseUntil',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':done': 'done', ':reactions': toRun.map((reaction) => reaction.name) },
    }),
  );
  return { outcome: 'handled', reactions: toRun.length };
}

async function claimEvent(tableName: string, key: { pk: string; sk: string }, event: DomainEvent, now: number) {
  const nowSeconds = Math.floor(now / 1000);
  try {
    await documentClient.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...key,
          type: 'ProcessedEvent',
          eventId: event.eventId,
          eventType: event.type,
          tenantId: event.tenantId,
          status: 'processing',
          leaseUntil: now + PROCESSING_LEASE_MS,
          expiresAt: nowSeconds + PROCESSED_MARKER_TTL_SECONDS,
        },
        // Free, abandoned by a consumer that died, or expired but not yet swept by TTL.
        ConditionExpression:
          'attribute_not_exists(pk) OR (#status = :processing AND leaseUntil < :now) OR expiresAt < :nowSeconds',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':processing': 'processing', ':now': now, ':nowSeconds': nowSeconds },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
