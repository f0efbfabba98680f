import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { env } from '../../shared/config/env';
import { DISPATCH_DEFAULTS, runDispatchStep, type DispatchOptions } from '../../shared/domain/sending/dispatch-step';
import { dispatchMessageSchema } from '../../shared/domain/sending/messages';
import { delayNextReceive } from '../../shared/domain/sending/send-queues';
import { logger } from '../../shared/observability/logger';
import { withLambdaContext } from '../../shared/observability/with-lambda-context';

const RETRY_AFTER_SECONDS = 30;

/**
 * Consumer of the dispatch queue (batch size 1): runs one step of a campaign's dispatch (freeze a slice of the
 * audience, top up the campaign's window on the bulk lane, or watch for completion) and sends the next step's message.
 * A failed step is redone from its checkpoint when the message comes back; a stale one (its step was superseded) does
 * nothing.
 */
export function dispatchWorker(overrides: Partial<DispatchOptions> = {}) {
  const processor = new BatchProcessor(EventType.SQS);
  const options: DispatchOptions = { ...DISPATCH_DEFAULTS, now: () => new Date(), accountRate: () => env.sesMaxSendRate(), ...overrides };
  const handleRecord = async (record: SQSRecord) => {
    const message = dispatchMessageSchema.parse(JSON.parse(record.body));
    try {
      const outcome = await runDispatchStep(message, options);
      logger.debug('dispatch step', { tenantId: message.tenantId, campaignId: message.campaignId, step: message.step, outcome });
    } catch (error) {
      // The queue's visibility timeout fits a whole-book step (90 min); a round that failed (a throttled read, say)
      // comes back sooner. Best effort: if this fails too, the reconciler restarts a silent chain.
      logger.error('dispatch step failed; retried', { tenantId: message.tenantId, campaignId: message.campaignId, step: message.step, error: error as Error });
      await delayNextReceive(record, RETRY_AFTER_SECONDS).catch(() => undefined);
      throw error;
    }
  };
  return (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, handleRecord, processor, { context, throwOnFullBatchFailure: false });
}

export const handler = withLambdaContext(dispatchWorker());
