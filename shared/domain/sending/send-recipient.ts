/**
 * One send job, as the send worker runs it. In order, so that no step can cause a second email:
 *  1. the campaign's status (cached briefly): cancelled → the recipient is `cancelled`; paused → left `queued` (a
 *     resume re-enqueues it); anything but `sending` → nothing;
 *  2. the gates again, on fresh data: consent, address, suppression (→ `skipped` with the reason, only from `queued`).
 *     The frequency cap is applied here, not at the freeze, for every marketing message: the customer's timeline then
 *     holds what other campaigns and automations sent since this one was frozen (only two sends to one customer
 *     within the same second, each before the other's timeline entry, could still pass together);
 *  3. render for this customer (a template error → `failed`, before anything is claimed);
 *  4. claim: `queued → sending` conditionally, with the claim's time; only the winner goes on (a duplicate message, a
 *     second dispatcher run or a redrive stops here: the recipient is no longer `queued`);
 *  5. wait for this worker's send slot (pacing), call SES once, then record the answer: the communication on the
 *     customer's timeline first (it proves SES answered if the worker dies right after), then `sent` with the message id.
 *     A retriable refusal releases the claim (`sending → queued`) and the message comes back after a backoff; on its
 *     last allowed receive the recipient is `failed` instead. A definite refusal is `failed`; no answer is `unknown`.
 */
import type { EmailSender } from '../../adapters/ses/outbound-email';
import { sesTenantName } from '../../adapters/ses/ses-tenant';
import { logger } from '../../observability/logger';
import { env } from '../../config/env';
import type { SkipReason } from '../campaigns/campaign-counters';
import type { CampaignStatus } from '../campaigns/state-machine';
import { isSuppressed } from '../suppression/suppression-repository';
import { mergeScope } from '../templates/merge-data';
import { TemplateRenderError, type RenderedEmail } from '../templates/render-template';
import { tenantFormat } from '../templates/tenant-format';
import type { TenantSettings } from '../tenants/settings';
import { signUnsubscribeToken, unsubscribeUrl } from '../unsubscribe/unsubscribe-token';
import type { SigningKeyProvider } from '../unsubscribe/signing-key';
import { campaignCommunicationSk, putCampaignCommunication } from './campaign-communication';
import { readSendTimeCustomer } from './send-time-customer';
import { composeEmail, type Sender } from './compose-email';
import { closedGate, frequencyWindowStart, needsLookups } from './gates';
import type { ParsedSendJob } from './messages';
import { throttleBackoffSeconds, type SendSpacer } from './pacing';
import { transitionRecipient, type RecipientRef } from './recipient-store';
import type { CounterDeltas } from './send-counters';
import { SKIP_COUNTERS } from '../campaigns/campaign-counters';
import { compiledSendContent } from './send-content';
import { withTracking } from '../engagement/message-tracking';
import { classifySendError } from './send-outcome';

export interface SendDeps {
  readonly emailSender: EmailSender;
  readonly signingKey: SigningKeyProvider;
  readonly spacer: SendSpacer;
  readonly campaignStatus: (tenantId: string, campaignId: string) => Promise<CampaignStatus | undefined>;
  readonly tenantSettings: (tenantId: string) => Promise<TenantSettings>;
  /** Who the tenant's mail is from (platform address in the store's name until its own domain is verified). */
  readonly sender: (tenantId: string, settings: TenantSettings) => Promise<Sender>;
  /** Seconds a throttled message waits before its next try (default: exponential with jitter). */
  readonly throttleBackoff?: (receiveCount: number) => number;
  readonly now: () => Date;
  readonly wait: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export interface Delivery {
  /** ApproximateReceiveCount of this message. */
  readonly receiveCount: number;
  /** The queue's redrive limit: the receive after which SQS moves the message to the DLQ. */
  readonly maxReceiveCount: number;
}

export type SendResult =
  | { kind: 'sent'; messageId: string }
  | { kind: 'skipped'; reason: SkipReason }
  | { kind: 'failed'; reason: string; retriesExhausted: boolean }
  | { kind: 'unknown'; reason: string }
  | { kind: 'cancelled' }
  /** Nothing done, and nothing to do again: the message can go. */
  | { kind: 'left'; why: 'paused' | 'not_queued' | 'campaign_not_sending' }
  /** SES refused for now: the claim was released; the message must come back after `backoffSeconds`. */
  | { kind: 'retry'; reason: string; backoffSeconds: number };

export async function sendRecipient(job: ParsedSendJob, delivery: Delivery, counters: CounterDeltas, deps: SendDeps): Promise<SendResult> {
  const ref: RecipientRef = { tenantId: job.tenantId, campaignId: job.campaignId, customerId: job.customerId };
  const count = (field: Parameters<CounterDeltas['add']>[2]) => counters.add(job.tenantId, job.campaignId, field);

  const status = await deps.campaignStatus(job.tenantId, job.campaignId);
  if (status === 'cancelled') {
    const moved = await transitionRecipient(ref, { from: ['queued'], to: 'cancelled', set: { finishedAt: deps.now().toISOString() } });
    if (!moved) return { kind: 'left', why: 'not_queued' };
    count('cancelled');
    return { kind: 'cancelled' };
  }
  if (status === 'paused') return { kind: 'left', why: 'paused' };
  if (status !== 'sending') return { kind: 'left', why: 'campaign_not_sending' };

  const settings = await deps.tenantSettings(job.tenantId);
  const now = deps.now();
  const marketing = job.purpose === 'marketing';
  const { customer, recentMarketingSends } = await readSendTimeCustomer(
    job.tenantId,
    job.customerId,
    marketing ? { since: frequencyWindowStart(now, settings.frequencyCap), excludeCampaignId: job.campaignId } : undefined,
  );
  const address = customer && !customer.erased ? customer.email : undefined;
  const consent = customer?.consent ?? { email: { marketing: null, service: null }, sms: { marketing: null, service: null } };
  const lookups = needsLookups({ channel: 'email', purpose: job.purpose, consent, address });
  const suppressed = lookups ? await isSuppressed(job.tenantId, 'email', address!) : false;
  const gate = closedGate({
    channel: 'email',
    purpose: job.purpose,
    consent,
    address,
    suppressed,
    ...(marketing ? { frequency: { recentMarketingSends, cap: settings.frequencyCap } } : {}),
  });
  if (gate !== undefined) {
    const moved = await transitionRecipient(ref, {
      from: ['queued'],
      to: 'skipped',
      set: { skipReason: gate, reason: gate, finishedAt: now.toISOString() },
    });
    if (!moved) return { kind: 'left', why: 'not_queued' };
    count(SKIP_COUNTERS[gate]);
    return { kind: 'skipped', reason: gate };
  }

  const format = tenantFormat(settings);
  const token = signUnsubscribeToken(
    { tenantId: job.tenantId, customerId: job.customerId, channel: 'email', campaignId: job.campaignId },
    await deps.signingKey.signingKey(),
  );
  const link = unsubscribeUrl(env.publicApiUrl(), token);
  let rendered: RenderedEmail;
  try {
    const { template } = await compiledSendContent(job.tenantId, job.campaignId, format);
    const message = template.render(mergeScope({ customer: customer!, store: settings, send: { unsubscribeUrl: link } }, { format, now }));
    if (message.channel !== 'email') throw new TemplateRenderError({ field: 'text', message: 'Not an email template', line: 1, column: 1 }, 'error');
    rendered = message;
  } catch (error) {
    if (!(error instanceof TemplateRenderError)) throw error;
    const reason = `render: ${error.issue.message}`.slice(0, 200);
    const moved = await transitionRecipient(ref, { from: ['queued'], to: 'failed', set: { reason, finishedAt: now.toISOString() } });
    if (!moved) return { kind: 'left', why: 'not_queued' };
    count('failed');
    return { kind: 'failed', reason, retriesExhausted: false };
  }

  const claimedAt = now.toISOString();
  const communicationSk = campaignCommunicationSk(job.tenantId, job.customerId, claimedAt, job.campaignId);
  const claimed = await transitionRecipient(ref, {
    from: ['queued'],
    to: 'sending',
    set: { claimedAt, communicationSk },
    countAttempt: true,
  });
  if (!claimed) return { kind: 'left', why: 'not_queued' };

  const email = composeEmail({
    // Opens and clicks (the engagement loop): tracked links and the pixel; the unsubscribe link stays as it is.
    rendered: withTracking(rendered, { ...ref, sentAt: new Date(claimedAt), publicApiUrl: env.publicApiUrl(), key: await deps.signingKey.signingKey(), untracked: [link] }),
    to: address!,
    store: { name: settings.name, postalAddress: settings.postalAddress },
    sender: await deps.sender(job.tenantId, settings),
    unsubscribeUrl: link,
    tags: { tenantId: job.tenantId, campaignId: job.campaignId, customerId: job.customerId },
    tenantName: sesTenantName(env.stage(), job.tenantId),
    ...(env.sesConfigurationSet() ? { configurationSetName: env.sesConfigurationSet()! } : {}),
  });
  const communication = {
    tenantId: job.tenantId,
    customerId: job.customerId,
    campaignId: job.campaignId,
    purpose: job.purpose,
    kind: job.communicationKind,
    subject: rendered.subject,
    frozenAt: job.frozenAt,
    claimedAt,
  };
  const fromClaim = { from: ['sending'] as const, claimedAt };

  const wait = deps.spacer.reserve(Date.now());
  if (wait > 0) await deps.wait(wait);

  let messageId: string;
  try {
    ({ messageId } = await deps.emailSender.send(email));
  } catch (error) {
    const outcome = classifySendError(error);
    const at = deps.now().toISOString();
    if (outcome.kind === 'retry') {
      if (delivery.receiveCount < delivery.maxReceiveCount) {
        const released = await transitionRecipient(ref, { ...fromClaim, to: 'queued', remove: ['claimedAt', 'communicationSk'] });
        if (!released) return { kind: 'left', why: 'not_queued' };
        const backoffSeconds = deps.throttleBackoff?.(delivery.receiveCount) ?? throttleBackoffSeconds(delivery.receiveCount, deps.random?.());
        return { kind: 'retry', reason: outcome.reason, backoffSeconds };
      }
      const reason = `${outcome.reason}: retries exhausted`;
      if (await recordFailure(ref, fromClaim, 'failed', reason, at, communication)) count('failed');
      return { kind: 'failed', reason, retriesExhausted: true };
    }
    const to = outcome.kind === 'reject' ? 'failed' : 'unknown';
    if (await recordFailure(ref, fromClaim, to, outcome.reason, at, communication)) count(to);
    logger.warn('send not accepted', { tenantId: job.tenantId, campaignId: job.campaignId, customerId: job.customerId, outcome: to, reason: outcome.reason });
    return to === 'failed' ? { kind: 'failed', reason: outcome.reason, retriesExhausted: false } : { kind: 'unknown', reason: outcome.reason };
  }

  const sentAt = deps.now().toISOString();
  try {
    await putCampaignCommunication({ ...communication, status: 'sent', at: sentAt, providerMessageId: messageId });
  } catch (error) {
    // The email is out; the recipient's record below still says so (the timeline entry is then missing).
    logger.error('sent, but the timeline entry was not written', { tenantId: job.tenantId, customerId: job.customerId, error: error as Error });
  }
  const marked = await transitionRecipient(ref, { ...fromClaim, to: 'sent', set: { messageId, finishedAt: sentAt } });
  if (marked) count('sent');
  return { kind: 'sent', messageId };
}

async function recordFailure(
  ref: RecipientRef,
  fromClaim: { from: readonly ['sending']; claimedAt: string },
  to: 'failed' | 'unknown',
  reason: string,
  at: string,
  communication: Omit<Parameters<typeof putCampaignCommunication>[0], 'status' | 'at'>,
): Promise<boolean> {
  await putCampaignCommunication({ ...communication, status: to, at, reason });
  return transitionRecipient(ref, { ...fromClaim, to, set: { reason, finishedAt: at } });
}
