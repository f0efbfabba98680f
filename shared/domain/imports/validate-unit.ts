import { z } from 'zod';
import { formatPath } from '../../http/problem';
import { REPAIR_STATUSES } from '../customers/aggregates';
import { customerCreateSchema, type CustomerCreate } from '../customers/customer-schema';
import {
  appointmentCreateSchema,
  laybyCreateSchema,
  purchaseCreateSchema,
  repairCreateSchema,
  type AppointmentCreate,
  type LaybyCreate,
  type PurchaseCreate,
  type RepairCreate,
} from '../records/schemas';
import { columnForPath } from './csv-columns';
import type { ImportFormat, ImportKind, ImportUnit, RowFieldError } from './import-kinds';

/**
 * Validates an import unit with the very schemas the API validates its create bodies with, plus the few fields only an
 * import has: the required `externalId` (what re-imports match on), `customerExternalId` (which customer a record
 * belongs to) and, for repairs and appointments, the current `status` in the POS.
 */
const externalIdField = z.string().trim().min(1, 'Required: imports match records on it').max(100);
const customerRef = z.string().trim().min(1, 'Required: the external id of an imported customer').max(100);

const importFields = {
  customers: z.object({}),
  purchases: z.object({ customerExternalId: customerRef }),
  repairs: z.object({ customerExternalId: customerRef, status: z.enum(REPAIR_STATUSES).default('received') }),
  laybys: z.object({ customerExternalId: customerRef }),
  appointments: z.object({ customerExternalId: customerRef, status: z.enum(['scheduled', 'cancelled']).default('scheduled') }),
} as const;

export type ValidImport =
  | { kind: 'customers'; externalId: string; input: CustomerCreate; provided: readonly string[] }
  | { kind: 'purchases'; externalId: string; customerExternalId: string; input: PurchaseCreate }
  | { kind: 'repairs'; externalId: string; customerExternalId: string; input: RepairCreate; status: (typeof REPAIR_STATUSES)[number] }
  | { kind: 'laybys'; externalId: string; customerExternalId: string; input: LaybyCreate }
  | { kind: 'appointments'; externalId: string; customerExternalId: string; input: AppointmentCreate; status: 'scheduled' | 'cancelled' };

export type Validation = { ok: true; value: ValidImport } | { ok: false; errors: RowFieldError[] };

const API_SCHEMAS = {
  customers: customerCreateSchema,
  purchases: purchaseCreateSchema,
  repairs: repairCreateSchema,
  laybys: laybyCreateSchema,
  appointments: appointmentCreateSchema,
} as const;

function issuesToRowErrors(
  kind: ImportKind,
  format: ImportFormat,
  unit: ImportUnit,
  issues: readonly z.core.$ZodIssue[],
  linesField: string,
): RowFieldError[] {
  return issues.map((issue) => {
    const path = issue.path;
    const lineIndex = path[0] === linesField && typeof path[1] === 'number' ? path[1] : undefined;
    const row = lineIndex !== undefined ? (unit.lineRows?.[lineIndex] ?? unit.row) : unit.row;
    const field = format === 'csv' ? (columnForPath(kind, path)?.column ?? formatPath(path)) : formatPath(path);
    return { row, field: field === '' ? 'row' : field, message: issue.message };
  });
}

export function validateUnit(kind: ImportKind, format: ImportFormat, unit: ImportUnit): Validation {
  const importOnly = new Set(Object.keys(importFields[kind].shape));
  const apiBody = Object.fromEntries(Object.entries(unit.record).filter(([key]) => !importOnly.has(key)));
  const importBody = Object.fromEntries(Object.entries(unit.record).filter(([key]) => importOnly.has(key)));
  const linesField = kind === 'laybys' ? 'items' : 'lines';
  const errors: RowFieldError[] = [];

  const api = API_SCHEMAS[kind].safeParse(apiBody);
  if (!api.success) errors.push(...issuesToRowErrors(kind, format, unit, api.error.issues, linesField));
  const extra = importFields[kind].safeParse(importBody);
  if (!extra.success) errors.push(...issuesToRowErrors(kind, format, unit, extra.error.issues, linesField));
  const externalId = externalIdField.safeParse(apiBody.externalId);
  if (!externalId.success && !errors.some((e) => e.field === fieldName(kind, format, 'externalId'))) {
    errors.push(...issuesToRowErrors(kind, format, unit, externalId.error.issues.map((i) => ({ ...i, path: ['externalId'] })), linesField));
  }

  // A cell that could not be read was left out of the record; its own message beats "required" for the same field.
  const cellErrors = unit.cellErrors ?? [];
  const reported = new Set(cellErrors.map((e) => `${e.row}|${e.field}`));
  const all = [...cellErrors, ...errors.filter((e) => !reported.has(`${e.row}|${e.field}`))];
  if (all.length > 0 || !api.success || !extra.success || !externalId.success) {
    return { ok: false, errors: dedupe(all) };
  }

  const ids = extra.data as { customerExternalId?: string; status?: string };
  switch (kind) {
    case 'customers':
      return {
        ok: true,
        value: { kind, externalId: externalId.data, input: api.data as CustomerCreate, provided: Object.keys(apiBody) },
      };
    case 'repairs':
      return {
        ok: true,
        value: {
          kind,
          externalId: externalId.data,
          customerExternalId: ids.customerExternalId!,
          input: api.data as RepairCreate,
          status: ids.status as (typeof REPAIR_STATUSES)[number],
        },
      };
    case 'appointments':
      return {
        ok: true,
        value: {
          kind,
          externalId: externalId.data,
          customerExternalId: ids.customerExternalId!,
          input: api.data as AppointmentCreate,
          status: ids.status as 'scheduled' | 'cancelled',
        },
      };
    case 'purchases':
      return { ok: true, value: { kind, externalId: externalId.data, customerExternalId: ids.customerExternalId!, input: api.data as PurchaseCreate } };
    case 'laybys':
      return { ok: true, value: { kind, externalId: externalId.data, customerExternalId: ids.customerExternalId!, input: api.data as LaybyCreate } };
  }
}

function fieldName(kind: ImportKind, format: ImportFormat, field: string): string {
  return format === 'csv' ? (columnForPath(kind, [field])?.column ?? field) : field;
}

/** One entry per row and field: `13-45` as a birthday breaks both month and day, which the user sees as one cell. */
function dedupe(errors: RowFieldError[]): RowFieldError[] {
  const byCell = new Map<string, RowFieldError>();
  for (const error of errors) {
    const key = `${error.row}|${error.field}`;
    const existing = byCell.get(key);
    if (!existing) byCell.set(key, { ...error });
    else if (!existing.message.split('; ').includes(error.message)) existing.message += `; ${error.message}`;
  }
  return [...byCell.values()];
}
