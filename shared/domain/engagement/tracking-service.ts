/**
 * The open pixel and tracked links, behind the public tracking routes. A token is checked before anything else
 * (forged or altered: 404, nothing recorded, nowhere redirected); a genuine one is counted on its recipient while it is
 * current (the tenant's attribution window plus 30 days after the send) and, for a link, the reader goes on to the URL
 * the token carries — also after it stopped counting, since the signature proves the URL was in the message. Every
 * replay counts in the totals; only the first human one counts as unique (./recipient-engagement.ts). Counting never
 * stands between the reader and the page: a failed write is logged and the answer is the same.
 */
import { problems } from '../../http/problem';
import { logger } from '../../observability/logger';
import type { SigningKeyProvider } from '../unsubscribe/signing-key';
import { attributionWindowOf } from './attribution-window';
import { applySignal, type ApplyOutcome, type RecipientSnapshot } from './engagement-store';
import { clientIpOf, machineReason } from './machine-interaction';
import { isTokenCurrent, verifyTrackingToken, type TrackingClaims, type TrackingKind } from './tracking-token';

export interface TrackingRequest {
  readonly userAgent: string | undefined;
  readonly forwardedFor: string | undefined;
}

export interface TrackingDeps {
  readonly keys: SigningKeyProvider;
  readonly now: () => Date;
}

export type TrackingOutcome = ApplyOutcome['kind'] | 'expired' | 'not_recorded';

export interface TrackedInteraction {
  readonly claims: TrackingClaims;
  readonly outcome: TrackingOutcome;
  readonly machine: boolean;
}

const parseTime = (at: string | undefined) => (at === undefined ? undefined : new Date(at));

/** When the message arrived as far as we know: the Delivery event, else SES accepting it, else the send itself. */
function arrivalOf(snapshot: RecipientSnapshot, claims: TrackingClaims): Date {
  const { engagement } = snapshot;
  return parseTime(engagement.deliveredAt) ?? parseTime(engagement.acceptedAt) ?? claims.sentAt;
}

export async function trackInteraction(kind: TrackingKind, token: string, request: TrackingRequest, deps: TrackingDeps): Promise<TrackedInteraction> {
  const claims = verifyTrackingToken(token, kind, await deps.keys.signingKey());
  // Forged, altered and unknown tokens all look the same.
  if (!claims) throw problems.notFound(kind === 'open' ? 'Image' : 'Link');
  const now = deps.now();
  const ref = { tenantId: claims.tenantId, campaignId: claims.campaignId, customerId: claims.customerId };
  let machine = false;
  try {
    const windowDays = await attributionWindowOf(claims.tenantId);
    if (windowDays === undefined || !isTokenCurrent(claims, windowDays, now)) return { claims, outcome: 'expired', machine };
    const sourceIp = clientIpOf(request.forwardedFor);
    const outcome = await applySignal(ref, (snapshot) => {
      machine = machineReason({ userAgent: request.userAgent, sourceIp, at: now, deliveredAt: arrivalOf(snapshot, claims) }) !== undefined;
      return { kind, at: now.toISOString(), machine };
    });
    logger.info(kind === 'open' ? 'open tracked' : 'click tracked', { ...ref, outcome: outcome.kind, machine });
    return { claims, outcome: outcome.kind, machine };
  } catch (error) {
    logger.error('tracking not recorded', { ...ref, kind, error: error as Error });
    return { claims, outcome: 'not_recorded', machine };
  }
}
