import { z } from 'zod';

/** What one import request carries: one kind of record per request (import customers first, then their records). */
export const IMPORT_KINDS = ['customers', 'purchases', 'repairs', 'laybys', 'appointments'] as const;
export const importKindSchema = z.enum(IMPORT_KINDS);
export type ImportKind = z.infer<typeof importKindSchema>;

export type ImportFormat = 'csv' | 'json';

/**
 * One record to import, before validation: a customer, or a purchase with all its lines. `row` is where it is in the
 * file (CSV: the spreadsheet row, header = row 1; JSON: 1-based position in the array); a purchase or lay-by read from
 * CSV spans several rows, one per line, listed in `lineRows`.
 */
export interface ImportUnit {
  row: number;
  lineRows?: number[];
  record: Record<string, unknown>;
  /** CSV cells that could not be read (a date or amount that is not one); reported with the validation errors. */
  cellErrors?: RowFieldError[];
}

/** One problem with one field of one row: what `GET /v1/imports/{id}` lists. */
export interface RowFieldError {
  row: number;
  /** CSV: the column name; JSON: the path inside the record (`lines[0].amount`). */
  field: string;
  message: string;
}

/** The outcome counters of a chunk; an import's totals are the sum over its chunks. */
export interface ImportCounters {
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
}

export const zeroCounters = (): ImportCounters => ({ processed: 0, created: 0, updated: 0, unchanged: 0, failed: 0 });
