import type { ConsentChannel } from '../customers/consent';

/**
 * The suppression list: addresses that get nothing at all (scope `all`), whatever their consent says. Suppression is
 * not consent: an unsubscribe withdraws marketing consent and leaves service messages; a hard bounce, a complaint or
 * an erasure stops every message to the address.
 *
 * Entries are keyed by the salted address hash (shared/domain/customers/address-hash.ts), so an erased customer's
 * address stays suppressed with nothing of the address kept; other entries also keep the plain address so staff can
 * read the list.
 */
export const SUPPRESSION_REASONS = ['hard_bounce', 'complaint', 'erased', 'manual'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export const SUPPRESSION_SCOPES = ['all'] as const;
export type SuppressionScope = (typeof SUPPRESSION_SCOPES)[number];

export interface SuppressionEntry {
  tenantId: string;
  channel: ConsentChannel;
  addressHash: string;
  /** Absent for `erased` entries: the whole point of erasure is that the address is gone. */
  address?: string;
  reason: SuppressionReason;
  scope: SuppressionScope;
  createdAt: string;
  /** Staff id, or `system` (bounces, complaints, erasure run by the platform). */
  createdBy: string;
  note?: string;
}

