/**
 * Plays Lambda's event sources for automation tests: the priority lane drained into the real send worker, the
 * domain-events queue into the real consumer (with its registered reactions), and the runner invoked as its schedule
 * (or the clock override) would.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { handler as domainEventsHandler } from '../../functions/queue/domain-events';
import { handler as runnerHandler } from '../../functions/schedule/automation-runner';
import { sendWorker } from '../../functions/queue/send-worker';
import type { QueueId } from '../../shared/config/queues';
import { loadCampaign } from '../../shared/domain/campaigns/campaign-repository';
import { SendSpacer } from '../../shared/domain/sending/pacing';
import { toSqsEvent } from '../events/sqs-messages';
import { lambdaContext } from '../support/http';

const liveStatus = async (tenantId: string, campaignId: string) => (await loadCampaign(tenantId, campaignId))?.campaign.status;
const worker = sendWorker({ spacer: new SendSpacer(10_000), throttleBackoff: () => 1, campaignStatus: liveStatus }) as (
  event: SQSEvent,
  context: ReturnType<typeof lambdaContext>,
) => Promise<SQSBatchResponse>;

/** Receives from a queue and hands each batch to `consume` until the queue stays empty for `quietMs`. */
async function drain(url: string, arn: string, consume: (event: SQSEvent) => Promise<SQSBatchResponse | void>, quietMs = 400): Promise<number> {
  const sqs = new SQSClient({});
  let handled = 0;
  let quietSince = Date.now();
  try {
    while (Date.now() - quietSince < quietMs) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 5, MessageSystemAttributeNames: ['All'] }),
      );
      if (Messages.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      const result = await consume(toSqsEvent(Messages, arn));
      const failed = new Set((result?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
      for (const message of Messages) {
        if (!failed.has(message.MessageId!)) {
          await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
          handled += 1;
        }
      }
      quietSince = Date.now();
    }
    return handled;
  } finally {
    sqs.destroy();
  }
}

export interface Lanes {
  urls: Record<QueueId, string>;
  arns: Record<QueueId, string>;
}

/** Sends everything on the priority lane through the pipeline's send worker. */
export const deliverPriority = (lanes: Lanes) => drain(lanes.urls.sendPriority, lanes.arns.sendPriority, (event) => worker(event, lambdaContext('send-priority')));

/** Hands every published domain event to the domain-events consumer (and so to the automations reaction). */
export const consumeDomainEvents = (lanes: Lanes) =>
  drain(lanes.urls.domainEvents, lanes.arns.domainEvents, (event) => domainEventsHandler(event, lambdaContext('domain-events')));

/** One runner pass as the schedule fires it; `now` runs it through the clock override. */
export const runRunner = (now?: Date) =>
  runnerHandler({ schedule: 'automation-runner', scheduledTime: (now ?? new Date()).toISOString(), ...(now ? { now: now.toISOString() } : {}) }, lambdaContext('automation-runner'));
