import { z } from 'zod';
import type { NewDomainEvent } from '../../events/domain-events';
import { newId } from '../../ids';
import { keys } from '../../store/keys';
import {
  consentChannelSchema,
  consentPurposeSchema,
  consentSourceSchema,
  consentStatusSchema,
  type ConsentTransition,
} from './consent';

/** One consent transition as kept in the customer's collection (`CONSENT#{at}#{id}`), oldest first by sort key. */
export const consentChangeSchema = z
  .object({
    changeId: z.string(),
    channel: consentChannelSchema,
    purpose: consentPurposeSchema,
    from: consentStatusSchema.nullable().describe('null when nothing was recorded before'),
    to: consentStatusSchema,
    at: z.iso.datetime(),
    source: consentSourceSchema,
    actorStaffId: z.string().optional(),
  })
  .meta({ id: 'ConsentChange' });
export type ConsentChange = z.infer<typeof consentChangeSchema>;

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
