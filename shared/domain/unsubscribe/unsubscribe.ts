/**
 * One-click unsubscribe: a verified token withdraws the customer's marketing consent on its channel through the
 * customer book's consent change (one history item, one `consent.changed` event, an audit entry; source
 * `unsubscribe`), so the next campaign's gates skip the customer. Asking again changes nothing (applyConsent records
 * no transition for a slot that already has the status). A withdrawal that happened is also counted on the
 * campaign the link came from (its `unsubscribed` metric).
 */
import { ProblemError, problems } from '../../http/problem';
import { logger } from '../../observability/logger';
import type { EventPublisher } from '../../store/unit-of-work';
import { changeConsent } from '../customers/customer-consent';
import { loadTenantSettings } from '../tenants/tenant-repository';
import { addToCounters } from '../sending/send-counters';
import type { SigningKeyProvider } from './signing-key';
import { verifyUnsubscribeToken, type UnsubscribeClaims } from './unsubscribe-token';

export async function claimsOf(token: string, keys: SigningKeyProvider): Promise<UnsubscribeClaims> {
  const claims = verifyUnsubscribeToken(token, await keys.signingKey());
  // Forged, altered and unknown tokens all look the same: not found, and nothing about why.
  if (!claims) throw problems.notFound('Unsubscribe link');
  return claims;
}

export async function storeNameOf(tenantId: string): Promise<string> {
  try {
    return (await loadTenantSettings(tenantId)).name;
  } catch {
    return 'this store';
  }
}

export interface UnsubscribeResult {
  readonly storeName: string;
  /** False when the consent was already withdrawn (or the customer no longer exists). */
  readonly changed: boolean;
}

export async function unsubscribe(
  token: string,
  deps: { keys: SigningKeyProvider; publisher: EventPublisher | undefined; now?: Date },
): Promise<UnsubscribeResult> {
  const claims = await claimsOf(token, deps.keys);
  const actor = { tenantId: claims.tenantId, staffId: 'system', role: 'system' } as const;
  let changed = false;
  try {
    const { transitions } = await changeConsent(actor, claims.customerId, { [claims.channel]: { marketing: 'withdrawn' } }, {
      publisher: deps.publisher,
      consentSource: 'unsubscribe',
      ...(deps.now ? { now: deps.now } : {}),
    });
    changed = transitions.length > 0;
  } catch (error) {
    // A customer deleted since the email went out gets nothing more anyway; the answer stays the same.
    if (!(error instanceof ProblemError && error.status === 404)) throw error;
  }
  if (changed && claims.campaignId !== '') {
    await addToCounters(claims.tenantId, claims.campaignId, { unsubscribed: 1 }, claims.customerId).catch((error: unknown) =>
      logger.warn('unsubscribe not counted on its campaign', { tenantId: claims.tenantId, campaignId: claims.campaignId, error: error as Error }),
    );
  }
  logger.info('unsubscribe', { tenantId: claims.tenantId, customerId: claims.customerId, campaignId: claims.campaignId, changed });
  return { storeName: await storeNameOf(claims.tenantId), changed };
}
