import type { FieldError } from '../../http/problem';
import type { CellContext } from './cells';
import { CSV_LAYOUTS, type ColumnSpec } from './csv-columns';
import { CsvSyntaxError, parseCsv } from './csv';
import type { ImportKind, ImportUnit, RowFieldError } from './import-kinds';

/** The file itself cannot be imported (not CSV, unknown or missing columns): a 400 before any row is queued. */
export class ImportFileInvalid extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => e.message).join('; '));
    this.name = 'ImportFileInvalid';
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (typeof next === 'object' && next !== null) node = next as Record<string, unknown>;
    else {
      const created: Record<string, unknown> = {};
      node[part] = created;
      node = created;
    }
  }
  node[path[path.length - 1]!] = value;
}

function readHeader(kind: ImportKind, header: readonly string[]): (ColumnSpec | undefined)[] {
  const layout = CSV_LAYOUTS[kind];
  const byName = new Map(layout.columns.map((spec) => [spec.column, spec]));
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const specs = header.map((raw) => {
    const name = raw.trim().toLowerCase();
    if (name === '') return undefined;
    if (seen.has(name)) errors.push({ path: 'body', message: `Column "${name}" appears twice in row 1` });
    seen.add(name);
    const spec = byName.get(name);
    if (!spec) {
      errors.push({
        path: 'body',
        message: `Unknown column "${name}" in row 1 for a ${kind} import; the columns are: ${layout.columns.map((c) => c.column).join(', ')}`,
      });
    }
    return spec;
  });
  for (const required of layout.required) {
    if (!seen.has(required)) errors.push({ path: 'body', message: `Row 1 must have a "${required}" column for a ${kind} import` });
  }
  if (errors.length > 0) throw new ImportFileInvalid(errors);
  return specs;
}

interface Draft {
  unit: ImportUnit;
  /** Record-level values and the row that set them, to catch rows of one purchase that disagree. */
  setBy: Map<string, { cell: string; row: number }>;
}

function newDraft(row: number, linesField: string | undefined): Draft {
  const unit: ImportUnit = { row, record: {} };
  if (linesField) {
    unit.lineRows = [];
    unit.record[linesField] = [];
  }
  return { unit, setBy: new Map() };
}

/**
 * Reads a CSV file of one import kind into import units: one per row, or for purchases and lay-bys one per group of
 * rows sharing an id (each row one line item). Empty cells are left out. Cells that cannot be read, and rows of one
 * group that disagree on a record-level column, become that row's errors; the rows are still queued, so every problem
 * of the file is reported at once while the good rows land.
 */
export function csvToUnits(text: string, kind: ImportKind, context: CellContext): ImportUnit[] {
  let table;
  try {
    table = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new ImportFileInvalid([{ path: 'body', message: error.message }]);
    throw error;
  }
  const specs = readHeader(kind, table.header);
  const layout = CSV_LAYOUTS[kind];
  const groupIndex = layout.group ? specs.findIndex((spec) => spec?.column === layout.group!.column) : -1;

  const drafts: Draft[] = [];
  const groups = new Map<string, Draft>();
  for (const record of table.records) {
    const groupId = groupIndex >= 0 ? record.fields[groupIndex]!.trim() : '';
    const draft: Draft = (groupId === '' ? undefined : groups.get(groupId)) ?? newDraft(record.row, layout.group?.linesField);
    if (draft.unit.row === record.row) {
      drafts.push(draft);
      if (groupId !== '') groups.set(groupId, draft);
    }
    const { unit } = draft;
    const lineValues: Record<string, unknown> = {};
    const errors: RowFieldError[] = [];
    record.fields.forEach((raw, i) => {
      const spec = specs[i];
      if (!spec || raw.trim() === '') return;
      if (!spec.line) {
        const earlier = draft.setBy.get(spec.column);
        if (earlier) {
          if (earlier.cell.trim() !== raw.trim()) {
            errors.push({ row: record.row, field: spec.column, message: `Differs from row ${earlier.row}, which has the same ${layout.group?.column}` });
          }
          return;
        }
        draft.setBy.set(spec.column, { cell: raw, row: record.row });
      }
      const read = spec.read(raw, context);
      if ('error' in read) {
        errors.push({ row: record.row, field: spec.column, message: read.error });
        return;
      }
      setPath(spec.line ? lineValues : unit.record, spec.path, read.value);
    });
    if (layout.group) {
      (unit.record[layout.group.linesField] as unknown[]).push(lineValues);
      unit.lineRows!.push(record.row);
    }
    if (errors.length > 0) unit.cellErrors = [...(unit.cellErrors ?? []), ...errors];
  }
  return drafts.map((draft) => draft.unit);
}

/** A JSON import is an array of records shaped like the API's create bodies; its rows are 1-based array positions. */
export function jsonToUnits(records: readonly Record<string, unknown>[]): ImportUnit[] {
  return records.map((record, index) => ({ row: index + 1, record }));
}
