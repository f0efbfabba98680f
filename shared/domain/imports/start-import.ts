import type { Principal } from '../../auth/roles';
import { ProblemError, problems } from '../../http/problem';
import { newId } from '../../ids';
import { logger } from '../../observability/logger';
import { loadTenantSettings } from '../tenants/tenant-repository';
import { chunkUnits, splitBySize, unitBytes } from './chunking';
import { ImportFileInvalid, csvToUnits, jsonToUnits } from './csv-to-units';
import type { ImportKind, ImportUnit } from './import-kinds';
import { INLINE_MESSAGE_BYTES, STORED_PART_BYTES, type ImportChunkMessage } from './import-message';
import { enqueueChunks } from './import-queue';
import { createImportJob, markEnqueueFailed, type ImportJob } from './import-store';

export type ImportFile = { format: 'csv'; text: string } | { format: 'json'; records: readonly Record<string, unknown>[] };

/**
 * Accepts an import: reads the file into records, splits them into chunks, stores the job and its chunk items and puts
 * one message per chunk on the imports queue. Rows are validated by the worker, so one bad row never blocks the file;
 * only a file that cannot be read at all (not CSV, unknown columns, no rows) is refused here with a 400.
 */
export async function startImport(principal: Principal, kind: ImportKind, file: ImportFile, now = new Date()): Promise<ImportJob> {
  const units = await readUnits(principal.tenantId, kind, file);
  if (units.length === 0) throw problems.validation([{ path: 'body', message: 'The file has no records to import' }]);
  const oversized = units.find((unit) => unitBytes(unit) > STORED_PART_BYTES);
  if (oversized) {
    throw problems.validation([{ path: 'body', message: `Row ${oversized.row} is larger than ${STORED_PART_BYTES / 1024} KB` }]);
  }

  const job: ImportJob = {
    importId: newId(now.getTime()),
    tenantId: principal.tenantId,
    kind,
    format: file.format,
    totalRows: units.length,
    chunkCount: 0,
    createdAt: now.toISOString(),
    createdBy: principal.staffId,
  };
  const chunks = chunkUnits(units);
  job.chunkCount = chunks.length;

  const messages: ImportChunkMessage[] = [];
  const chunkItems = chunks.map((chunkUnitsOfChunk, chunk) => {
    const base = {
      tenantId: job.tenantId,
      importId: job.importId,
      kind,
      format: file.format,
      chunk,
      actor: { tenantId: principal.tenantId, staffId: principal.staffId, role: principal.role },
    };
    const inline: ImportChunkMessage = { ...base, units: chunkUnitsOfChunk };
    if (Buffer.byteLength(JSON.stringify(inline), 'utf8') <= INLINE_MESSAGE_BYTES) {
      messages.push(inline);
      return { chunk, rows: chunkUnitsOfChunk.length };
    }
    const storedParts = splitBySize(chunkUnitsOfChunk, STORED_PART_BYTES);
    messages.push({ ...base, storedParts: storedParts.length });
    return { chunk, rows: chunkUnitsOfChunk.length, storedParts };
  });

  await createImportJob(principal, job, chunkItems);
  try {
    await enqueueChunks(messages);
  } catch (error) {
    logger.error('import could not be queued', { error: error as Error, importId: job.importId });
    await markEnqueueFailed(job.tenantId, job.importId).catch(() => undefined);
    throw new ProblemError(503, 'Service unavailable', 'The import could not be queued. Please send the file again.');
  }
  logger.info('import queued', { importId: job.importId, kind, records: job.totalRows, chunks: job.chunkCount });
  return job;
}

async function readUnits(tenantId: string, kind: ImportKind, file: ImportFile): Promise<ImportUnit[]> {
  if (file.format === 'json') return jsonToUnits(file.records);
  const { timeZone, currency } = await loadTenantSettings(tenantId);
  try {
    return csvToUnits(file.text, kind, { timeZone, currency });
  } catch (error) {
    if (error instanceof ImportFileInvalid) throw problems.validation(error.errors, 'The file cannot be imported.');
    throw error;
  }
}
