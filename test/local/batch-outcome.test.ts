import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { batchOutcome, recordsToDelete } from '../../local/queues/batch-outcome';

const record = (messageId: string) => ({ messageId }) as SQSRecord;
const batch = [record('m1'), record('m2'), record('m3')];
const ids = (records: SQSRecord[]) => records.map((r) => r.messageId);

describe('batchOutcome (ReportBatchItemFailures semantics)', () => {
  it('treats no response, null failures and an empty list as full success', () => {
    for (const response of [undefined, null, {}, { batchItemFailures: null }, { batchItemFailures: [] }, 'ok']) {
      expect(ids(recordsToDelete(batch, batchOutcome(batch, response)))).toEqual(['m1', 'm2', 'm3']);
    }
  });

  it('keeps exactly the reported messages on the queue', () => {
    const outcome = batchOutcome(batch, { batchItemFailures: [{ itemIdentifier: 'm2' }] });
    expect(outcome.kind).toBe('partial');
    expect(ids(recordsToDelete(batch, outcome))).toEqual(['m1', 'm3']);
  });

  it('fails the whole batch on an identifier that is empty, missing or not in the batch', () => {
    for (const failures of [[{ itemIdentifier: '' }], [{}], [{ itemIdentifier: 'other' }], 'm1']) {
      const outcome = batchOutcome(batch, { batchItemFailures: failures });
      expect(outcome.kind).toBe('all-failed');
      expect(recordsToDelete(batch, outcome)).toEqual([]);
    }
  });
});
