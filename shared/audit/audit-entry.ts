import type { Principal } from '../auth/roles';
import { newId } from '../ids';
import { keys } from '../store/keys';

export type AuditAction =
  | 'created'
  | 'updated'
  | 'deleted'
  | 'sent'
  | 'erased'
  | 'exported'
  | 'consent_changed'
  | 'imported'
  | 'key_created'
  | 'key_revoked'
  | 'settings_changed';

export interface AuditInput {
  action: AuditAction;
  /** What was touched: `customer`, `purchase`, `settings`, `staff`, `campaign`, ... */
  entity: string;
  entityId: string;
  /** Names of the fields that changed, never their values (no PII in the audit trail). */
  fields?: string[];
  detail?: string;
}

/** Audit items are written in the same transaction as the change they describe (see UnitOfWork.put). */
export function auditItem(actor: Principal | { tenantId: string; staffId: 'system'; role: 'system' }, input: AuditInput, at = new Date().toISOString()) {
  const id = newId();
  return {
    ...keys.audit(actor.tenantId, at, id),
    type: 'AuditEntry',
    auditId: id,
    at,
    tenantId: actor.tenantId,
    actorStaffId: actor.staffId,
    actorRole: actor.role,
    ...input,
  };
}
