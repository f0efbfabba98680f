import { keys, type UniqueKind } from '../../store/keys';
import type { UnitOfWork } from '../../store/unit-of-work';
import { addressHash } from './address-hash';
import type { CustomerItem } from './customer-item';

/**
 * Per-tenant uniqueness of a customer's external id (the POS's id, which imports match on) and email address, guarded
 * by one item per value written in the same transaction as the customer: `attribute_not_exists` makes the second
 * customer with the same value fail atomically, which a query-then-write could not. The email guard is keyed by the
 * address's salted hash, so no key contains an address.
 */
export type GuardedField = 'externalId' | 'email';

const KIND: Record<GuardedField, UniqueKind> = { externalId: 'CUSTOMER_EXT', email: 'EMAIL' };

export function guardValue(tenantId: string, field: GuardedField, value: string): string {
  return field === 'email' ? addressHash(tenantId, 'email', value) : value;
}

export function guardKey(tenantId: string, field: GuardedField, value: string) {
  return keys.unique(tenantId, KIND[field], guardValue(tenantId, field, value));
}

/** A write of the transaction that can fail because the value is taken, by its position in the transaction. */
export interface GuardWrite {
  field: GuardedField;
  index: number;
}

/**
 * Adds the guard changes for a customer going from `before` (undefined: new) to `after` (undefined: deleted): release
 * the old value (only if this customer holds it), claim the new one (only if nobody does). Returns the positions of the
 * claims, so a cancelled transaction can say which value was taken.
 */
export function addGuardWrites(uow: UnitOfWork, before: CustomerItem | undefined, after: CustomerItem | undefined): GuardWrite[] {
  const claims: GuardWrite[] = [];
  const tenantId = (after ?? before)!.tenantId;
  const customerId = (after ?? before)!.customerId;
  for (const field of ['externalId', 'email'] as const) {
    const old = before?.[field];
    const next = after?.[field];
    if (old !== undefined && next !== undefined && guardValue(tenantId, field, old) === guardValue(tenantId, field, next)) continue;
    if (old !== undefined) {
      uow.delete(guardKey(tenantId, field, old), {
        expression: 'attribute_not_exists(pk) OR customerId = :guardOwner',
        values: { ':guardOwner': customerId },
      });
    }
    if (next !== undefined) {
      claims.push({ field, index: uow.size });
      uow.put(
        { ...guardKey(tenantId, field, next), type: 'UniqueGuard', kind: KIND[field], tenantId, customerId },
        { expression: 'attribute_not_exists(pk)' },
      );
    }
  }
  return claims;
}
