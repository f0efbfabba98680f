import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { QUEUES } from '../../shared/config/queues';
import { importChunkMessageSchema } from '../../shared/domain/imports/import-message';
import { processImportChunk } from '../../shared/domain/imports/process-chunk';
import { eventPublisher } from '../../shared/events/publisher';
import { logger } from '../../shared/observability/logger';
import { withLambdaContext } from '../../shared/observability/with-lambda-context';

const processor = new BatchProcessor(EventType.SQS);

async function handleRecord(record: SQSRecord): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new Error(`Message ${record.messageId} is not JSON`);
  }
  const message = importChunkMessageSchema.safeParse(body);
  if (!message.success) throw new Error(`Message ${record.messageId} is not an import chunk: ${message.error.message}`);
  logger.appendKeys({ tenantId: message.data.tenantId, importId: message.data.importId, chunk: message.data.chunk });
  try {
    await processImportChunk(message.data, {
      receiveCount: Number(record.attributes.ApproximateReceiveCount ?? '1'),
      maxReceives: QUEUES.imports.maxReceiveCount,
      publisher: eventPublisher,
    });
  } finally {
    logger.removeKeys(['tenantId', 'importId', 'chunk']);
  }
}

/** Imports-queue consumer (batch size 1): one chunk of one import per message. */
export const handler = withLambdaContext(
  async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, handleRecord, processor, { context, throwOnFullBatchFailure: false }),
);
