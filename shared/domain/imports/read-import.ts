import type { ImportFormat, ImportKind, RowFieldError } from './import-kinds';
import { summariseImport, type ImportStatus, type ImportTotals } from './import-status';
import { listRowErrors, loadChunkProgress, loadImportJob } from './import-store';

export interface ImportView {
  importId: string;
  kind: ImportKind;
  format: ImportFormat;
  status: ImportStatus;
  createdAt: string;
  createdBy: string;
  totals: ImportTotals;
  chunks: { total: number; done: number };
  errors: { items: RowFieldError[]; nextCursor: string | null };
}

/** An import of this tenant with its progress and one page of row errors; undefined when there is none (404). */
export async function readImport(
  tenantId: string,
  importId: string,
  errorPage: { limit: number; cursor?: string | undefined },
): Promise<ImportView | undefined> {
  const job = await loadImportJob(tenantId, importId);
  if (!job) return undefined;
  const [chunks, errors] = await Promise.all([loadChunkProgress(tenantId, importId), listRowErrors(tenantId, importId, errorPage)]);
  const { status, totals, chunksDone } = summariseImport(job, chunks);
  return {
    importId: job.importId,
    kind: job.kind,
    format: job.format,
    status,
    createdAt: job.createdAt,
    createdBy: job.createdBy,
    totals,
    chunks: { total: job.chunkCount, done: chunksDone },
    errors,
  };
}
