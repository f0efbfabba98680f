import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { env } from '../../shared/config/env';
import { automationReaction } from '../../shared/domain/automations/reaction-service';
import { forgetErasedFingerprints } from '../../shared/domain/imports/forget-erased-fingerprints';
import { attributePurchaseReaction } from '../../shared/domain/engagement/attribution-reaction';
import { consumeDomainEvent } from '../../shared/events/consume';
import { domainEventSchema } from '../../shared/events/domain-events';
import { reactions } from '../../shared/events/reactions';
import { logger } from '../../shared/observability/logger';
import { withLambdaContext } from '../../shared/observability/with-lambda-context';

// Every feature's reactions, registered once per container.
reactions.register(forgetErasedFingerprints);
reactions.register(attributePurchaseReaction);
reactions.register(automationReaction());

const processor = new BatchProcessor(EventType.SQS);

/** A body that is not a domain event fails its record; after maxReceiveCount it lands in the DLQ for an operator. */
async function handleRecord(record: SQSRecord): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new Error(`Message ${record.messageId} is not JSON`);
  }
  const parsed = domainEventSchema.safeParse(body);
  if (!parsed.success) throw new Error(`Message ${record.messageId} is not a domain event: ${parsed.error.message}`);
  const result = await consumeDomainEvent(parsed.data, { registry: reactions, tableName: env.tableName() });
  logger.debug('domain event consumed', { eventId: parsed.data.eventId, type: parsed.data.type, ...result });
}

/** SQS consumer of the domain-events queue: each failed record is reported back, the others are deleted. */
export const handler = withLambdaContext(
  async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, handleRecord, processor, { context, throwOnFullBatchFailure: false }),
);
