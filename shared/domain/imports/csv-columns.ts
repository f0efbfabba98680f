import * as cell from './cells';
import type { CellReader } from './cells';
import type { ImportKind } from './import-kinds';

/**
 * The CSV column layout of each import kind: which column fills which field of the record the API schema validates.
 * Column names are snake_case, matched case-insensitively; an empty cell leaves the field out (on an update it keeps
 * the value the customer already has). Purchases and lay-bys take one row per line item: rows sharing a
 * `group` id make one record, their `line` columns one entry each of `linesField`.
 */
export interface ColumnSpec {
  column: string;
  /** Where the value goes, inside the record or (for `line` columns) inside each line. */
  path: readonly string[];
  read: CellReader;
  line?: boolean;
  description: string;
}

export interface CsvLayout {
  columns: readonly ColumnSpec[];
  /** Columns every file of this kind must have. */
  required: readonly string[];
  /** Rows with the same value in this column are the lines of one record. */
  group?: { column: string; linesField: string };
}

const col = (column: string, path: string | readonly string[], read: CellReader, description: string): ColumnSpec => ({
  column,
  path: typeof path === 'string' ? [path] : path,
  read,
  description,
});
const line = (column: string, path: string, read: CellReader, description: string): ColumnSpec => ({
  ...col(column, path, read, description),
  line: true,
});

const customerExternalId = col('customer_external_id', 'customerExternalId', cell.text, "The customer's id in the POS (import customers first)");

export const CSV_LAYOUTS: Record<ImportKind, CsvLayout> = {
  customers: {
    required: ['external_id'],
    columns: [
      col('external_id', 'externalId', cell.text, "The customer's id in the POS; re-importing the same id updates that customer"),
      col('first_name', 'firstName', cell.text, 'First name'),
      col('last_name', 'lastName', cell.text, 'Last name (a first or last name is required)'),
      col('email', 'email', cell.text, 'Email address'),
      col('phone', 'phone', cell.text, 'Phone in international format, e.g. +61412345678'),
      col('address_line1', ['address', 'line1'], cell.text, 'Street address'),
      col('address_line2', ['address', 'line2'], cell.text, 'Street address, second line'),
      col('city', ['address', 'city'], cell.text, 'City or suburb'),
      col('state', ['address', 'state'], cell.text, 'State or region'),
      col('postcode', ['address', 'postcode'], cell.text, 'Postcode'),
      col('country', ['address', 'country'], cell.text, 'Two-letter country code, e.g. AU'),
      col('birthday', 'birthday', cell.monthDay, 'MM-DD, or YYYY-MM-DD when the year is known'),
      col('anniversary', 'anniversary', cell.monthDay, 'MM-DD, or YYYY-MM-DD when the year is known'),
      col('wedding_date', 'weddingDate', cell.date, 'YYYY-MM-DD'),
      col('tags', 'tags', cell.list, 'Separated by ; (or a vertical bar)'),
      col('categories', 'categories', cell.list, 'Separated by ; (or a vertical bar)'),
      col('status', 'status', cell.text, 'active, inactive, deceased or do_not_contact'),
      col('loyalty_member', ['loyalty', 'member'], cell.boolean, 'yes or no'),
      col('loyalty_tier', ['loyalty', 'tier'], cell.text, 'Loyalty tier name'),
      col('loyalty_joined', ['loyalty', 'joinedAt'], cell.date, 'YYYY-MM-DD'),
      col('customer_since', 'customerSince', cell.date, 'YYYY-MM-DD; defaults to the day of the import'),
      col('notes', 'notes', cell.text, 'Free text'),
      col('email_marketing', ['consent', 'email', 'marketing'], cell.consentStatus, 'granted or withdrawn (yes / no)'),
      col('sms_marketing', ['consent', 'sms', 'marketing'], cell.consentStatus, 'granted or withdrawn (yes / no)'),
      col('email_service', ['consent', 'email', 'service'], cell.consentStatus, 'granted or withdrawn; granted by default'),
      col('sms_service', ['consent', 'sms', 'service'], cell.consentStatus, 'granted or withdrawn; granted by default'),
    ],
  },
  purchases: {
    required: ['purchase_external_id', 'customer_external_id', 'amount'],
    group: { column: 'purchase_external_id', linesField: 'lines' },
    columns: [
      col('purchase_external_id', 'externalId', cell.text, "The sale's id in the POS; one row per line item, rows with the same id are one purchase"),
      customerExternalId,
      col('purchased_at', 'purchasedAt', cell.instant, 'YYYY-MM-DD (midday, tenant time zone), YYYY-MM-DD HH:mm, or ISO 8601 with offset'),
      col('store_location', 'storeLocation', cell.text, 'Store name'),
      line('department', 'department', cell.text, 'e.g. Engagement Rings, wedding_bands, watches'),
      line('metal', 'metal', cell.text, 'e.g. platinum, yellow gold; empty for none'),
      line('description', 'description', cell.text, 'Item description'),
      line('quantity', 'quantity', cell.integer, 'Whole number, default 1'),
      line('amount', 'amount', cell.money, 'What the customer paid for the line, in the currency (1250.00)'),
    ],
  },
  repairs: {
    required: ['external_id', 'customer_external_id'],
    columns: [
      col('external_id', 'externalId', cell.text, "The repair's id in the POS"),
      customerExternalId,
      col('item_description', 'itemDescription', cell.text, 'The item in for repair'),
      col('received_at', 'receivedAt', cell.instant, 'When it came in: YYYY-MM-DD, YYYY-MM-DD HH:mm or ISO 8601'),
      col('promised_date', 'promisedDate', cell.date, 'YYYY-MM-DD'),
      col('estimate', 'estimate', cell.money, 'Quoted price in the currency (85.00)'),
      col('notes', 'notes', cell.text, 'Free text'),
      col('status', 'status', cell.text, 'received, in_progress, ready, collected or cancelled (default received)'),
    ],
  },
  laybys: {
    required: ['external_id', 'customer_external_id', 'due_date', 'amount'],
    group: { column: 'external_id', linesField: 'items' },
    columns: [
      col('external_id', 'externalId', cell.text, "The lay-by's id in the POS; one row per item, rows with the same id are one lay-by"),
      customerExternalId,
      col('opened_at', 'openedAt', cell.instant, 'YYYY-MM-DD, YYYY-MM-DD HH:mm or ISO 8601'),
      col('due_date', 'dueDate', cell.date, 'YYYY-MM-DD'),
      col('paid', 'deposit', cell.money, 'Paid so far (deposit and payments), in the currency'),
      line('description', 'description', cell.text, 'Item description'),
      line('department', 'department', cell.text, 'Department'),
      line('metal', 'metal', cell.text, 'Metal'),
      line('amount', 'amount', cell.money, 'Price of the item, in the currency'),
    ],
  },
  appointments: {
    required: ['external_id', 'customer_external_id', 'starts_at'],
    columns: [
      col('external_id', 'externalId', cell.text, "The appointment's id in the POS"),
      customerExternalId,
      col('starts_at', 'startsAt', cell.instant, 'YYYY-MM-DD HH:mm (tenant time zone) or ISO 8601 with offset'),
      col('duration_minutes', 'durationMinutes', cell.integer, 'Default 30'),
      col('purpose', 'purpose', cell.text, 'e.g. ring sizing, valuation'),
      col('staff_id', 'staffId', cell.text, 'Staff member the customer will see'),
      col('notes', 'notes', cell.text, 'Free text'),
      col('status', 'status', cell.text, 'scheduled or cancelled (default scheduled)'),
    ],
  },
};

/**
 * The CSV column a field path of a record came from (`['lines', 2, 'amount']` → `amount`), for error messages that
 * name the column the user sees. Undefined when the path is not one column (a rule over several fields).
 */
export function columnForPath(kind: ImportKind, path: readonly PropertyKey[]): ColumnSpec | undefined {
  const layout = CSV_LAYOUTS[kind];
  const inLine = layout.group !== undefined && path[0] === layout.group.linesField && typeof path[1] === 'number';
  const fieldPath = inLine ? path.slice(2) : path;
  if (fieldPath.length === 0) return undefined;
  const candidates = layout.columns.filter((spec) => Boolean(spec.line) === inLine);
  const startsWith = (long: readonly PropertyKey[], short: readonly PropertyKey[]) => short.every((part, i) => long[i] === part);
  // The column whose field holds the path (`loyalty.member` for `loyalty.member`), else the only column under it.
  const holding = candidates.filter((spec) => startsWith(fieldPath, spec.path)).sort((a, b) => b.path.length - a.path.length);
  if (holding[0]) return holding[0];
  const under = candidates.filter((spec) => startsWith(spec.path, fieldPath));
  return under.length === 1 ? under[0] : undefined;
}
