/**
 * The unsubscribe link's token: who (tenant, customer), on what channel, from which campaign, signed with HMAC-SHA-256
 * so it works for that customer only. Pure: the key comes from ./signing-key.ts.
 *
 * Format: `base64url(payload).base64url(mac)` where payload is `u1|tenant|customer|channel|campaign` and mac the first
 * 16 bytes (128 bits) of HMAC-SHA-256(key, payload). The `u1` tag separates these tokens from any other the same key
 * signs (tracking links) and leaves room for a format change.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ConsentChannel } from '../customers/consent';

export interface UnsubscribeClaims {
  readonly tenantId: string;
  readonly customerId: string;
  readonly channel: ConsentChannel;
  /** The campaign the link came from (counted as its unsubscribe); empty for messages outside campaigns. */
  readonly campaignId: string;
}

const TAG = 'u1';
const MAC_BYTES = 16;
const CHANNELS: readonly string[] = ['email', 'sms'];
/** Ids are short and free of `|`; anything longer is not a token of ours. */
const MAX_TOKEN_LENGTH = 400;

const mac = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest().subarray(0, MAC_BYTES);

export function signUnsubscribeToken(claims: UnsubscribeClaims, key: Buffer): string {
  for (const part of [claims.tenantId, claims.customerId, claims.campaignId]) {
    if (part.includes('|')) throw new RangeError('Ids in an unsubscribe token cannot contain "|"');
  }
  const payload = [TAG, claims.tenantId, claims.customerId, claims.channel, claims.campaignId].join('|');
  return `${Buffer.from(payload, 'utf8').toString('base64url')}.${mac(key, payload).toString('base64url')}`;
}

/** The claims of a genuine token, or undefined for anything else (forged, altered, truncated, garbage). */
export function verifyUnsubscribeToken(token: string, key: Buffer): UnsubscribeClaims | undefined {
  if (token.length > MAX_TOKEN_LENGTH) return undefined;
  const [encodedPayload, encodedMac, ...extra] = token.split('.');
  if (!encodedPayload || !encodedMac || extra.length > 0) return undefined;
  const payload = Buffer.from(encodedPayload, 'base64url').toString('utf8');
  const given = Buffer.from(encodedMac, 'base64url');
  const expected = mac(key, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const [tag, tenantId, customerId, channel, campaignId, ...rest] = payload.split('|');
  if (tag !== TAG || rest.length > 0 || !tenantId || !customerId || channel === undefined || !CHANNELS.includes(channel)) return undefined;
  return { tenantId, customerId, channel: channel as ConsentChannel, campaignId: campaignId ?? '' };
}

/** The public one-click URL (`POST` unsubscribes, `GET` shows a confirmation page). */
export function unsubscribeUrl(publicApiUrl: string, token: string): string {
  return `${publicApiUrl.replace(/\/+$/, '')}/u/${token}`;
}
