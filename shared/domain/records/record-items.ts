/**
 * Pure builders of the stored items of customer records (and their readers), shared by the API services, the bulk
 * importer and the demo seeder (which builds items and aggregates in memory and batch-writes them). Keys come from
 * keys.ts only: every record lives in its customer's partition, `{KIND}#{id}`.
 */
import { keys, type UniqueKind } from '../../store/keys';
import type { Appointment } from './appointment';
import type { Layby } from './layby';
import type { Purchase } from './purchase';
import type { Repair } from './repair';

export type RecordKind = 'PURCHASE' | 'REPAIR' | 'LAYBY' | 'APPT';

export interface RecordTypes {
  PURCHASE: Purchase;
  REPAIR: Repair;
  LAYBY: Layby;
  APPT: Appointment;
}

const ITEM_TYPE: Record<RecordKind, string> = { PURCHASE: 'Purchase', REPAIR: 'Repair', LAYBY: 'Layby', APPT: 'Appointment' };

export const EXTERNAL_ID_KIND: Record<RecordKind, UniqueKind> = {
  PURCHASE: 'PURCHASE_EXT',
  REPAIR: 'REPAIR_EXT',
  LAYBY: 'LAYBY_EXT',
  APPT: 'APPT_EXT',
};

export function recordIdOf<K extends RecordKind>(kind: K, record: RecordTypes[K]): string {
  switch (kind) {
    case 'PURCHASE':
      return (record as Purchase).purchaseId;
    case 'REPAIR':
      return (record as Repair).repairId;
    case 'LAYBY':
      return (record as Layby).laybyId;
    default:
      return (record as Appointment).appointmentId;
  }
}

/** The stored item of a record: its key, item type and tenant, then the record itself. */
export function recordItem<K extends RecordKind>(tenantId: string, kind: K, record: RecordTypes[K]): Record<string, unknown> {
  return {
    ...keys.customerChild(tenantId, record.customerId, kind, recordIdOf(kind, record)),
    type: ITEM_TYPE[kind],
    tenantId,
    ...record,
  };
}

export const purchaseItem = (tenantId: string, purchase: Purchase) => recordItem(tenantId, 'PURCHASE', purchase);
export const repairItem = (tenantId: string, repair: Repair) => recordItem(tenantId, 'REPAIR', repair);
export const laybyItem = (tenantId: string, layby: Layby) => recordItem(tenantId, 'LAYBY', layby);
export const appointmentItem = (tenantId: string, appointment: Appointment) => recordItem(tenantId, 'APPT', appointment);

/** The record held by a stored item (keys and bookkeeping attributes dropped). */
export function recordFromItem<K extends RecordKind>(_kind: K, item: Record<string, unknown>): RecordTypes[K] {
  const { pk: _pk, sk: _sk, type: _type, tenantId: _tenantId, ...record } = item;
  return record as unknown as RecordTypes[K];
}

/** Claims a record's external id within the tenant; written with `attribute_not_exists(pk)`. */
export function externalIdGuardItem(tenantId: string, kind: RecordKind, externalId: string, customerId: string, recordId: string) {
  return {
    ...keys.unique(tenantId, EXTERNAL_ID_KIND[kind], externalId),
    type: 'UniqueGuard',
    kind: EXTERNAL_ID_KIND[kind],
    tenantId,
    customerId,
    recordId,
  };
}
