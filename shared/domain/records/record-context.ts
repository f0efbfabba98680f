/**
 * What every records service call takes: who writes for which tenant, and where the change comes from. The HTTP
 * handler passes `source: 'api'`; the bulk importer passes `source: 'import'` (its events never trigger automations).
 */
import { auditItem, type AuditInput } from '../../audit/audit-entry';
import { eventPublisher } from '../../events/publisher';
import type { EventPublisher } from '../../store/unit-of-work';
import { loadTenantSettings } from '../tenants/tenant-repository';
import type { RecordActor, RecordSource } from './record-meta';

export interface RecordContext {
  tenantId: string;
  actor: RecordActor;
  source: RecordSource;
  /** Publishes events after the commit; defaults to the domain-events queue (the outbox covers a failed publish). */
  publisher?: EventPublisher;
  /** Clock (tests, seeding). */
  now?: () => Date;
}

export const publisherOf = (context: RecordContext): EventPublisher => context.publisher ?? eventPublisher;
export const clockOf = (context: RecordContext): Date => context.now?.() ?? new Date();

/** The tenant's IANA time zone: months of purchases, "today" of lay-bys. */
export async function tenantTimeZone(tenantId: string): Promise<string> {
  return (await loadTenantSettings(tenantId)).timeZone;
}

export function recordAudit(context: RecordContext, input: AuditInput, at: string) {
  return auditItem(context.actor, input, at);
}
