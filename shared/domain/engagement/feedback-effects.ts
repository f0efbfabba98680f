/**
 * What a hard bounce or a complaint does beyond the campaign's figures:
 *  - the address goes on the tenant's suppression list (reason `hard_bounce` or `complaint`, scope all messages), so
 *    nothing at all is sent to it again, whatever its consent says;
 *  - a complaint also withdraws the customer's email marketing consent (source `complaint`), through the customer
 *    book's consent change (history item, `consent.changed` event, audit entry).
 * Both are idempotent and run before the event is counted, so an event retried after a crash in between redoes them.
 * An address already on the list keeps its entry (a manual or erasure entry says more than a bounce).
 */
import { auditItem } from '../../audit/audit-entry';
import { ProblemError } from '../../http/problem';
import { logger } from '../../observability/logger';
import { isConditionFailure, UnitOfWork, type EventPublisher } from '../../store/unit-of-work';
import { changeConsent } from '../customers/customer-consent';
import type { SuppressionReason } from '../suppression/suppression-entry';
import { suppressionItem } from '../suppression/suppression-item';
import { suppressionFor } from '../suppression/suppression-repository';

const SYSTEM = (tenantId: string) => ({ tenantId, staffId: 'system', role: 'system' }) as const;

/** Adds the address unless it is listed already; true when this call added it. */
export async function suppressAddress(tenantId: string, address: string, reason: Extract<SuppressionReason, 'hard_bounce' | 'complaint'>, at: string): Promise<boolean> {
  const entry = suppressionFor(tenantId, 'email', address, reason, 'system', at);
  const uow = new UnitOfWork(undefined);
  uow.put(suppressionItem(entry), { expression: 'attribute_not_exists(pk)' });
  uow.put(auditItem(SYSTEM(tenantId), { action: 'created', entity: 'suppression', entityId: `email#${entry.addressHash}`, detail: reason }, at));
  try {
    await uow.commit();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Withdraws email marketing consent after a complaint; false when there was nothing to withdraw (or no customer). */
export async function withdrawAfterComplaint(tenantId: string, customerId: string, publisher: EventPublisher | undefined, now: Date): Promise<boolean> {
  try {
    const { transitions } = await changeConsent(SYSTEM(tenantId), customerId, { email: { marketing: 'withdrawn' } }, { publisher, consentSource: 'complaint', now });
    return transitions.length > 0;
  } catch (error) {
    // An erased or deleted customer gets nothing anyway; the address is suppressed all the same.
    if (error instanceof ProblemError && error.status === 404) {
      logger.info('complaint for a customer no longer in the book', { tenantId, customerId });
      return false;
    }
    throw error;
  }
}
