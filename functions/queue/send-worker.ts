import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { sesV2EmailSender } from '../../shared/adapters/ses/sesv2-email-sender';
import { env } from '../../shared/config/env';
import { QUEUES, type QueueId } from '../../shared/config/queues';
import { resolveSender } from '../../shared/domain/sender-identity/resolve-sender';
import { cachedCampaignStatus } from '../../shared/domain/sending/campaign-status';
import { SEND_LANES } from '../../shared/domain/sending/lanes';
import { sendJobSchema } from '../../shared/domain/sending/messages';
import { perWorkerRate, SendSpacer } from '../../shared/domain/sending/pacing';
import { transitionRecipient } from '../../shared/domain/sending/recipient-store';
import { CounterDeltas } from '../../shared/domain/sending/send-counters';
import { delayNextReceive } from '../../shared/domain/sending/send-queues';
import { sendRecipient, type SendDeps } from '../../shared/domain/sending/send-recipient';
import { signingKeyProvider } from '../../shared/domain/unsubscribe/signing-key';
import { loadTenantSettings } from '../../shared/domain/tenants/tenant-repository';
import { logger } from '../../shared/observability/logger';
import { withLambdaContext } from '../../shared/observability/with-lambda-context';

/** A record that must come back later (throttled: its visibility was already set to the backoff). */
class RetryLater extends Error {
  constructor(reason: string) {
    super(`send refused for now (${reason}); retried after a backoff`);
    this.name = 'RetryLater';
  }
}

const LANE_QUEUES: readonly QueueId[] = Object.values(SEND_LANES).map((lane) => lane.queue);

/** The redrive limit of the queue a record came from (the ARN ends with the queue's physical name). */
function maxReceiveCountOf(record: SQSRecord): number {
  const name = record.eventSourceARN.split(':').pop() ?? '';
  const queue = LANE_QUEUES.find((id) => name.endsWith(`-${QUEUES[id].name}`));
  return QUEUES[queue ?? SEND_LANES.bulk.queue].maxReceiveCount;
}

function defaultDeps(): SendDeps {
  return {
    emailSender: sesV2EmailSender(),
    // The tenant's own verified domain once it has one; the platform address in the store's name until then.
    sender: (tenantId, settings) => resolveSender(tenantId, settings),
    signingKey: signingKeyProvider(),
    spacer: new SendSpacer(perWorkerRate(env.sesMaxSendRate())),
    campaignStatus: (tenantId, campaignId) => cachedCampaignStatus(tenantId, campaignId),
    tenantSettings: (tenantId) => loadTenantSettings(tenantId),
    now: () => new Date(),
    wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

async function handleRecord(record: SQSRecord, counters: CounterDeltas, deps: SendDeps): Promise<void> {
  const job = sendJobSchema.parse(JSON.parse(record.body));
  const delivery = { receiveCount: Number(record.attributes.ApproximateReceiveCount ?? '1'), maxReceiveCount: maxReceiveCountOf(record) };
  const ids = { tenantId: job.tenantId, campaignId: job.campaignId, customerId: job.customerId, receiveCount: delivery.receiveCount };
  try {
    const result = await sendRecipient(job, delivery, counters, deps);
    if (result.kind === 'retry') {
      await delayNextReceive(record, result.backoffSeconds);
      logger.info('send throttled; claim released', { ...ids, backoffSeconds: result.backoffSeconds, reason: result.reason });
      throw new RetryLater(result.reason);
    }
    // Marked failed already; the message still goes to the DLQ, so sustained throttling raises the DLQ alarm.
    if (result.kind === 'failed' && result.retriesExhausted) throw new Error(`send failed after ${delivery.receiveCount} tries: ${result.reason}`);
  } catch (error) {
    if (error instanceof RetryLater || delivery.receiveCount < delivery.maxReceiveCount) throw error;
    // Last allowed receive and something unexpected broke: the recipient is failed before SQS moves the message to
    // the DLQ (only if still queued: a claimed recipient may have been sent, and the reconciler settles that).
    const reason = `error: ${(error as Error).name ?? 'Error'}`.slice(0, 200);
    const ref = { tenantId: job.tenantId, campaignId: job.campaignId, customerId: job.customerId };
    const marked = await transitionRecipient(ref, { from: ['queued'], to: 'failed', set: { reason, finishedAt: new Date().toISOString() } }).catch(() => false);
    if (marked) counters.add(job.tenantId, job.campaignId, 'failed');
    logger.error('send job failed on its last receive', { ...ids, error: error as Error });
    throw error;
  }
}

/**
 * Send worker, one per lane (manifest `send-priority`, `send-bulk`): SQS event source with ReportBatchItemFailures,
 * records of a batch in parallel (each waits for its pacing slot). A record reported as failed comes back: after its
 * backoff when throttled, after the visibility timeout otherwise, and to the DLQ after the redrive limit. Counter
 * increments of the whole batch are written once at its end.
 */
export function sendWorker(overrides: Partial<SendDeps> = {}) {
  const processor = new BatchProcessor(EventType.SQS);
  let deps: SendDeps | undefined;
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    deps ??= { ...defaultDeps(), ...overrides };
    const counters = new CounterDeltas();
    try {
      return await processPartialResponse(event, (record: SQSRecord) => handleRecord(record, counters, deps!), processor, {
        context,
        throwOnFullBatchFailure: false,
        processInParallel: true,
      });
    } finally {
      if (!counters.isEmpty) await counters.flush(event.Records[0]?.messageId ?? 'batch');
    }
  };
}

export const handler = withLambdaContext(sendWorker());

