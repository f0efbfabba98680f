import type { Principal } from '../../auth/roles';

/** Bookkeeping every record (purchase, repair, lay-by, appointment) carries. */
export type RecordSource = 'api' | 'import' | 'system';

export interface RecordMeta {
  createdAt: string;
  /** Staff id of whoever recorded it (`system` for imports started by the system). */
  createdBy: string;
  updatedAt: string;
  /** Where the record came from; imported records never trigger automations. */
  source: RecordSource;
  /** Optimistic-concurrency guard of the record item: every change is conditional on the version it read. */
  version: number;
}

/** The actor of a write: a staff member (from the authorizer) or the system (imports, seeding). */
export type RecordActor = Principal | SystemActor;
export interface SystemActor {
  tenantId: string;
  staffId: 'system';
  role: 'system';
}

export function newRecordMeta(actor: RecordActor, source: RecordSource, now: string): RecordMeta {
  return { createdAt: now, createdBy: actor.staffId, updatedAt: now, source, version: 1 };
}
