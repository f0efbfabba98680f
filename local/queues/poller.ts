import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { FunctionSpec } from '../../functions/manifest';
import type { FunctionInvoker } from '../runtime/function-invoker';
import { errorMessage, type RuntimeLog } from '../runtime/runtime-log';
import { batchOutcome, recordsToDelete, type BatchOutcome } from './batch-outcome';
import { sqsEvent } from './sqs-event';

export type QueueFunctionSpec = FunctionSpec & { trigger: { kind: 'queue' } };

export const isQueueFunction = (spec: FunctionSpec): spec is QueueFunctionSpec => spec.trigger.kind === 'queue';

/** SQS hands out at most 10 messages per ReceiveMessage. */
const SQS_MAX_RECEIVE = 10;
const SQS_MAX_DELETE_BATCH = 10;
const RETRY_AFTER_ERROR_MS = 1000;

export interface QueuePollerOptions {
  sqs: SQSClient;
  spec: QueueFunctionSpec;
  queue: { url: string; arn: string };
  region: string;
  invoker: FunctionInvoker;
  log: RuntimeLog;
  /** Long-poll wait; 20 s (the SQS maximum) like Lambda's pollers, shorter in tests so stop() is quick. */
  waitTimeSeconds?: number;
  /** Called after each batch (tests wait on it). */
  onBatch?: (report: BatchReport) => void;
}

export interface BatchReport {
  functionId: string;
  messageIds: string[];
  outcome: BatchOutcome;
  deleted: string[];
}

export interface QueuePoller {
  stop(): Promise<void>;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Lambda's SQS event source mapping for one function: `maxConcurrency` workers each long-poll the queue, invoke the
 * handler with a real SQSEvent, and delete what succeeded. Failed messages are left alone: they come back after the
 * queue's visibility timeout, and the queue's redrive policy moves them to the DLQ after maxReceiveCount receives.
 */
export function startQueuePoller(options: QueuePollerOptions): QueuePoller {
  const { sqs, spec, queue, log } = options;
  const abort = new AbortController();
  const label = `[queue] ${spec.id}`;

  async function deleteMessages(records: readonly SQSRecord[]): Promise<string[]> {
    const deleted: string[] = [];
    for (let start = 0; start < records.length; start += SQS_MAX_DELETE_BATCH) {
      const chunk = records.slice(start, start + SQS_MAX_DELETE_BATCH);
      const result = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: chunk.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
      for (const entry of result.Successful ?? []) {
        const record = chunk[Number(entry.Id)];
        if (record) deleted.push(record.messageId);
      }
      for (const failure of result.Failed ?? []) log(`${label} could not delete a message: ${failure.Message ?? failure.Code}`);
    }
    return deleted;
  }

  async function processBatch(records: SQSRecord[]): Promise<void> {
    const started = Date.now();
    let outcome: BatchOutcome;
    try {
      const { result } = await options.invoker.invoke(spec, { Records: records });
      outcome = batchOutcome(records, result);
    } catch (error) {
      outcome = { kind: 'all-failed', reason: errorMessage(error) };
    }
    const deleted = await deleteMessages(recordsToDelete(records, outcome));
    const failed = records.length - deleted.length;
    const detail = outcome.kind === 'all-failed' ? ` (${outcome.reason})` : '';
    log(`${label} ${records.length} message(s): ${deleted.length} done, ${failed} back to the queue${detail} ${Date.now() - started} ms`);
    options.onBatch?.({ functionId: spec.id, messageIds: records.map((r) => r.messageId), outcome, deleted });
  }

  const receive = (maxMessages: number, waitTimeSeconds: number) =>
    sqs
      .send(
        new ReceiveMessageCommand({
          QueueUrl: queue.url,
          MaxNumberOfMessages: maxMessages,
          WaitTimeSeconds: waitTimeSeconds,
          // local-aws-sqs reads the older AttributeNames; AWS prefers MessageSystemAttributeNames. Ask for both.
          AttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: abort.signal },
      )
      .then((received) => received.Messages ?? []);

  /**
   * AWS answers a long poll as soon as any message is available. local-aws-sqs instead keeps a long poll open until it
   * has MaxNumberOfMessages or the wait is over (and may hand the same message out twice when its visibility timeout is
   * shorter than the wait). So: long-poll for one message, then a short poll tops the batch up to batchSize.
   */
  async function receiveBatch() {
    const first = await receive(1, options.waitTimeSeconds ?? 20);
    const batchSize = Math.min(spec.trigger.batchSize, SQS_MAX_RECEIVE);
    if (first.length === 0 || batchSize === 1) return first;
    return [...first, ...(await receive(batchSize - 1, 0))];
  }

  async function worker(): Promise<void> {
    while (!abort.signal.aborted) {
      try {
        const messages = await receiveBatch();
        if (messages.length === 0) continue;
        await processBatch(sqsEvent(messages, { queueArn: queue.arn, region: options.region }).Records);
      } catch (error) {
        if (abort.signal.aborted) break;
        log(`${label} polling failed: ${errorMessage(error)}`);
        await sleep(RETRY_AFTER_ERROR_MS, abort.signal);
      }
    }
  }

  const workers = Array.from({ length: Math.max(1, spec.trigger.maxConcurrency) }, () => worker());
  return {
    stop: async () => {
      abort.abort();
      await Promise.all(workers);
    },
  };
}
