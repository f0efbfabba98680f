import { logger } from '../../observability/logger';
import type { EventPublisher } from '../../store/unit-of-work';
import { columnForPath } from './csv-columns';
import { zeroCounters, type ImportUnit, type RowFieldError } from './import-kinds';
import type { ImportChunkMessage } from './import-message';
import { claimChunk, loadStoredChunkUnits, putRowErrors, saveChunkProgress, type ChunkCheckpoint } from './import-store';
import { refusalOf, upsertImported, type RowRefused } from './import-targets';
import { validateUnit } from './validate-unit';

/** Longer than the worker's 120 s timeout: a live worker never loses its chunk; a dead one's is taken over after it. */
export const CHUNK_LEASE_MS = 150_000;
/** Progress is saved every this many records, so a retry resumes close to where the last attempt stopped. */
export const CHECKPOINT_EVERY = 20;

export interface ProcessChunkOptions {
  /** SQS ApproximateReceiveCount of the message, and the queue's maxReceiveCount: the last attempt marks the chunk failed. */
  receiveCount: number;
  maxReceives: number;
  publisher?: EventPublisher;
  now?: () => Date;
}

export type ChunkResult = { outcome: 'done'; checkpoint: ChunkCheckpoint } | { outcome: 'skipped'; state: string | undefined };

/**
 * Processes one chunk of an import: validates each record with the API's schemas, writes the good ones through the
 * same services as the API (source `import`), records each refused record's errors, and keeps the counters on the
 * chunk's own item. Idempotent: a duplicate delivery of a chunk being processed or done is skipped, a retry after a
 * crash resumes from the last checkpoint, and records written before the crash come out `unchanged` the second time.
 * An infrastructure error fails the message so SQS retries it; on the last attempt the chunk is marked failed.
 */
export async function processImportChunk(message: ImportChunkMessage, options: ProcessChunkOptions): Promise<ChunkResult> {
  const { tenantId, importId, chunk } = message;
  const clock = options.now ?? (() => new Date());
  const claim = await claimChunk(tenantId, importId, chunk, clock().getTime(), CHUNK_LEASE_MS);
  if (!claim.claimed) {
    logger.info('import chunk skipped', { importId, chunk, state: claim.state });
    return { outcome: 'skipped', state: claim.state };
  }
  const checkpoint: ChunkCheckpoint = { ...zeroCounters(), ...claim.checkpoint };
  const lastAttempt = options.receiveCount >= options.maxReceives;
  const units = message.units ?? (await loadStoredChunkUnits(tenantId, importId, chunk));
  const context = {
    tenantId,
    importId,
    actor: message.actor,
    publisher: options.publisher,
    ...(options.now ? { now: options.now } : {}),
  };

  try {
    for (let index = checkpoint.nextIndex; index < units.length; index++) {
      const unit = units[index]!;
      const validation = validateUnit(message.kind, message.format, unit);
      if (!validation.ok) {
        await putRowErrors(tenantId, importId, unit.row, validation.errors);
        checkpoint.failed += 1;
      } else {
        try {
          checkpoint[await upsertImported(context, validation.value)] += 1;
        } catch (error) {
          const refusal = refusalOf(error);
          // On the last attempt a record that keeps failing for an unknown reason is reported and skipped, so one
          // poison row cannot fail the rest of its chunk; on earlier attempts the error may be transient: retry.
          if (!refusal && !lastAttempt) throw error;
          if (!refusal) logger.error('import record failed on its last attempt', { error: error as Error, importId, row: unit.row });
          const rowError = refusal
            ? refusalError(message, unit, refusal)
            : { row: unit.row, field: 'row', message: 'Could not be imported because of an internal error; it has been logged' };
          await putRowErrors(tenantId, importId, unit.row, [rowError]);
          checkpoint.failed += 1;
        }
      }
      checkpoint.processed += 1;
      checkpoint.nextIndex = index + 1;
      if (checkpoint.nextIndex % CHECKPOINT_EVERY === 0 && checkpoint.nextIndex < units.length) {
        await saveChunkProgress(tenantId, importId, chunk, checkpoint, { leaseUntil: clock().getTime() + CHUNK_LEASE_MS });
      }
    }
  } catch (error) {
    logger.error('import chunk failed', { error: error as Error, importId, chunk, attempt: options.receiveCount, lastAttempt });
    await saveChunkProgress(
      tenantId,
      importId,
      chunk,
      checkpoint,
      lastAttempt ? { state: 'failed', reason: (error as Error).message } : { leaseUntil: 0 },
    ).catch(() => undefined);
    throw error;
  }
  await saveChunkProgress(tenantId, importId, chunk, checkpoint, { state: 'done' });
  logger.info('import chunk done', { importId, chunk, ...checkpoint });
  return { outcome: 'done', checkpoint };
}

function refusalError(message: ImportChunkMessage, unit: ImportUnit, refusal: RowRefused): RowFieldError {
  const path = refusal.field.split('.');
  const field = message.format === 'csv' ? (columnForPath(message.kind, path)?.column ?? refusal.field) : refusal.field;
  return { row: unit.row, field, message: refusal.message };
}
