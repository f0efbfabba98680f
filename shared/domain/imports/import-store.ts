import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '../../auth/roles';
import { auditItem } from '../../audit/audit-entry';
import { env } from '../../config/env';
import { documentClient } from '../../store/dynamo';
import { keys } from '../../store/keys';
import { decodeCursor, encodeCursor } from '../../store/pagination';
import { isConditionFailure, UnitOfWork } from '../../store/unit-of-work';
import type { ImportCounters, ImportFormat, ImportKind, ImportUnit, RowFieldError } from './import-kinds';
import type { ChunkProgress, ChunkState } from './import-status';
import { itemsWithPrefix } from '../../store/items-with-prefix';

/**
 * Import jobs in the table: the job item in the tenant partition (`keys.tenantEntity(t, 'IMPORT', id)`), and in the
 * import's own partition one progress item per chunk, one error item per failed row, and the rows of chunks too big
 * for their SQS message.
 */
export interface ImportJob {
  importId: string;
  tenantId: string;
  kind: ImportKind;
  format: ImportFormat;
  /** Records in the file (a purchase of three CSV rows is one record). */
  totalRows: number;
  chunkCount: number;
  createdAt: string;
  createdBy: string;
  enqueueFailed?: boolean;
}

const MAX_BATCH_WRITE = 25;

async function batchPut(items: Record<string, unknown>[]): Promise<void> {
  const tableName = env.tableName();
  for (let i = 0; i < items.length; i += MAX_BATCH_WRITE) {
    let requests: Record<string, unknown>[] = items.slice(i, i + MAX_BATCH_WRITE).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 5) throw new Error(`${requests.length} import items stayed unprocessed`);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      const result = await documentClient.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = (result.UnprocessedItems?.[tableName] ?? []) as Record<string, unknown>[];
    }
  }
}

/**
 * Stores a new import: chunk progress items and stored rows first, then the job item with its audit entry in one
 * transaction, so a job that can be read always has all its chunks.
 */
export async function createImportJob(
  principal: Principal,
  job: ImportJob,
  chunks: readonly { chunk: number; rows: number; storedParts?: readonly ImportUnit[][] }[],
): Promise<void> {
  const items: Record<string, unknown>[] = [];
  for (const chunk of chunks) {
    items.push({
      ...keys.importChunk(job.tenantId, job.importId, chunk.chunk),
      type: 'ImportChunk',
      importId: job.importId,
      chunk: chunk.chunk,
      rows: chunk.rows,
      state: 'queued' satisfies ChunkState,
      nextIndex: 0,
      processed: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      failed: 0,
    });
    chunk.storedParts?.forEach((units, part) => {
      items.push({ ...keys.importChunkRows(job.tenantId, job.importId, chunk.chunk, part), type: 'ImportChunkRows', units });
    });
  }
  await batchPut(items);
  const uow = new UnitOfWork(undefined);
  uow.put({ ...keys.tenantEntity(job.tenantId, 'IMPORT', job.importId), type: 'ImportJob', ...job }, { expression: 'attribute_not_exists(pk)' });
  uow.put(auditItem(principal, { action: 'imported', entity: 'import', entityId: job.importId, detail: `${job.kind}, ${job.totalRows} records` }, job.createdAt));
  await uow.commit();
}

export async function markEnqueueFailed(tenantId: string, importId: string): Promise<void> {
  await documentClient.send(
    new UpdateCommand({
      TableName: env.tableName(),
      Key: keys.tenantEntity(tenantId, 'IMPORT', importId),
      UpdateExpression: 'SET enqueueFailed = :true',
      ExpressionAttributeValues: { ':true': true },
    }),
  );
}

export async function loadImportJob(tenantId: string, importId: string): Promise<ImportJob | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: env.tableName(), Key: keys.tenantEntity(tenantId, 'IMPORT', importId), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { pk: _pk, sk: _sk, type: _type, ...job } = Item;
  return job as ImportJob;
}

const queryAll = (pk: string, skPrefix: string) => itemsWithPrefix({ pk, skPrefix }, { consistent: true });

export async function loadChunkProgress(tenantId: string, importId: string): Promise<ChunkProgress[]> {
  const items = await queryAll(keys.importCollection(tenantId, importId).pk, 'CHUNK#');
  return items.map((item) => ({
    chunk: Number(item.chunk),
    rows: Number(item.rows),
    state: item.state as ChunkState,
    processed: Number(item.processed ?? 0),
    created: Number(item.created ?? 0),
    updated: Number(item.updated ?? 0),
    unchanged: Number(item.unchanged ?? 0),
    failed: Number(item.failed ?? 0),
  }));
}

export async function loadStoredChunkUnits(tenantId: string, importId: string, chunk: number): Promise<ImportUnit[]> {
  const prefix = keys.importChunkRowsPrefix(tenantId, importId, chunk);
  const parts = await queryAll(prefix.pk, prefix.skPrefix);
  return parts.flatMap((part) => part.units as ImportUnit[]);
}

/** One page of an import's row errors in row order, flattened to (row, field, message); `limit` counts records. */
export async function listRowErrors(
  tenantId: string,
  importId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ items: RowFieldError[]; nextCursor: string | null }> {
  const { pk } = keys.importCollection(tenantId, importId);
  const result = await documentClient.send(
    new QueryCommand({
      TableName: env.tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': 'ERR#' },
      Limit: page.limit,
      ExclusiveStartKey: decodeCursor(page.cursor, { attribute: 'pk', value: pk }),
    }),
  );
  return {
    items: (result.Items ?? []).flatMap((item) => item.errors as RowFieldError[]),
    nextCursor: encodeCursor(result.LastEvaluatedKey),
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Worker side: each chunk item is written only by the worker holding the chunk.

export interface ChunkCheckpoint extends ImportCounters {
  /** Index of the next unit to process; a retried chunk resumes here. */
  nextIndex: number;
}

export type ChunkClaim = { claimed: true; checkpoint: ChunkCheckpoint } | { claimed: false; state: ChunkState | undefined };

/**
 * Takes a chunk for processing: a queued chunk, one whose previous worker's lease ran out (it died or timed out; the
 * retry resumes from its last checkpoint), or a failed one whose message an operator redrove from the DLQ. A chunk that
 * is done or being worked on is left alone, so a duplicate SQS delivery does nothing.
 */
export async function claimChunk(tenantId: string, importId: string, chunk: number, now: number, leaseMs: number): Promise<ChunkClaim> {
  try {
    const { Attributes } = await documentClient.send(
      new UpdateCommand({
        TableName: env.tableName(),
        Key: keys.importChunk(tenantId, importId, chunk),
        UpdateExpression: 'SET #state = :processing, leaseUntil = :until ADD attempts :one',
        ConditionExpression: '#state IN (:queued, :failed) OR (#state = :processing AND leaseUntil < :now)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':processing': 'processing',
          ':queued': 'queued',
          ':failed': 'failed',
          ':until': now + leaseMs,
          ':now': now,
          ':one': 1,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const item = Attributes ?? {};
    return {
      claimed: true,
      checkpoint: {
        nextIndex: Number(item.nextIndex ?? 0),
        processed: Number(item.processed ?? 0),
        created: Number(item.created ?? 0),
        updated: Number(item.updated ?? 0),
        unchanged: Number(item.unchanged ?? 0),
        failed: Number(item.failed ?? 0),
      },
    };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: env.tableName(), Key: keys.importChunk(tenantId, importId, chunk), ConsistentRead: true }),
    );
    return { claimed: false, state: Item?.state as ChunkState | undefined };
  }
}

const countersOf = (c: ImportCounters): ImportCounters => ({
  processed: c.processed,
  created: c.created,
  updated: c.updated,
  unchanged: c.unchanged,
  failed: c.failed,
});

/** Saves progress (and extends the lease); with `state` it also finishes the chunk. */
export async function saveChunkProgress(
  tenantId: string,
  importId: string,
  chunk: number,
  checkpoint: ChunkCheckpoint,
  update: { leaseUntil: number } | { state: 'done' } | { state: 'failed'; reason: string },
): Promise<void> {
  // Every attribute goes through a placeholder: `processed`, `failed`, `state` and others are DynamoDB reserved words.
  const counters = { nextIndex: checkpoint.nextIndex, ...countersOf(checkpoint) };
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  const set = (attribute: string, value: unknown) => {
    const i = sets.length;
    names[`#a${i}`] = attribute;
    values[`:v${i}`] = value;
    sets.push(`#a${i} = :v${i}`);
  };
  for (const [attribute, value] of Object.entries(counters)) set(attribute, value);
  let remove = '';
  if ('leaseUntil' in update) set('leaseUntil', update.leaseUntil);
  else {
    set('state', update.state);
    if (update.state === 'failed') set('failureReason', update.reason);
    names['#lease'] = 'leaseUntil';
    remove = ' REMOVE #lease';
  }
  const expression = `SET ${sets.join(', ')}${remove}`;
  await documentClient.send(
    new UpdateCommand({
      TableName: env.tableName(),
      Key: keys.importChunk(tenantId, importId, chunk),
      UpdateExpression: expression,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}

/** The errors of one record, keyed by its first row (a retry overwrites, never duplicates). */
export async function putRowErrors(tenantId: string, importId: string, row: number, errors: readonly RowFieldError[]): Promise<void> {
  await documentClient.send(
    new PutCommand({
      TableName: env.tableName(),
      Item: { ...keys.importRowError(tenantId, importId, row), type: 'ImportRowError', importId, row, errors },
    }),
  );
}
