import { z } from 'zod';
import { zeroCounters, type ImportCounters } from './import-kinds';

export const IMPORT_STATUSES = ['queued', 'processing', 'completed', 'completed_with_errors', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
export const importStatusSchema = z.enum(IMPORT_STATUSES);

export type ChunkState = 'queued' | 'processing' | 'done' | 'failed';

export interface ChunkProgress extends ImportCounters {
  chunk: number;
  /** Records in the chunk. */
  rows: number;
  state: ChunkState;
}

export interface ImportTotals extends ImportCounters {
  rows: number;
}

/**
 * An import's status and totals, summed from its chunk items (each worker writes only its own chunk, so no counter is
 * ever a hot item). `failed` means that, once every chunk has finished, one could not be processed even after its
 * retries (the good rows of the others have landed), or that the file never fully reached the queue.
 */
export function summariseImport(
  job: { totalRows: number; chunkCount: number; enqueueFailed?: boolean },
  chunks: readonly ChunkProgress[],
): { status: ImportStatus; totals: ImportTotals; chunksDone: number } {
  const totals: ImportTotals = { rows: job.totalRows, ...zeroCounters() };
  let done = 0;
  let started = 0;
  let failedChunks = 0;
  for (const chunk of chunks) {
    totals.processed += chunk.processed;
    totals.created += chunk.created;
    totals.updated += chunk.updated;
    totals.unchanged += chunk.unchanged;
    totals.failed += chunk.failed;
    if (chunk.state === 'done') done += 1;
    if (chunk.state === 'failed') failedChunks += 1;
    if (chunk.state !== 'queued' || chunk.processed > 0) started += 1;
  }
  const finished = done + failedChunks === job.chunkCount;
  let status: ImportStatus;
  if (job.enqueueFailed) status = 'failed';
  else if (finished) status = failedChunks > 0 ? 'failed' : totals.failed > 0 ? 'completed_with_errors' : 'completed';
  else status = started > 0 ? 'processing' : 'queued';
  return { status, totals, chunksDone: done };
}
