/**
 * Tokens of the open pixel (`/t/o/{token}`) and of tracked links (`/t/c/{token}`): who (tenant, campaign, customer),
 * when the message was sent and, for a link, the URL it leads to, signed with HMAC-SHA-256 under the same key as
 * unsubscribe links (../unsubscribe/signing-key.ts). Pure.
 *
 * The link's target is inside the signed payload, so the redirect can only ever lead to a URL that was in the message
 * as sent: changing one character of the URL, or pasting another URL into a token, breaks the signature (no open
 * redirect), and nothing has to be stored per link at send time. Only http(s) targets are signed or followed.
 *
 * Format: `base64url(payload).base64url(mac)`, payload `t1|kind|tenant|campaign|customer|sentAt|url`, kind `o` or `c`,
 * sentAt in epoch seconds, url empty for the pixel; mac the first 16 bytes (128 bits) of the HMAC. The `t1` tag keeps
 * these apart from unsubscribe tokens (`u1`), signed by the same key.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TrackingKind = 'open' | 'click';

export interface TrackingClaims {
  readonly kind: TrackingKind;
  readonly tenantId: string;
  readonly campaignId: string;
  readonly customerId: string;
  /** When the message was sent (the worker's claim): the token's validity counts from here. */
  readonly sentAt: Date;
  /** The link's target (clicks only). */
  readonly url?: string;
}

const TAG = 't1';
const MAC_BYTES = 16;
const KIND_CODES: Readonly<Record<TrackingKind, string>> = { open: 'o', click: 'c' };
/** Long enough for any real link in an email; a longer path is not a token of ours (API Gateway caps URLs too). */
export const MAX_TRACKING_TOKEN_LENGTH = 4096;
/** Targets longer than this are left untracked by the link rewriter (their token would not fit). */
export const MAX_TRACKED_URL_LENGTH = 2000;

const mac = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest().subarray(0, MAC_BYTES);

/** http or https, with a host: the only targets a tracked link may have. */
export function isTrackableUrl(url: string): boolean {
  if (url.length > MAX_TRACKED_URL_LENGTH) return false;
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}

export function signTrackingToken(claims: TrackingClaims, key: Buffer): string {
  for (const part of [claims.tenantId, claims.campaignId, claims.customerId]) {
    if (part === '' || part.includes('|')) throw new RangeError('Ids in a tracking token are non-empty and cannot contain "|"');
  }
  if (claims.kind === 'click' && (claims.url === undefined || !isTrackableUrl(claims.url))) throw new RangeError('A tracked link needs an http(s) URL');
  const sentAt = Math.floor(claims.sentAt.getTime() / 1000);
  // The URL is last, so a `|` inside it needs no escaping.
  const payload = [TAG, KIND_CODES[claims.kind], claims.tenantId, claims.campaignId, claims.customerId, String(sentAt), claims.kind === 'click' ? claims.url! : ''].join('|');
  return `${Buffer.from(payload, 'utf8').toString('base64url')}.${mac(key, payload).toString('base64url')}`;
}

/** The claims of a genuine token of the expected kind, or undefined for anything else (forged, altered, truncated). */
export function verifyTrackingToken(token: string, kind: TrackingKind, key: Buffer): TrackingClaims | undefined {
  if (token.length > MAX_TRACKING_TOKEN_LENGTH) return undefined;
  const [encodedPayload, encodedMac, ...extra] = token.split('.');
  if (!encodedPayload || !encodedMac || extra.length > 0) return undefined;
  const payload = Buffer.from(encodedPayload, 'base64url').toString('utf8');
  const given = Buffer.from(encodedMac, 'base64url');
  const expected = mac(key, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const [tag, code, tenantId, campaignId, customerId, sentAt, ...rest] = payload.split('|');
  const url = rest.join('|');
  if (tag !== TAG || code !== KIND_CODES[kind] || !tenantId || !campaignId || !customerId || !/^\d{1,12}$/.test(sentAt ?? '')) return undefined;
  if (kind === 'click' ? !isTrackableUrl(url) : url !== '') return undefined;
  return { kind, tenantId, campaignId, customerId, sentAt: new Date(Number(sentAt) * 1000), ...(kind === 'click' ? { url } : {}) };
}

/** Tokens count for the tenant's attribution window plus this many days; later they still redirect but count nothing. */
export const TOKEN_GRACE_DAYS = 30;

/** Whether a token's interaction still counts: within the attribution window plus the grace period after the send. */
export function isTokenCurrent(claims: Pick<TrackingClaims, 'sentAt'>, attributionWindowDays: number, now: Date): boolean {
  const validUntil = claims.sentAt.getTime() + (attributionWindowDays + TOKEN_GRACE_DAYS) * 24 * 3600_000;
  return now.getTime() <= validUntil;
}

export const openPixelUrl = (publicApiUrl: string, token: string) => `${publicApiUrl.replace(/\/+$/, '')}/t/o/${token}`;
export const trackedLinkUrl = (publicApiUrl: string, token: string) => `${publicApiUrl.replace(/\/+$/, '')}/t/c/${token}`;
