/**
 * Repairs: create, edit the details, move through the workshop statuses. Status changes and new repairs update the
 * customer's repair counts in the same transaction and emit `repair.status_changed` (a new repair: from null).
 */
import { problems } from '../../http/problem';
import { isConditionFailure, UnitOfWork } from '../../store/unit-of-work';
import { aggregatesOf, type RepairStatus } from '../customers/aggregates';
import { loadCustomer } from '../customers/customer-repository';
import type { CreateOutcome } from './create-outcome';
import { clockOf, publisherOf, recordAudit, type RecordContext } from './record-context';
import { newRepair } from './record-factories';
import { allRecords, externalIdHolder, getRecord } from './record-store';
import { writeCustomerRecords } from './record-write';
import { putNewRecord, putRecordVersion } from './record-writes';
import { canTransitionRepair, REPAIR_TRANSITIONS, repairCounts, withRepairStatus, type Repair } from './repair';
import type { RepairCreate, RepairPatch } from './schemas';

export interface CreateRepairOptions {
  /** Imports may bring a repair that is already further along; the API always starts at `received`. */
  status?: RepairStatus;
}

export async function createRepair(
  context: RecordContext,
  customerId: string,
  input: RepairCreate,
  options: CreateRepairOptions = {},
): Promise<CreateOutcome<Repair>> {
  const { tenantId } = context;
  const now = clockOf(context).toISOString();
  const repair = newRepair(input, { customerId, actor: context.actor, source: context.source, now }, options.status);

  const { result } = await writeCustomerRecords<CreateOutcome<Repair>>({
    tenantId,
    customerId,
    publisher: publisherOf(context),
    plan: async (customer) => {
      if (repair.externalId !== undefined) {
        const holder = await externalIdHolder(tenantId, 'REPAIR', repair.externalId);
        if (holder) return { write: false, result: { outcome: 'duplicate', existing: holder } };
      }
      const repairs = await allRecords(tenantId, customerId, 'REPAIR');
      return {
        write: true,
        agg: { ...aggregatesOf(customer.agg), repairs: repairCounts([...repairs, repair]) },
        writes: (uow) => {
          putNewRecord(uow, tenantId, 'REPAIR', repair);
          uow.emit({
            type: 'repair.status_changed',
            tenantId,
            customerId,
            occurredAt: now,
            source: context.source,
            repairId: repair.repairId,
            from: null,
            to: repair.status,
          });
          uow.put(recordAudit(context, { action: 'created', entity: 'repair', entityId: repair.repairId }, now));
        },
        result: { outcome: 'created', record: repair },
      };
    },
  });
  return result;
}

/**
 * Moves a repair to its next status. A move the workflow does not allow is a 409 that says where the repair is and
 * where it can go from there.
 */
export async function changeRepairStatus(
  context: RecordContext,
  customerId: string,
  repairId: string,
  change: { status: RepairStatus; note?: string | undefined },
): Promise<Repair> {
  const { tenantId } = context;
  const now = clockOf(context).toISOString();

  const { result } = await writeCustomerRecords<Repair>({
    tenantId,
    customerId,
    publisher: publisherOf(context),
    plan: async (customer) => {
      const repairs = await allRecords(tenantId, customerId, 'REPAIR');
      const current = repairs.find((r) => r.repairId === repairId);
      if (!current) throw problems.notFound('Repair');
      if (!canTransitionRepair(current.status, change.status)) {
        const allowed = REPAIR_TRANSITIONS[current.status];
        throw problems.conflict(
          `The repair is ${current.status}; it cannot become ${change.status}` +
            (allowed.length ? ` (it can become ${allowed.join(' or ')}).` : ' (that status is final).'),
          { currentStatus: current.status, allowedStatuses: allowed },
        );
      }
      const next = withRepairStatus(current, {
        status: change.status,
        at: now,
        by: context.actor.staffId,
        ...(change.note === undefined ? {} : { note: change.note }),
      });
      const after = repairs.map((r) => (r.repairId === repairId ? next : r));
      return {
        write: true,
        agg: { ...aggregatesOf(customer.agg), repairs: repairCounts(after) },
        writes: (uow) => {
          putRecordVersion(uow, tenantId, 'REPAIR', next, current.version);
          uow.emit({
            type: 'repair.status_changed',
            tenantId,
            customerId,
            occurredAt: now,
            source: context.source,
            repairId,
            from: current.status,
            to: next.status,
          });
          uow.put(recordAudit(context, { action: 'updated', entity: 'repair', entityId: repairId, fields: ['status'] }, now));
        },
        result: next,
      };
    },
  });
  return result;
}

const EDIT_ATTEMPTS = 5;

/**
 * Edits a repair's details (description, promised date, estimate, notes). No aggregate depends on them, so the
 * customer item is not written; the repair's own version guards against a concurrent edit or status change.
 */
export async function updateRepair(context: RecordContext, customerId: string, repairId: string, patch: RepairPatch): Promise<Repair> {
  const { tenantId } = context;
  await loadCustomer(tenantId, customerId);
  for (let attempt = 1; ; attempt++) {
    const current = await getRecord(tenantId, customerId, 'REPAIR', repairId);
    if (!current) throw problems.notFound('Repair');
    const now = clockOf(context).toISOString();
    const next: Repair = { ...current, updatedAt: now, version: current.version + 1 };
    const fields: string[] = [];
    for (const field of ['itemDescription', 'promisedDate', 'estimate', 'notes'] as const) {
      const value = patch[field];
      if (value === undefined) continue;
      fields.push(field);
      if (value === null) delete next[field];
      else (next as Record<typeof field, unknown>)[field] = value;
    }
    const uow = new UnitOfWork(publisherOf(context));
    putRecordVersion(uow, tenantId, 'REPAIR', next, current.version);
    uow.put(recordAudit(context, { action: 'updated', entity: 'repair', entityId: repairId, fields }, now));
    try {
      await uow.commit();
      return next;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      if (attempt >= EDIT_ATTEMPTS) throw problems.conflict('The repair was changed by several people at once; please try again.');
    }
  }
}
