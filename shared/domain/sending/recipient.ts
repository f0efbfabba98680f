/**
 * A campaign's recipient: one record per customer, written when the audience is frozen and then moved forward by the
 * send workers and the reconciler. Every move is a conditional write on the status it leaves, so two workers, a
 * duplicated SQS message or a second dispatcher run can never both take the same step (./recipient-store.ts).
 *
 *   queued ──claim──▶ sending ──SES answered──▶ sent | failed
 *     │  ▲               │
 *     │  └──release──────┤ (SES refused with a retriable error: throttling)
 *     │                  └──no answer (worker died), found stale by the reconciler──▶ unknown   (never resent)
 *     ├──gate closed at send time──▶ skipped
 *     ├──campaign cancelled──▶ cancelled
 *     └──error before any SES call (render, retries exhausted)──▶ failed
 *   (frozen) ──gate closed at dispatch──▶ skipped
 *
 * At most once: a recipient is claimed before SES is called and a claim is only released when SES said no. A worker
 * that dies between the claim and SES's answer leaves `sending`; the reconciler turns it into `unknown` (or `sent` when
 * the communication written right after SES answered shows a message id), and an `unknown` recipient is never sent
 * again: for marketing email, a missing message is better than a duplicate.
 *
 * The record holds ids and states only: no address or name, so erasing a customer has nothing to scrub here.
 */
import type { SkipReason } from '../campaigns/campaign-counters';

export const RECIPIENT_STATUSES = ['queued', 'sending', 'sent', 'failed', 'skipped', 'cancelled', 'unknown'] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

/** Nothing moves a recipient out of these (the campaign is done when every recipient is in one of them). */
export const TERMINAL_STATUSES: readonly RecipientStatus[] = ['sent', 'failed', 'skipped', 'cancelled', 'unknown'];
export const isTerminal = (status: RecipientStatus) => TERMINAL_STATUSES.includes(status);

export interface CampaignRecipient {
  readonly tenantId: string;
  readonly campaignId: string;
  readonly customerId: string;
  readonly status: RecipientStatus;
  /** Skipped: which gate; failed: the provider's or the pipeline's reason. */
  readonly reason?: string;
  readonly skipReason?: SkipReason;
  readonly frozenAt: string;
  /** When a worker claimed it; also the time of its communication on the customer's timeline. */
  readonly claimedAt?: string;
  /** Sort key of the communication item on the customer's timeline (written once SES answered). */
  readonly communicationSk?: string;
  readonly messageId?: string;
  readonly finishedAt?: string;
  /** Claims taken so far (a throttled send is claimed again on its retry). */
  readonly attempts?: number;
}
