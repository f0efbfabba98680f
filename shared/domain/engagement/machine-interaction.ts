/**
 * Whether an open or click was made by a machine rather than a reader, pure. Machine interactions are still counted
 * in the totals but flagged, and left out of unique rates and attribution.
 *
 * Signs of a machine:
 *  - Apple Mail Privacy Protection: Apple's proxies fetch every image of every message as it arrives, from Apple's
 *    17.0.0.0/8 network, whether or not anyone reads it;
 *  - security scanners and link checkers (Barracuda, Mimecast, Proofpoint, Microsoft's and others), preview bots,
 *    HTTP libraries, headless browsers, and requests with no user agent at all;
 *  - timing: an interaction within seconds of the message being delivered is a prefetch (no person opens, reads and
 *    clicks that fast).
 * Gmail's and Yahoo's image proxies fetch when the reader opens the message, so they count as people.
 */
export interface InteractionContext {
  readonly userAgent: string | undefined;
  /** The client address as API Gateway saw it (the last X-Forwarded-For hop). */
  readonly sourceIp: string | undefined;
  readonly at: Date;
  /** When the message arrived (Delivery event), else when SES accepted it, else when it was sent. */
  readonly deliveredAt: Date | undefined;
}

export type MachineReason = 'apple_privacy_proxy' | 'scanner_user_agent' | 'no_user_agent' | 'too_soon_after_delivery';

/** Interactions this soon after delivery are prefetches. */
export const PREFETCH_WINDOW_MS = 2_000;

const SCANNER_AGENTS =
  /bot\b|crawler|spider|preview|scanner|headless|phantomjs|curl\/|wget\/|python|go-http-client|java\/|okhttp|axios|node-fetch|libwww|httpclient|barracuda|mimecast|proofpoint|messagelabs|symantec|trendmicro|forcepoint|sophos|fortiguard|cisco|ironport|safelinks|linkcheck|urldefense/i;

/** 17.0.0.0/8, also as an IPv4-mapped IPv6 address. */
const isAppleNetwork = (ip: string) => /^(::ffff:)?17\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i.test(ip.trim());

export function machineReason(context: InteractionContext): MachineReason | undefined {
  if (context.sourceIp && isAppleNetwork(context.sourceIp)) return 'apple_privacy_proxy';
  const agent = context.userAgent?.trim() ?? '';
  if (agent === '') return 'no_user_agent';
  if (SCANNER_AGENTS.test(agent)) return 'scanner_user_agent';
  if (context.deliveredAt && context.at.getTime() - context.deliveredAt.getTime() < PREFETCH_WINDOW_MS) return 'too_soon_after_delivery';
  return undefined;
}

/** The client address from API Gateway's X-Forwarded-For: its last hop (earlier ones are whatever the client sent). */
export function clientIpOf(forwardedFor: string | undefined): string | undefined {
  const hops = (forwardedFor ?? '').split(',').map((hop) => hop.trim()).filter(Boolean);
  return hops[hops.length - 1];
}
