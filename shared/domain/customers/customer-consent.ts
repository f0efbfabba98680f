import { auditItem } from '../../audit/audit-entry';
import { applyConsent, type ConsentRequest, type ConsentSource, type ConsentTransition } from './consent';
import { consentChangedEvent, consentHistoryItem } from './consent-history';
import type { CustomerItem } from './customer-item';
import type { CustomerActor, WriteOptions } from './customer-repository';
import { mutateCustomer } from './mutate-customer';

/**
 * Changes a customer's consent: the current state on the customer item, one history item and one `consent.changed`
 * event per actual transition, and an audit entry naming the slots that changed, in one transaction. Asking for the
 * status a slot already has writes nothing (so a repeated unsubscribe is a no-op).
 *
 * Staff changes come through `PUT /consent` (source `staff`); the unsubscribe endpoint and the complaint handler call
 * this with a system actor and source `unsubscribe` / `complaint`.
 */
export async function changeConsent(
  actor: CustomerActor,
  customerId: string,
  request: ConsentRequest,
  options: WriteOptions & { consentSource?: ConsentSource },
): Promise<{ customer: CustomerItem; transitions: ConsentTransition[] }> {
  const at = (options.now ?? new Date()).toISOString();
  const context = {
    at,
    source: options.consentSource ?? 'staff',
    ...(actor.role === 'system' ? {} : { actorStaffId: actor.staffId }),
  };
  const eventSource = options.source ?? (actor.role === 'system' ? 'system' : 'api');
  let transitions: ConsentTransition[] = [];
  const { after } = await mutateCustomer({
    tenantId: actor.tenantId,
    customerId,
    publisher: options.publisher,
    ...(options.now ? { now: () => options.now! } : {}),
    apply: (customer) => {
      const result = applyConsent(customer.consent, request, context);
      transitions = result.transitions;
      return result.transitions.length === 0 ? null : { set: { consent: result.state } };
    },
    also: (uow) => {
      for (const transition of transitions) {
        uow.put(consentHistoryItem(actor.tenantId, customerId, transition));
        uow.emit(consentChangedEvent(actor.tenantId, customerId, transition, eventSource));
      }
      uow.put(
        auditItem(
          actor,
          {
            action: 'consent_changed',
            entity: 'customer',
            entityId: customerId,
            fields: transitions.map((t) => `consent.${t.channel}.${t.purpose}`),
            detail: transitions.map((t) => `${t.channel} ${t.purpose}: ${t.from ?? 'none'} -> ${t.to} (${t.record.source})`).join('; '),
          },
          at,
        ),
      );
    },
  });
  return { customer: after, transitions };
}
