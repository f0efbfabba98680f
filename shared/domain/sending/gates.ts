/**
 * The send gates, as pure functions of what is known about a recipient. The dispatcher applies all of them when it
 * freezes the audience; the send worker applies consent, address and suppression again just before SES is called
 * (consent may have been withdrawn or the address suppressed in between); both count a closed gate by its reason.
 *
 * One reason per recipient, in this order: consent first (an unsubscribed customer is "no consent" whatever else is
 * true), then a missing address, then suppression (hard bounce, complaint, erasure, manual), then the marketing
 * frequency cap (service messages are exempt).
 */
import type { SkipReason } from '../campaigns/campaign-counters';
import { hasConsent, type ConsentChannel, type ConsentPurpose, type ConsentState } from '../customers/consent';

export type MessagePurpose = ConsentPurpose;

export interface FrequencyCap {
  /** At most this many marketing messages ... */
  readonly messages: number;
  /** ... in this many days (a rolling window ending now). */
  readonly days: number;
}

export interface GateFacts {
  readonly channel: ConsentChannel;
  readonly purpose: MessagePurpose;
  readonly consent: ConsentState;
  /** The customer's address on the channel, if any. */
  readonly address: string | undefined;
  readonly suppressed: boolean;
  /**
   * The frequency cap, where this step judges it: the marketing messages already sent to the customer inside the cap's
   * window (other campaigns and automations), and the cap. Absent at the freeze: the send worker judges the cap at send
   * time, when the timeline holds what was sent in between.
   */
  readonly frequency?: { readonly recentMarketingSends: number; readonly cap: FrequencyCap };
}

/** The first closed gate, or undefined when the message may go. */
export function closedGate(facts: GateFacts): SkipReason | undefined {
  if (!hasConsent(facts.consent, facts.channel, facts.purpose)) return 'no_consent';
  if (facts.address === undefined || facts.address.trim() === '') return 'no_address';
  if (facts.suppressed) return 'suppressed';
  if (facts.purpose === 'marketing' && facts.frequency && facts.frequency.recentMarketingSends >= facts.frequency.cap.messages) {
    return 'frequency_cap';
  }
  return undefined;
}

/** Whether the gates need the suppression list and the customer's recent sends at all (saves the reads otherwise). */
export function needsLookups(facts: Pick<GateFacts, 'channel' | 'purpose' | 'consent' | 'address'>): boolean {
  return hasConsent(facts.consent, facts.channel, facts.purpose) && facts.address !== undefined && facts.address.trim() !== '';
}

/** The start of the frequency cap's window. */
export function frequencyWindowStart(now: Date, cap: FrequencyCap): Date {
  return new Date(now.getTime() - cap.days * 24 * 3600 * 1000);
}

/**
 * Marketing messages inside the window, from a customer's timeline entries. Messages that may have gone out count
 * (`sent` and later statuses, and `unknown`); skipped, failed and cancelled ones did not reach the customer.
 * `excludeCampaignId`: the campaign being sent does not count against itself (a retried send sees its own entry).
 */
export function countRecentMarketing(
  entries: readonly { purpose?: unknown; status?: unknown; campaignId?: unknown; createdAt?: unknown }[],
  since: Date,
  excludeCampaignId?: string,
): number {
  const notDelivered = new Set(['skipped', 'failed', 'cancelled', 'queued']);
  let count = 0;
  for (const entry of entries) {
    if (entry.purpose !== 'marketing') continue;
    if (typeof entry.status !== 'string' || notDelivered.has(entry.status)) continue;
    if (excludeCampaignId !== undefined && entry.campaignId === excludeCampaignId) continue;
    if (typeof entry.createdAt !== 'string' || Date.parse(entry.createdAt) < since.getTime()) continue;
    count += 1;
  }
  return count;
}
