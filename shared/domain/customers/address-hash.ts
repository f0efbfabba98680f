import { createHmac } from 'node:crypto';
import type { ConsentChannel } from './consent';

/**
 * Salted hashes of contact addresses. The suppression list stores addresses only in this form, so an erased customer's
 * address can stay suppressed (a re-import does not bring marketing back) without the address itself being kept.
 * The email uniqueness guard uses it too, so no key of the table contains an email address.
 *
 * The hash is HMAC-SHA-256 keyed with a platform-wide salt over `tenantId + ':' + normalised address`: the tenant id
 * makes the same address hash differently per tenant (one tenant's list says nothing about another's) and the secret
 * salt stops anyone holding a table export from confirming a guessed address offline.
 */

/**
 * Fixed development salt. Deployed stages set SUPPRESSION_SALT; changing it orphans every existing hash, so it is set
 * once per stage and never rotated without re-hashing the suppression list.
 */
export const DEV_SUPPRESSION_SALT = 'facet-dev-suppression-salt';

export function suppressionSalt(): string {
  return process.env.SUPPRESSION_SALT || DEV_SUPPRESSION_SALT;
}

/**
 * The comparable form of an address: email trimmed and lower-cased (providers treat local parts case-insensitively in
 * practice), phone numbers reduced to `+` and digits (E.164).
 */
export function normaliseAddress(channel: ConsentChannel, address: string): string {
  if (channel === 'email') return address.trim().toLowerCase();
  const digits = address.replace(/[^\d]/g, '');
  return address.trim().startsWith('+') ? `+${digits}` : digits;
}

/** Hex HMAC-SHA-256 of `tenantId:normalisedAddress`. Deterministic for a given salt. */
export function addressHash(tenantId: string, channel: ConsentChannel, address: string, salt: string = suppressionSalt()): string {
  return createHmac('sha256', salt).update(`${tenantId}:${normaliseAddress(channel, address)}`).digest('hex');
}
