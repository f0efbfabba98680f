import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { QUEUES } from '../../shared/config/queues';
import { runSegmentJobStep } from '../../shared/domain/segments/segment-job-runner';
import { failSegmentJob, segmentJobMessageSchema } from '../../shared/domain/segments/segment-jobs';
import { rememberJobResult, tenantBookAccess } from '../../shared/domain/segments/segment-service';
import { logger } from '../../shared/observability/logger';
import { withLambdaContext } from '../../shared/observability/with-lambda-context';

const processor = new BatchProcessor(EventType.SQS);

/** Time kept back from the invocation's limit to finish the pages in flight, save the checkpoint and queue the next step. */
const CHECKPOINT_MARGIN_MS = 60_000;

/** Segment-jobs queue consumer (batch size 1): one step of one job per message; see segment-job-runner.ts. */
export const handler = withLambdaContext(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const stopAt = Date.now() + context.getRemainingTimeInMillis() - CHECKPOINT_MARGIN_MS;

  const handleRecord = async (record: SQSRecord): Promise<void> => {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      throw new Error(`Message ${record.messageId} is not JSON`);
    }
    const message = segmentJobMessageSchema.safeParse(body);
    if (!message.success) throw new Error(`Message ${record.messageId} is not a segment job step: ${message.error.message}`);
    const { tenantId, jobId } = message.data;
    logger.appendKeys({ tenantId, jobId });
    try {
      await runSegmentJobStep(message.data, {
        access: tenantBookAccess,
        shouldStop: () => Date.now() > stopAt,
        onCompleted: rememberJobResult,
      });
    } catch (error) {
      const receives = Number(record.attributes.ApproximateReceiveCount ?? '1');
      if (receives >= QUEUES.segmentJobs.maxReceiveCount) await failSegmentJob(tenantId, jobId, 'The evaluation failed; try again later');
      throw error;
    } finally {
      logger.removeKeys(['tenantId', 'jobId']);
    }
  };

  return processPartialResponse(event, handleRecord, processor, { context, throwOnFullBatchFailure: false });
});
