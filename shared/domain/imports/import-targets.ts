import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '../../auth/roles';
import { env } from '../../config/env';
import { ProblemError } from '../../http/problem';
import { documentClient } from '../../store/dynamo';
import type { EventPublisher } from '../../store/unit-of-work';
import { changeConsent } from '../customers/customer-consent';
import { createCustomer, updateCustomer } from '../customers/customer-repository';
import type { CustomerPatch } from '../customers/customer-schema';
import { guardKey } from '../customers/uniqueness';
import { cancelAppointment, createAppointment, updateAppointment } from '../records/appointment-service';
import type { CreateOutcome } from '../records/create-outcome';
import { createLayby, recordLaybyPayment } from '../records/layby-service';
import { recordPurchase } from '../records/purchase-service';
import type { RecordContext } from '../records/record-context';
import type { RecordKind } from '../records/record-items';
import { externalIdHolder, getRecord } from '../records/record-store';
import { REPAIR_TRANSITIONS, type RepairStatus } from '../records/repair';
import { changeRepairStatus, createRepair, updateRepair } from '../records/repair-service';
import { importFingerprint } from './fingerprint';
import { readFingerprint, writeFingerprint } from './import-fingerprints';
import type { ImportKind } from './import-kinds';
import type { ValidImport } from './validate-unit';

/**
 * Writes one validated import record through the same services the API uses (with `source: 'import'`, so its events
 * never trigger automations), matched on its external id:
 *  - not there yet: created;
 *  - there, and its fingerprint equals this content: nothing is written (`unchanged`), so a re-run file is a no-op;
 *  - there with other content: changed as far as the POS can change it (customer fields and consent, a repair's
 *    status and details, an appointment's time or cancellation, a lay-by's further payments); a recorded purchase, or
 *    a lay-by's items, are never rewritten by an import and such a row is refused;
 *  - there without a fingerprint (entered through the API, or the run that created it stopped before writing the
 *    fingerprint): a customer is updated; a record is adopted as it is.
 */
export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

export interface ImportWriteContext {
  tenantId: string;
  importId: string;
  actor: Principal;
  publisher?: EventPublisher | undefined;
  now?: () => Date;
}

/** A row the business rules refuse; `field` is the record path it is about (mapped to the CSV column for CSV files). */
export class RowRefused extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'RowRefused';
  }
}

/** A service's 4xx refusal (taken email, 409 transition, ...) becomes the row's error, pointing at its field. */
export function refusalOf(error: unknown): RowRefused | undefined {
  if (error instanceof RowRefused) return error;
  if (error instanceof ProblemError && error.status >= 400 && error.status < 500) {
    const first = error.extensions.errors?.[0];
    return new RowRefused(first ? first.path.replace(/^body\./, '') : 'row', error.detail ?? error.title);
  }
  return undefined;
}

export async function upsertImported(context: ImportWriteContext, valid: ValidImport): Promise<UpsertOutcome> {
  const hash = importFingerprint(context.tenantId, valid.kind, valid);
  switch (valid.kind) {
    case 'customers':
      return upsertCustomer(context, valid, hash);
    case 'purchases':
      return upsertRecord(context, valid, hash, 'PURCHASE', (records, customerId) => recordPurchase(records, customerId, valid.input), refuseChange('purchase'));
    case 'laybys':
      return upsertRecord(context, valid, hash, 'LAYBY', (records, customerId) => createLayby(records, customerId, valid.input), (records, holder) =>
        addLaybyPayments(records, holder, valid),
      );
    case 'repairs':
      return upsertRecord(
        context,
        valid,
        hash,
        'REPAIR',
        async (records, customerId) => {
          const outcome = await createRepair(records, customerId, valid.input);
          if (outcome.outcome === 'created' && valid.status !== 'received') {
            await moveRepair(records, customerId, outcome.record.repairId, 'received', valid.status);
          }
          return outcome;
        },
        (records, holder) => updateImportedRepair(records, holder, valid),
      );
    case 'appointments':
      return upsertRecord(
        context,
        valid,
        hash,
        'APPT',
        async (records, customerId) => {
          const outcome = await createAppointment(records, customerId, valid.input);
          if (outcome.outcome === 'created' && valid.status === 'cancelled') {
            await cancelAppointment(records, customerId, outcome.record.appointmentId);
          }
          return outcome;
        },
        (records, holder) => updateImportedAppointment(records, holder, valid),
      );
  }
}

const nowOf = (context: ImportWriteContext) => (context.now?.() ?? new Date()).toISOString();

async function customerIdByExternalId(tenantId: string, externalId: string): Promise<string | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: env.tableName(), Key: guardKey(tenantId, 'externalId', externalId), ConsistentRead: true }),
  );
  return Item?.customerId as string | undefined;
}

// ---------------------------------------------------------------------------------------------------------------------
// Customers

/** Customer fields an import may change; consent goes through changeConsent so its history is kept. */
const PATCHABLE = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'address',
  'birthday',
  'anniversary',
  'weddingDate',
  'tags',
  'status',
  'categories',
  'loyalty',
  'customerSince',
  'notes',
] as const;

async function upsertCustomer(context: ImportWriteContext, valid: Extract<ValidImport, { kind: 'customers' }>, hash: string): Promise<UpsertOutcome> {
  const writeOptions = { publisher: context.publisher, source: 'import' as const };
  const provided = new Set(valid.provided);
  for (let attempt = 1; ; attempt++) {
    const existingId = await customerIdByExternalId(context.tenantId, valid.externalId);
    if (existingId === undefined) {
      try {
        const created = await createCustomer(context.actor, valid.input, writeOptions);
        await writeFingerprint(context.tenantId, created.customerId, 'customers', created.customerId, { hash, importId: context.importId, at: nowOf(context) });
        return 'created';
      } catch (error) {
        // Another chunk of the same file created this external id a moment ago: update that customer instead.
        const takenExternalId = error instanceof ProblemError && error.status === 409 && /external id/.test(error.detail ?? '');
        if (takenExternalId && attempt < 3) continue;
        throw error;
      }
    }
    if ((await readFingerprint(context.tenantId, existingId, 'customers', existingId)) === hash) return 'unchanged';
    const patch: CustomerPatch = {};
    for (const field of PATCHABLE) {
      if (provided.has(field)) (patch as Record<string, unknown>)[field] = valid.input[field];
    }
    if (Object.keys(patch).length > 0) await updateCustomer(context.actor, existingId, patch, writeOptions);
    if (provided.has('consent') && valid.input.consent) {
      await changeConsent(context.actor, existingId, valid.input.consent, { ...writeOptions, consentSource: 'import' });
    }
    await writeFingerprint(context.tenantId, existingId, 'customers', existingId, { hash, importId: context.importId, at: nowOf(context) });
    return 'updated';
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Records

type RecordImport = Exclude<ValidImport, { kind: 'customers' }>;
type Holder = { customerId: string; recordId: string };

async function upsertRecord(
  context: ImportWriteContext,
  valid: RecordImport,
  hash: string,
  recordKind: RecordKind,
  create: (records: RecordContext, customerId: string) => Promise<CreateOutcome<unknown>>,
  change: (records: RecordContext, holder: Holder) => Promise<void>,
): Promise<UpsertOutcome> {
  const customerId = await customerIdByExternalId(context.tenantId, valid.customerExternalId);
  if (customerId === undefined) {
    throw new RowRefused('customerExternalId', 'No customer has this external id; import the customers first');
  }
  const records: RecordContext = {
    tenantId: context.tenantId,
    actor: context.actor,
    source: 'import',
    ...(context.publisher ? { publisher: context.publisher } : {}),
    ...(context.now ? { now: context.now } : {}),
  };
  const fingerprint = (holder: Holder) =>
    writeFingerprint(context.tenantId, holder.customerId, valid.kind, holder.recordId, { hash, importId: context.importId, at: nowOf(context) });

  let holder = await externalIdHolder(context.tenantId, recordKind, valid.externalId);
  if (!holder) {
    const outcome = await create(records, customerId);
    if (outcome.outcome === 'created') {
      holder = { customerId, recordId: recordIdOf(outcome.record) };
      await fingerprint(holder);
      return 'created';
    }
    holder = outcome.existing;
  }
  if (holder.customerId !== customerId) {
    throw new RowRefused('customerExternalId', `This ${recordName(valid.kind)} is already recorded for another customer`);
  }
  const previous = await readFingerprint(context.tenantId, holder.customerId, valid.kind, holder.recordId);
  if (previous === hash) return 'unchanged';
  if (previous === undefined) {
    await fingerprint(holder);
    return 'unchanged';
  }
  await change(records, holder);
  await fingerprint(holder);
  return 'updated';
}

function recordIdOf(record: unknown): string {
  const r = record as { purchaseId?: string; repairId?: string; laybyId?: string; appointmentId?: string };
  const id = r.purchaseId ?? r.repairId ?? r.laybyId ?? r.appointmentId;
  if (id === undefined) throw new Error('A created record has no id');
  return id;
}

const recordName = (kind: ImportKind) =>
  ({ customers: 'customer', purchases: 'purchase', repairs: 'repair', laybys: 'lay-by', appointments: 'appointment' })[kind];

function refuseChange(what: string) {
  return async (): Promise<void> => {
    throw new RowRefused('externalId', `This ${what} was imported before with other content; an import never changes a recorded ${what} (refund it through the API)`);
  };
}

/** The statuses between two, following the workshop's transitions (received → in_progress → ready → collected). */
export function repairPath(from: RepairStatus, to: RepairStatus): RepairStatus[] | undefined {
  const queue: RepairStatus[][] = [[from]];
  while (queue.length > 0) {
    const path = queue.shift()!;
    const last = path[path.length - 1]!;
    if (last === to) return path.slice(1);
    for (const next of REPAIR_TRANSITIONS[last]) if (!path.includes(next)) queue.push([...path, next]);
  }
  return undefined;
}

async function moveRepair(records: RecordContext, customerId: string, repairId: string, from: RepairStatus, to: RepairStatus): Promise<void> {
  const steps = repairPath(from, to);
  if (!steps) throw new RowRefused('status', `The repair is ${from}; it cannot become ${to}`);
  for (const status of steps) await changeRepairStatus(records, customerId, repairId, { status, note: 'import' });
}

async function updateImportedRepair(records: RecordContext, holder: Holder, valid: Extract<ValidImport, { kind: 'repairs' }>): Promise<void> {
  const current = await getRecord(records.tenantId, holder.customerId, 'REPAIR', holder.recordId);
  if (!current) throw new RowRefused('externalId', 'The repair with this external id no longer exists');
  const input = valid.input;
  const patch = {
    ...(input.itemDescription !== current.itemDescription ? { itemDescription: input.itemDescription } : {}),
    ...(input.promisedDate !== current.promisedDate ? { promisedDate: input.promisedDate ?? null } : {}),
    ...(input.estimate !== current.estimate ? { estimate: input.estimate ?? null } : {}),
    ...(input.notes !== current.notes ? { notes: input.notes ?? null } : {}),
  };
  if (Object.keys(patch).length > 0) await updateRepair(records, holder.customerId, holder.recordId, patch);
  if (valid.status !== current.status) await moveRepair(records, holder.customerId, holder.recordId, current.status, valid.status);
}

async function updateImportedAppointment(
  records: RecordContext,
  holder: Holder,
  valid: Extract<ValidImport, { kind: 'appointments' }>,
): Promise<void> {
  const current = await getRecord(records.tenantId, holder.customerId, 'APPT', holder.recordId);
  if (!current) throw new RowRefused('externalId', 'The appointment with this external id no longer exists');
  if (current.status === 'cancelled') {
    throw new RowRefused('status', 'The appointment is cancelled; a cancelled appointment cannot be changed');
  }
  const input = valid.input;
  const patch = {
    ...(input.startsAt !== current.startsAt ? { startsAt: input.startsAt } : {}),
    ...(input.durationMinutes !== current.durationMinutes ? { durationMinutes: input.durationMinutes } : {}),
    ...(input.purpose !== current.purpose ? { purpose: input.purpose } : {}),
    ...(input.staffId !== current.staffId ? { staffId: input.staffId ?? null } : {}),
    ...(input.notes !== current.notes ? { notes: input.notes ?? null } : {}),
  };
  if (Object.keys(patch).length > 0) await updateAppointment(records, holder.customerId, holder.recordId, patch);
  if (valid.status === 'cancelled') await cancelAppointment(records, holder.customerId, holder.recordId);
}

/** A lay-by row whose "paid so far" grew means payments were made in the POS: record the difference as one payment. */
async function addLaybyPayments(records: RecordContext, holder: Holder, valid: Extract<ValidImport, { kind: 'laybys' }>): Promise<void> {
  const current = await getRecord(records.tenantId, holder.customerId, 'LAYBY', holder.recordId);
  if (!current) throw new RowRefused('externalId', 'The lay-by with this external id no longer exists');
  const total = valid.input.items.reduce((sum, item) => sum + item.amount, 0);
  if (total !== current.total) {
    throw new RowRefused('externalId', 'This lay-by was imported before with other items; an import only adds payments to a lay-by');
  }
  const paidNow = valid.input.deposit;
  if (paidNow < current.paid) {
    throw new RowRefused('deposit', `The lay-by already has ${current.paid} paid; an import cannot take payments away`);
  }
  if (paidNow > current.paid) {
    await recordLaybyPayment(records, holder.customerId, holder.recordId, { amount: paidNow - current.paid, method: 'import' });
  }
}
