import { z } from 'zod';
import { defineRoute } from '../../http/contract';
import { IMPORT_KINDS, importKindSchema } from '../../domain/imports/import-kinds';
import { importStatusSchema } from '../../domain/imports/import-status';
import { isoDateTime, pageQuery, problemResponses } from '../common';

/**
 * Bulk import from the POS: one kind of record per request, CSV or JSON, up to 5 MB, processed in chunks through SQS.
 * The CSV columns of each kind are defined in shared/domain/imports/csv-columns.ts and listed in its README.md.
 */
export const IMPORT_BODY_LIMIT = 5 * 1024 * 1024;

const importLinks = z.object({ self: z.string().describe('Where to follow the import: `GET` it for status and errors') });

export const importAcceptedSchema = z
  .object({
    importId: z.string(),
    status: importStatusSchema,
    kind: importKindSchema,
    rows: z.number().int().describe('Records read from the file (a purchase spanning three CSV rows is one record)'),
    links: importLinks,
  })
  .meta({ id: 'ImportAccepted' });

const rowErrorSchema = z
  .object({
    row: z.number().int().describe('CSV: spreadsheet row, the header being row 1. JSON: 1-based position in the array'),
    field: z.string().describe('CSV: the column name. JSON: the path inside the record, e.g. `lines[0].amount`'),
    message: z.string(),
  })
  .meta({ id: 'ImportRowError' });

export const importSchema = z
  .object({
    importId: z.string(),
    kind: importKindSchema,
    format: z.enum(['csv', 'json']),
    status: importStatusSchema.describe(
      '`completed_with_errors`: every row was tried and some were refused (see `errors`); `failed`: part of the file could not be processed',
    ),
    createdAt: isoDateTime,
    createdBy: z.string().describe('Staff id of whoever sent the file'),
    totals: z.object({
      rows: z.number().int(),
      processed: z.number().int(),
      created: z.number().int(),
      updated: z.number().int(),
      unchanged: z.number().int().describe('Rows identical to what an earlier import stored: nothing was written'),
      failed: z.number().int(),
    }),
    chunks: z.object({ total: z.number().int(), done: z.number().int() }),
    errors: z.object({
      items: z.array(rowErrorSchema).describe('In row order; one row may have several'),
      nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page of errors'),
    }),
    links: importLinks,
  })
  .meta({ id: 'Import' });

export const startImportRoute = defineRoute({
  id: 'startImport',
  method: 'POST',
  path: '/v1/imports',
  summary: 'Import customers, purchases, repairs, lay-bys or appointments from the POS',
  description: [
    `Send one kind of record per request (\`kind\`: ${IMPORT_KINDS.join(', ')}) as \`text/csv\` or as an \`application/json\``,
    'array of records shaped like the create bodies of the API plus `externalId` (required: re-imports match on it) and,',
    'for records, `customerExternalId`. Import customers before their records. CSV amounts are in the currency (`1250.00`),',
    'JSON amounts in minor units as everywhere in the API. Purchases and lay-bys in CSV take one row per line item, grouped',
    'by `purchase_external_id` / `external_id`. The file is checked for its shape (columns, CSV syntax) here; rows are',
    'validated while the import runs and every refused row is reported with its row, field and message while the good',
    'rows land. Re-sending the same file changes nothing. Imported records never trigger automations. Owner or manager.',
  ].join(' '),
  tag: 'Imports',
  auth: 'staff',
  writers: 'imports',
  action: 'import records',
  query: z.object({ kind: importKindSchema }),
  body: z.array(z.record(z.string(), z.unknown())).min(1, 'Send at least one record').meta({ id: 'ImportRecords' }),
  accepts: ['text/csv'],
  bodyLimitBytes: IMPORT_BODY_LIMIT,
  responses: {
    202: { description: 'Accepted and queued; follow `links.self`', schema: importAcceptedSchema },
    ...problemResponses,
  },
});

export const getImportRoute = defineRoute({
  id: 'getImport',
  method: 'GET',
  path: '/v1/imports/{importId}',
  summary: 'Progress, totals and row errors of an import',
  description: 'Totals are summed over the chunks processed so far. `limit` and `cursor` page through the row errors.',
  tag: 'Imports',
  auth: 'staff',
  params: z.object({ importId: z.string().min(1).max(64) }),
  query: pageQuery,
  responses: { 200: { description: 'The import', schema: importSchema }, ...problemResponses },
});

export const importRoutes = [startImportRoute, getImportRoute] as const;
