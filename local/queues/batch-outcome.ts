import type { SQSRecord } from 'aws-lambda';

export type BatchOutcome =
  | { kind: 'all-succeeded' }
  | { kind: 'partial'; failedMessageIds: ReadonlySet<string> }
  /** The whole batch returns to the queue: the handler threw, timed out or answered something Lambda rejects. */
  | { kind: 'all-failed'; reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a handler's response the way an event source mapping with ReportBatchItemFailures does: no response or an empty
 * `batchItemFailures` means every message succeeded; listed ids failed; an identifier that is empty or not in the batch
 * makes Lambda treat the whole batch as failed.
 */
export function batchOutcome(records: readonly SQSRecord[], response: unknown): BatchOutcome {
  if (!isRecord(response) || response.batchItemFailures === undefined || response.batchItemFailures === null) {
    return { kind: 'all-succeeded' };
  }
  const failures = response.batchItemFailures;
  if (!Array.isArray(failures)) return { kind: 'all-failed', reason: 'batchItemFailures is not an array' };
  if (failures.length === 0) return { kind: 'all-succeeded' };

  const inBatch = new Set(records.map((record) => record.messageId));
  const failed = new Set<string>();
  for (const failure of failures) {
    const id: unknown = isRecord(failure) ? failure.itemIdentifier : undefined;
    if (typeof id !== 'string' || id === '' || !inBatch.has(id)) {
      return { kind: 'all-failed', reason: `invalid itemIdentifier ${JSON.stringify(id)}` };
    }
    failed.add(id);
  }
  return { kind: 'partial', failedMessageIds: failed };
}

/** Messages to delete from the queue after the batch: the successful ones. Failed ones reappear after the visibility timeout. */
export function recordsToDelete(records: readonly SQSRecord[], outcome: BatchOutcome): SQSRecord[] {
  switch (outcome.kind) {
    case 'all-succeeded':
      return [...records];
    case 'partial':
      return records.filter((record) => !outcome.failedMessageIds.has(record.messageId));
    case 'all-failed':
      return [];
  }
}
