import { z } from 'zod';
import { roleSchema } from '../../auth/roles';
import { importKindSchema } from './import-kinds';

/**
 * The body of one message on the imports queue: one chunk of one import. The chunk's units travel in the message when
 * they fit (SQS allows 256 KB); otherwise they wait in the table (`keys.importChunkRows`) and the message says how many
 * parts to read.
 */
export const INLINE_MESSAGE_BYTES = 240 * 1024;
/** Largest stored part of a chunk: under DynamoDB's 400 KB item limit with room for the keys. */
export const STORED_PART_BYTES = 300 * 1024;

const rowErrorSchema = z.object({ row: z.number().int(), field: z.string(), message: z.string() });

export const importUnitSchema = z.object({
  row: z.number().int().min(1),
  lineRows: z.array(z.number().int()).optional(),
  record: z.record(z.string(), z.unknown()),
  cellErrors: z.array(rowErrorSchema).optional(),
});

export const importChunkMessageSchema = z.object({
  tenantId: z.string().min(1),
  importId: z.string().min(1),
  kind: importKindSchema,
  format: z.enum(['csv', 'json']),
  chunk: z.number().int().min(0),
  /** The staff member who started the import: imported records and audit entries are theirs. */
  actor: z.object({ tenantId: z.string(), staffId: z.string(), role: roleSchema }),
  units: z.array(importUnitSchema).optional(),
  storedParts: z.number().int().min(1).optional(),
});
export type ImportChunkMessage = z.infer<typeof importChunkMessageSchema>;
