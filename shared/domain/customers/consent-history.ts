import type { NewDomainEvent } from '../../events/domain-events';
import { newId } from '../../ids';
import { keys } from '../../store/keys';
import type { ConsentChange, ConsentTransition } from './consent';

export { consentChangeSchema, type ConsentChange } from './consent';

/** The history item of one transition, in the customer's collection (`CONSENT#{at}#{id}`, time-ordered). */
export function consentHistoryItem(tenantId: string, customerId: string, transition: ConsentTransition, changeId: string = newId()) {
  const change: ConsentChange = {
    changeId,
    channel: transition.channel,
    purpose: transition.purpose,
    from: transition.from,
    to: transition.to,
    at: transition.record.at,
    source: transition.record.source,
    ...(transition.record.actorStaffId === undefined ? {} : { actorStaffId: transition.record.actorStaffId }),
  };
  return {
    ...keys.customerTimed(tenantId, customerId, 'CONSENT', transition.record.at, changeId),
    type: 'ConsentChange' as const,
    tenantId,
    customerId,
    ...change,
  };
}

export function consentChangedEvent(
  tenantId: string,
  customerId: string,
  transition: ConsentTransition,
  source: 'api' | 'import' | 'system',
): NewDomainEvent {
  return {
    type: 'consent.changed',
    tenantId,
    customerId,
    occurredAt: transition.record.at,
    source,
    channel: transition.channel,
    purpose: transition.purpose,
    status: transition.to,
  };
}
