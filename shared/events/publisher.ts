import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
import { env } from '../config/env';
import { logger } from '../observability/logger';
import type { EventPublisher } from '../store/unit-of-work';
import type { DomainEvent } from './domain-events';
import { deleteOutboxEntries } from './outbox';
import { sqsClient } from './sqs-client';

/** SQS's limit for one SendMessageBatch call. */
const MAX_SQS_BATCH = 10;

/** Some events could not be sent; they stay in the outbox and the sweeper retries them. */
export class EventPublishError extends Error {
  constructor(readonly failedEventIds: readonly string[]) {
    super(`${failedEventIds.length} domain event(s) could not be published`);
    this.name = 'EventPublishError';
  }
}

export interface SqsEventPublisherOptions {
  sqs?: SQSClient;
  queueUrl?: () => string;
  tableName?: () => string;
  /** Removes published events from the outbox. Replaceable so a test can make the delete fail after a good send. */
  removeFromOutbox?: (tableName: string, events: readonly DomainEvent[]) => Promise<void>;
}

/** One SQS message per event; the attributes let a subscriber filter without parsing the body. */
export function toQueueEntry(event: DomainEvent): SendMessageBatchRequestEntry {
  return {
    Id: event.eventId,
    MessageBody: JSON.stringify(event),
    MessageAttributes: {
      type: { DataType: 'String', StringValue: event.type },
      tenantId: { DataType: 'String', StringValue: event.tenantId },
    },
  };
}

/**
 * Publishes domain events to the domain-events queue (a standard queue: no deduplication, so consumers dedupe on
 * eventId) and then deletes their outbox entries. A send that fails leaves the entry for the sweeper; a delete that
 * fails after a good send means the sweeper publishes the event a second time, which the consumer's dedupe absorbs.
 */
export function sqsEventPublisher(options: SqsEventPublisherOptions = {}): EventPublisher {
  const sqs = options.sqs ?? sqsClient;
  const queueUrl = options.queueUrl ?? (() => env.queueUrl('domainEvents'));
  const tableName = options.tableName ?? env.tableName;
  const removeFromOutbox = options.removeFromOutbox ?? deleteOutboxEntries;

  return {
    async publish(events) {
      const sent: DomainEvent[] = [];
      const failed: string[] = [];
      for (let i = 0; i < events.length; i += MAX_SQS_BATCH) {
        const batch = events.slice(i, i + MAX_SQS_BATCH);
        try {
          const result = await sqs.send(
            new SendMessageBatchCommand({ QueueUrl: queueUrl(), Entries: batch.map(toQueueEntry) }),
          );
          const ok = new Set((result.Successful ?? []).map((entry) => entry.Id));
          for (const event of batch) {
            if (ok.has(event.eventId)) sent.push(event);
            else failed.push(event.eventId);
          }
        } catch (error) {
          logger.warn('domain event batch not sent', { error: error as Error, count: batch.length });
          failed.push(...batch.map((event) => event.eventId));
        }
      }
      if (sent.length > 0) {
        try {
          await removeFromOutbox(tableName(), sent);
        } catch (error) {
          logger.warn('published events left in the outbox; the sweeper republishes them and consumers dedupe', {
            error: error as Error,
            eventIds: sent.map((event) => event.eventId),
          });
        }
      }
      if (failed.length > 0) throw new EventPublishError(failed);
    },
  };
}

/** The publisher every handler passes to `new UnitOfWork(eventPublisher)`. */
export const eventPublisher: EventPublisher = sqsEventPublisher();
