/**
 * Asynchronous segment counts and previews: a book too large to count within an HTTP request becomes a job (202), run
 * by the segment-jobs queue consumer (./segment-job-runner.ts) in steps. Each step reads the book until its invocation
 * is nearly out of time, then checkpoints the position of every shard (the query continuation key) with the totals so
 * far, and queues the next step. The job item is the checkpoint; its `seq` makes each step run once: a step only
 * proceeds from the `seq` it was queued with, and saves conditionally on it.
 *
 * A job evaluates the rule (frozen when the job was created) at the moment it was requested, so "today" does not move
 * under a job that spans midnight.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { BatchWriteCommand, GetCommand, PutCommand, UpdateCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { env } from '../../config/env';
import { sqsClient } from '../../events/sqs-client';
import { documentClient } from '../../store/dynamo';
import { keys } from '../../store/keys';
import { isConditionFailure } from '../../store/unit-of-work';
import type { ShardCursor, ShardCursors } from './book-reader';
import type { Rule } from './rule-schema';
import type { CountResult, PreviewMatch, PreviewResult } from './segment-result';
import type { SpendDistribution } from './spend-distribution';

export type SegmentJobKind = 'count' | 'preview';
export type SegmentJobStatus = 'queued' | 'running' | 'completed' | 'failed';

/** How long a finished (or abandoned) job stays readable. */
export const SEGMENT_JOB_TTL_SECONDS = 7 * 24 * 3600;

/** A shard's position as stored (DynamoDB lists cannot hold `undefined`). */
export type StoredCursor = { state: 'start' } | { state: 'at'; key: ShardCursor } | { state: 'done' };

export interface SegmentJobProgress {
  count: number;
  /** Explained matches so far (a preview keeps the first `limit`). */
  matches: PreviewMatch[];
  customersRead: number;
  readUnits: number;
  purchaseReads: number;
  /** Customers the evaluation pass has read (the book size once finished). */
  evaluated: number;
  /** Steps run so far (invocations). */
  steps: number;
  /** Time spent in steps (ms), not counting the wait in the queue. */
  workMs: number;
}

export interface SegmentJobItem {
  pk: string;
  sk: string;
  type: 'SegmentJob';
  tenantId: string;
  jobId: string;
  kind: SegmentJobKind;
  status: SegmentJobStatus;
  /** The saved segment and the version counted, when the job counts one (its last count is updated at the end). */
  segmentId?: string;
  segmentVersion?: number;
  /** System segments keep their last count apart from any item. */
  systemSegment?: boolean;
  rule: Rule;
  /** Preview page size (0 for a count). */
  limit: number;
  evaluatedAt: string;
  timeZone: string;
  currency: string;
  seq: number;
  cursors: StoredCursor[];
  /** Parts of the stored spend distribution, once the first pass of a percentile rule is done. */
  totalsParts?: number;
  progress: SegmentJobProgress;
  result?: CountResult | PreviewResult;
  error?: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  expiresAt: number;
}

export const segmentJobMessageSchema = z.object({ tenantId: z.string().min(1), jobId: z.string().min(1), seq: z.number().int().min(0) });
export type SegmentJobMessage = z.infer<typeof segmentJobMessageSchema>;

export const emptyProgress = (): SegmentJobProgress => ({
  count: 0,
  matches: [],
  customersRead: 0,
  readUnits: 0,
  purchaseReads: 0,
  evaluated: 0,
  steps: 0,
  workMs: 0,
});

export function storedCursors(cursors: ShardCursors): StoredCursor[] {
  return cursors.map((cursor) => (cursor === undefined ? { state: 'start' } : cursor === null ? { state: 'done' } : { state: 'at', key: cursor }));
}

export function liveCursors(stored: readonly StoredCursor[]): ShardCursors {
  return stored.map((cursor) => (cursor.state === 'start' ? undefined : cursor.state === 'done' ? null : cursor.key));
}

export async function putSegmentJob(job: SegmentJobItem): Promise<void> {
  await documentClient.send(
    new PutCommand({ TableName: env.tableName(), Item: job, ConditionExpression: 'attribute_not_exists(pk)' }),
  );
}

export async function getSegmentJob(tenantId: string, jobId: string): Promise<SegmentJobItem | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: env.tableName(), Key: keys.segmentJob(tenantId, jobId), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  // DynamoDB deletes expired items lazily: an expired job is gone as far as readers are concerned.
  if (typeof Item.expiresAt === 'number' && Item.expiresAt * 1000 < Date.now()) return undefined;
  return Item as SegmentJobItem;
}

/**
 * Saves a step's checkpoint if no other step got there first (`seq` still the one this step started from). Returns
 * false when it lost: its work is discarded, the winner carries on.
 */
export async function saveSegmentJobStep(job: SegmentJobItem, startedSeq: number): Promise<boolean> {
  try {
    await documentClient.send(
      new PutCommand({
        TableName: env.tableName(),
        Item: job,
        ConditionExpression: 'attribute_exists(pk) AND #seq = :seq',
        ExpressionAttributeNames: { '#seq': 'seq' },
        ExpressionAttributeValues: { ':seq': startedSeq },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export async function failSegmentJob(tenantId: string, jobId: string, reason: string, at: string = new Date().toISOString()): Promise<void> {
  await documentClient.send(
    new UpdateCommand({
      TableName: env.tableName(),
      Key: keys.segmentJob(tenantId, jobId),
      UpdateExpression: 'SET #status = :failed, #error = :reason, updatedAt = :at',
      ConditionExpression: 'attribute_exists(pk) AND #status <> :completed',
      ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
      ExpressionAttributeValues: { ':failed': 'failed', ':completed': 'completed', ':reason': reason, ':at': at },
    }),
  ).catch((error: unknown) => {
    if (!isConditionFailure(error)) throw error;
  });
}

export async function enqueueSegmentJobStep(message: SegmentJobMessage): Promise<void> {
  await sqsClient.send(
    new SendMessageCommand({
      QueueUrl: env.queueUrl('segmentJobs'),
      MessageBody: JSON.stringify(message),
      MessageAttributes: { tenantId: { DataType: 'String', StringValue: message.tenantId }, jobId: { DataType: 'String', StringValue: message.jobId } },
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------------------
// The spend distribution of a job's percentile rule: computed once by its first step and kept for the later steps, so
// every step ranks against the same book. Lifetime totals as float64 bytes, in parts under the 400 KB item limit.

const TOTALS_PER_PART = 48_000;

export async function saveJobSpendDistribution(job: Pick<SegmentJobItem, 'tenantId' | 'jobId' | 'expiresAt'>, distribution: SpendDistribution): Promise<number> {
  const totals = distribution.totalsDescending;
  const parts = Math.max(1, Math.ceil(totals.length / TOTALS_PER_PART));
  const items = Array.from({ length: parts }, (_, part) => {
    const slice = totals.slice(part * TOTALS_PER_PART, (part + 1) * TOTALS_PER_PART);
    return {
      ...keys.segmentJobTotals(job.tenantId, job.jobId, part),
      type: 'SegmentJobTotals',
      totals: new Uint8Array(slice.buffer, slice.byteOffset, slice.byteLength),
      expiresAt: job.expiresAt,
    };
  });
  // One part per request: a batch of parts could exceed the 16 MB request limit.
  for (const item of items) {
    let pending: Record<string, unknown>[] = [{ PutRequest: { Item: item } }];
    while (pending.length > 0) {
      const result = await documentClient.send(new BatchWriteCommand({ RequestItems: { [env.tableName()]: pending as never } }));
      pending = (result.UnprocessedItems?.[env.tableName()] ?? []) as Record<string, unknown>[];
    }
  }
  return parts;
}

export async function loadJobSpendDistribution(tenantId: string, jobId: string): Promise<SpendDistribution> {
  const { pk } = keys.segmentJobCollection(tenantId, jobId);
  const chunks: Uint8Array[] = [];
  const pages = paginateQuery(
    { client: documentClient },
    {
      TableName: env.tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': 'TOTALS#' },
      ConsistentRead: true,
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) chunks.push(item.totals as Uint8Array);
  }
  const bytes = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  // Copied into a fresh buffer: a Float64Array needs 8-byte alignment, which the unmarshalled bytes need not have.
  const joined = new Uint8Array(bytes);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { totalsDescending: new Float64Array(joined.buffer, 0, bytes / 8) };
}
