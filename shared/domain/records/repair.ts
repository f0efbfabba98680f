/**
 * Repairs move through the workshop: received → in_progress → ready → collected, or are cancelled from any state that
 * is not final. The rules live here as data so the API, the importer and the docs agree on them.
 */
import { REPAIR_STATUSES, type RepairStatus } from '../customers/aggregates';
import type { RecordMeta } from './record-meta';

export { REPAIR_STATUSES, type RepairStatus };

export interface RepairStatusChange {
  status: RepairStatus;
  at: string;
  by: string;
  note?: string;
}

export interface Repair extends RecordMeta {
  repairId: string;
  customerId: string;
  itemDescription: string;
  status: RepairStatus;
  /** When the item came in (UTC ISO instant). */
  receivedAt: string;
  /** Date promised to the customer (YYYY-MM-DD). */
  promisedDate?: string;
  /** Quoted price in minor units. */
  estimate?: number;
  notes?: string;
  externalId?: string;
  /** Every status the repair has been in, oldest first. */
  history: RepairStatusChange[];
}

export const REPAIR_TRANSITIONS: Readonly<Record<RepairStatus, readonly RepairStatus[]>> = {
  received: ['in_progress', 'cancelled'],
  in_progress: ['ready', 'cancelled'],
  ready: ['collected', 'cancelled'],
  collected: [],
  cancelled: [],
};

export const isFinalRepairStatus = (status: RepairStatus) => REPAIR_TRANSITIONS[status].length === 0;

export function canTransitionRepair(from: RepairStatus, to: RepairStatus): boolean {
  return REPAIR_TRANSITIONS[from].includes(to);
}

/** The repair after a status change; the caller has checked `canTransitionRepair`. */
export function withRepairStatus(repair: Repair, change: RepairStatusChange): Repair {
  return {
    ...repair,
    status: change.status,
    history: [...repair.history, change],
    updatedAt: change.at,
    version: repair.version + 1,
  };
}

/** Repair counts by status, recomputed from the customer's repairs. */
export function repairCounts(repairs: readonly Pick<Repair, 'status'>[]): Record<RepairStatus, number> {
  const counts = Object.fromEntries(REPAIR_STATUSES.map((s) => [s, 0])) as Record<RepairStatus, number>;
  for (const repair of repairs) counts[repair.status] += 1;
  return counts;
}
