/**
 * The send pipeline end to end over the emulators (dynalite behind the transaction shim, local-aws-sqs,
 * aws-ses-v2-local): campaign → dispatcher → bulk queue → send workers → SES, then the reconciler; and what at-least-once
 * delivery throws at it: duplicated messages, a second dispatcher run, throttling, a worker dying mid-send.
 */
import { PutCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { receiveAll } from '../events/sqs-messages';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as reconcilerHandler } from '../../functions/schedule/campaign-reconciler';
import { dispatchWorker } from '../../functions/queue/dispatch-worker';
import { sendWorker } from '../../functions/queue/send-worker';
import { handler as unsubscribeHandler } from '../../functions/http/unsubscribe';
import { sesV2EmailSender } from '../../shared/adapters/ses/sesv2-email-sender';
import type { EmailSender } from '../../shared/adapters/ses/outbound-email';
import type { Principal } from '../../shared/auth/roles';
import type { QueueId } from '../../shared/config/queues';
import { campaignMetrics } from '../../shared/domain/campaigns/campaign-metrics';
import { readCampaignCounters } from '../../shared/domain/campaigns/campaign-repository';
import { runCampaignCommand } from '../../shared/domain/campaigns/campaign-lifecycle';
import { defaultLifecycleDeps } from '../../shared/domain/campaigns/default-deps';
import type { CustomerItem } from '../../shared/domain/customers/customer-item';
import { campaignCommunicationItem, campaignCommunicationSk, putCampaignCommunication } from '../../shared/domain/sending/campaign-communication';
import { loadCampaign } from '../../shared/domain/campaigns/campaign-repository';
import { SendSpacer } from '../../shared/domain/sending/pacing';
import { allRecipients, transitionRecipient } from '../../shared/domain/sending/recipient-store';
import { loadDispatchState } from '../../shared/domain/sending/dispatch-store';
import { listRecipientResults } from '../../shared/domain/sending/recipient-results';
import { startCampaignSend } from '../../shared/domain/sending/start-send';
import { addManualSuppression } from '../../shared/domain/suppression/suppression-repository';
import { documentClient } from '../../shared/store/dynamo';
import { keys } from '../../shared/store/keys';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { apiEvent } from '../support/http';
import { lambdaContext } from '../support/http';
import {
  campaignStatus,
  header,
  newCampaign,
  newCustomer,
  newTenant,
  pump,
  queueArns,
  sendNow,
  sesEmails,
  throttlingSesProxy,
  type Handler,
  type StoredEmail,
} from './pipeline-support';

let stack: TestEmulators;
let arns: Record<QueueId, string>;

beforeAll(async () => {
  process.env.SIGNING_KEY = 'test-signing-key-0123456789abcdefghijklmnop';
  process.env.PUBLIC_API_URL = 'https://api.facet.example';
  stack = await startEmulators({ sqs: true, ses: true });
  arns = await queueArns(stack.queueUrls);
});

afterAll(async () => {
  await stack?.stop();
});

const dispatch = dispatchWorker({ roundDelaySeconds: 0, idleRoundDelaySeconds: 0, watchDelaySeconds: 0, accountRate: () => 1000 });
/** Uncached campaign status, so a pause or cancel is seen by the next message (the real worker caches 5 s). */
const liveStatus = async (tenantId: string, campaignId: string) => (await loadCampaign(tenantId, campaignId))?.campaign.status;
const sendHandler = (overrides: Parameters<typeof sendWorker>[0] = {}): Handler =>
  sendWorker({ spacer: new SendSpacer(10_000), throttleBackoff: () => 1, campaignStatus: liveStatus, ...overrides }) as Handler;

const sent = (tenantId: string, campaignId: string) => async () => (await campaignStatus(tenantId, campaignId)) === 'sent';
/** The dispatcher alone, the send workers off, until `until` holds. */
const dispatchOnly = (until: () => Promise<boolean>) => pump({ urls: stack.queueUrls, arns, dispatch, send: sendHandler(), sendsOff: true, until });
const to = (emails: StoredEmail[], address: string) => emails.filter((email) => email.destination.to.includes(address));

async function customerItem(tenantId: string, customerId: string): Promise<CustomerItem> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: stack.tableName, Key: keys.customer(tenantId, customerId), ConsistentRead: true }));
  return Item as CustomerItem;
}

async function recipientsOf(tenantId: string, campaignId: string) {
  const all = [];
  for await (const recipient of allRecipients({ tenantId, campaignId })) all.push(recipient);
  return all;
}

/** Three marketing emails this week from other campaigns: the customer is at the default cap (3 in 7 days). */
async function recentlyMailed(tenantId: string, customerId: string, times = 3): Promise<void> {
  for (let i = 0; i < times; i++) {
    const at = new Date(Date.now() - (i + 1) * 24 * 3600_000).toISOString();
    await documentClient.send(
      new PutCommand({
        TableName: stack.tableName,
        Item: campaignCommunicationItem({
          tenantId,
          customerId,
          campaignId: `earlier${i}`,
          purpose: 'marketing',
          subject: 'Earlier',
          frozenAt: at,
          claimedAt: at,
          status: 'sent',
          at,
          providerMessageId: `m${i}`,
        }),
      }),
    );
  }
}

async function unsubscribeCall(method: 'GET' | 'POST', token: string) {
  const event = apiEvent({
    method,
    path: `/u/${token}`,
    routeKey: `${method} /u/{token}`,
    pathParameters: { token },
    ...(method === 'POST' ? { body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {}),
  });
  const response = (await unsubscribeHandler(event, lambdaContext('api-unsubscribe'))) as { statusCode: number; body?: string; headers?: Record<string, string> };
  return response;
}

describe('a campaign to a small book', () => {
  let owner: Principal;
  let campaignId: string;
  const ids: Record<string, string> = {};
  let emails: StoredEmail[];

  beforeAll(async () => {
    owner = await newTenant('Aurora Fine Jewellery');
    const granted = { email: { marketing: 'granted' } };
    ids.ann = await newCustomer(owner, { firstName: 'Ann', email: 'ann@small.example', consent: granted });
    ids.bob = await newCustomer(owner, { firstName: 'Bob', email: 'bob@small.example', consent: granted });
    ids.cat = await newCustomer(owner, { firstName: 'Cat', email: 'cat@small.example', consent: granted });
    ids.unsubscribed = await newCustomer(owner, { firstName: 'Dan', email: 'dan@small.example', consent: { email: { marketing: 'withdrawn' } } });
    ids.neverAsked = await newCustomer(owner, { firstName: 'Eve', email: 'eve@small.example' });
    ids.noEmail = await newCustomer(owner, { firstName: 'Fay', consent: granted });
    ids.suppressed = await newCustomer(owner, { firstName: 'Gus', email: 'gus@small.example', consent: granted });
    ids.capped = await newCustomer(owner, { firstName: 'Hal', email: 'hal@small.example', consent: granted });
    await addManualSuppression(owner, { channel: 'email', address: 'gus@small.example' });
    await recentlyMailed(owner.tenantId, ids.capped!);

    campaignId = await newCampaign(owner);
    await sendNow(owner, campaignId);
    await pump({ urls: stack.queueUrls, arns, dispatch, send: sendHandler(), until: sent(owner.tenantId, campaignId) });
    emails = (await sesEmails(stack.endpoints.ses!)).filter((email) => email.destination.to[0]?.endsWith('@small.example'));
  });

  it('sends one email per consenting customer and nobody else', () => {
    expect(emails.map((email) => email.destination.to[0]).sort()).toEqual(['ann@small.example', 'bob@small.example', 'cat@small.example']);
  });

  it('renders per recipient, from the platform address in the store name, replies to the store', () => {
    const ann = to(emails, 'ann@small.example')[0]!;
    expect(ann.subject).toBe('Hello Ann');
    expect(ann.body.html).toContain('Dear Ann O&#39;Neil');
    expect(ann.from).toBe('"Aurora Fine Jewellery" <no-reply@mail.facet.example>');
    expect(ann.replyTo).toEqual(['hello@store.example']);
  });

  it('carries both RFC 8058 headers, a visible unsubscribe link and the postal address', () => {
    for (const email of emails) {
      const listUnsubscribe = header(email, 'List-Unsubscribe');
      expect(listUnsubscribe).toMatch(/^<https:\/\/api\.facet\.example\/u\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+>$/);
      expect(header(email, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      const url = listUnsubscribe!.slice(1, -1);
      expect(email.body.html).toContain(`href="${url}"`);
      expect(email.body.html).toContain('1 George Street, Sydney NSW 2000');
      expect(email.body.text).toContain(url);
    }
  });

  it('counts every skip by its reason, and the campaign ends sent', async () => {
    expect(await campaignStatus(owner.tenantId, campaignId)).toBe('sent');
    const metrics = campaignMetrics({ campaignId, status: 'sent' }, await readCampaignCounters(owner.tenantId, campaignId));
    expect(metrics.recipients).toEqual({
      total: 8,
      skipped: { total: 5, noConsent: 2, suppressed: 1, noAddress: 1, frequencyCap: 1 },
      sent: 3,
      failed: 0,
      unknown: 0,
      cancelled: 0,
      pending: 0,
    });
    const recipients = await recipientsOf(owner.tenantId, campaignId);
    const byCustomer = Object.fromEntries(recipients.map((r) => [r.customerId, r]));
    expect(byCustomer[ids.unsubscribed!]).toMatchObject({ status: 'skipped', skipReason: 'no_consent' });
    expect(byCustomer[ids.neverAsked!]).toMatchObject({ status: 'skipped', skipReason: 'no_consent' });
    expect(byCustomer[ids.noEmail!]).toMatchObject({ status: 'skipped', skipReason: 'no_address' });
    expect(byCustomer[ids.suppressed!]).toMatchObject({ status: 'skipped', skipReason: 'suppressed' });
    expect(byCustomer[ids.capped!]).toMatchObject({ status: 'skipped', skipReason: 'frequency_cap' });
    expect(byCustomer[ids.ann!]).toMatchObject({ status: 'sent', messageId: to(emails, 'ann@small.example')[0]!.messageId, attempts: 1 });
  });

  it('lists per-recipient results page by page across the recipient shards', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listRecipientResults(owner.tenantId, campaignId, { limit: 3, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((item) => item.customerId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.sort()).toEqual(Object.values(ids).sort());
    await expect(listRecipientResults(owner.tenantId, campaignId, { limit: 3, cursor: 'garbage' })).rejects.toMatchObject({ status: 400 });
  });

  it("records the email on the customer's timeline with the SES message id", async () => {
    const ann = (await recipientsOf(owner.tenantId, campaignId)).find((r) => r.customerId === ids.ann)!;
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: stack.tableName, Key: { pk: keys.customerCollection(owner.tenantId, ids.ann!).pk, sk: ann.communicationSk! } }),
    );
    expect(Item).toMatchObject({
      kind: 'campaign',
      channel: 'email',
      campaignId,
      status: 'sent',
      subject: 'Hello Ann',
      providerMessageId: ann.messageId,
      statusHistory: [{ status: 'queued' }, { status: 'sent' }],
    });
  });

  it('unsubscribes in one click: POST withdraws email marketing (source unsubscribe), twice is the same, GET only asks', async () => {
    const bobEmail = to(emails, 'bob@small.example')[0]!;
    const token = header(bobEmail, 'List-Unsubscribe')!.match(/\/u\/([^>]+)>$/)![1]!;

    const page = await unsubscribeCall('GET', token);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Unsubscribe from Aurora Fine Jewellery');
    expect(page.body).toContain('<form method="post"');
    expect((await customerItem(owner.tenantId, ids.bob!)).consent.email.marketing?.status).toBe('granted');

    const first = await unsubscribeCall('POST', token);
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('You are unsubscribed');
    const bob = await customerItem(owner.tenantId, ids.bob!);
    expect(bob.consent.email.marketing).toMatchObject({ status: 'withdrawn', source: 'unsubscribe' });
    expect(bob.consent.email.service?.status).toBe('granted');

    const again = await unsubscribeCall('POST', token);
    expect(again.statusCode).toBe(200);
    expect((await customerItem(owner.tenantId, ids.bob!)).consent.email.marketing?.at).toBe(bob.consent.email.marketing?.at);
    expect((await readCampaignCounters(owner.tenantId, campaignId)).unsubscribed).toBe(1);
  });

  it('refuses a forged or altered token with 404 and changes nothing', async () => {
    const annToken = header(to(emails, 'ann@small.example')[0]!, 'List-Unsubscribe')!.match(/\/u\/([^>]+)>$/)![1]!;
    const [payload] = annToken.split('.');
    const forged = `${payload}.${'A'.repeat(22)}`;
    for (const method of ['GET', 'POST'] as const) {
      const response = await unsubscribeCall(method, forged);
      expect(response.statusCode).toBe(404);
      expect(response.headers?.['content-type']).toBe('application/problem+json');
    }
    expect((await customerItem(owner.tenantId, ids.ann!)).consent.email.marketing?.status).toBe('granted');
  });

  it('the next campaign skips the customer who unsubscribed', async () => {
    const next = await newCampaign(owner, { customerIds: [ids.bob!, ids.cat!] }, 'Next');
    await sendNow(owner, next);
    await pump({ urls: stack.queueUrls, arns, dispatch, send: sendHandler(), until: sent(owner.tenantId, next) });
    const counters = await readCampaignCounters(owner.tenantId, next);
    expect(counters).toMatchObject({ recipients: 2, sent: 1, skippedNoConsent: 1 });
  });
});

describe('at-least-once delivery never sends twice', () => {
  async function bookOf(owner: Principal, prefix: string, count: number): Promise<string[]> {
    const addresses: string[] = [];
    for (let i = 0; i < count; i++) {
      const address = `${prefix}${i}@dup.example`;
      addresses.push(address);
      await newCustomer(owner, { firstName: `C${i}`, email: address, consent: { email: { marketing: 'granted' } } });
    }
    return addresses;
  }

  function expectOnceEach(emails: StoredEmail[], addresses: string[]): void {
    const delivered = emails.flatMap((email) => email.destination.to).filter((address) => addresses.includes(address));
    expect(delivered.sort()).toEqual([...addresses].sort());
  }

  it('a duplicated SQS delivery of every send batch, and a second and third dispatcher run, send each email once', async () => {
    const owner = await newTenant('Dup Jewellers');
    const addresses = await bookOf(owner, 'dup', 25);
    const campaignId = await newCampaign(owner);
    await sendNow(owner, campaignId);
    // The hand-over again, twice at once (a retried schedule firing racing a duplicate): each restarts the dispatch.
    await Promise.all([startCampaignSend(owner.tenantId, campaignId), startCampaignSend(owner.tenantId, campaignId)]);
    await pump({ urls: stack.queueUrls, arns, dispatch, send: sendHandler(), duplicateSends: true, until: sent(owner.tenantId, campaignId) });

    expectOnceEach(await sesEmails(stack.endpoints.ses!), addresses);
    const counters = await readCampaignCounters(owner.tenantId, campaignId);
    expect(counters).toMatchObject({ recipients: 25, sent: 25, failed: 0, unknown: 0 });
    expect((await recipientsOf(owner.tenantId, campaignId)).every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });

  it('SES throttling is retried through the queue with the claim released: every recipient once, campaign sent', async () => {
    const owner = await newTenant('Throttled Jewellers');
    const addresses = await bookOf(owner, 'thr', 12);
    const proxy = await throttlingSesProxy(stack.endpoints.ses!, 7);
    try {
      const sender = sesV2EmailSender(new SESv2Client({ endpoint: proxy.endpoint, maxAttempts: 1 }));
      const campaignId = await newCampaign(owner);
      await sendNow(owner, campaignId);
      const report = await pump({
        urls: stack.queueUrls,
        arns,
        dispatch,
        send: sendHandler({ emailSender: sender }),
        until: sent(owner.tenantId, campaignId),
      });
      expect(proxy.throttledCalls()).toBe(7);
      expect(report.failuresReported).toBe(7);
      expectOnceEach(await sesEmails(stack.endpoints.ses!), addresses);
      const recipients = await recipientsOf(owner.tenantId, campaignId);
      expect(recipients.filter((r) => (r.attempts ?? 0) > 1)).toHaveLength(7);
      expect(await readCampaignCounters(owner.tenantId, campaignId)).toMatchObject({ recipients: 12, sent: 12, failed: 0 });
    } finally {
      await proxy.stop();
    }
  });

  it('throttled on the last allowed receive: the recipient is failed with the reason, before the DLQ', async () => {
    const owner = await newTenant('Exhausted Jewellers');
    const [address] = await bookOf(owner, 'exh', 1);
    const proxy = await throttlingSesProxy(stack.endpoints.ses!, 1000);
    try {
      const campaignId = await newCampaign(owner);
      await sendNow(owner, campaignId);
      const sender = sesV2EmailSender(new SESv2Client({ endpoint: proxy.endpoint, maxAttempts: 1 }));
      // Every receive after the first counts as the eighth (the queue's redrive limit) for this worker.
      const lastReceive = sendHandler({ emailSender: sender });
      const asLastReceive: Handler = (event, context) =>
        lastReceive({ Records: event.Records.map((r) => ({ ...r, attributes: { ...r.attributes, ApproximateReceiveCount: '8' } })) }, context);
      await pump({
        urls: stack.queueUrls,
        arns,
        dispatch,
        send: asLastReceive,
        until: async () => (await recipientsOf(owner.tenantId, campaignId)).some((r) => r.status === 'failed'),
      });
      const [recipient] = await recipientsOf(owner.tenantId, campaignId);
      expect(recipient).toMatchObject({ status: 'failed', reason: 'TooManyRequestsException: retries exhausted' });
      expect(to(await sesEmails(stack.endpoints.ses!), address!)).toHaveLength(0);
      await pump({ urls: stack.queueUrls, arns, dispatch, send: asLastReceive, until: sent(owner.tenantId, campaignId) });
      expect(await readCampaignCounters(owner.tenantId, campaignId)).toMatchObject({ recipients: 1, failed: 1, sent: 0 });
    } finally {
      await proxy.stop();
    }
  });

  it('a worker that dies between SES accepting and recording: one email, the recipient unknown (never resent), campaign sent', async () => {
    const owner = await newTenant('Crashing Jewellers');
    const addresses = await bookOf(owner, 'crash', 6);
    const victim = addresses[2]!;
    const real = sesV2EmailSender();
    let crashed = false;
    const crashing: EmailSender = {
      async send(email) {
        const result = await real.send(email);
        if (email.to === victim && !crashed) {
          crashed = true;
          return new Promise(() => undefined); // the worker never gets past this point
        }
        return result;
      },
    };
    const campaignId = await newCampaign(owner);
    await sendNow(owner, campaignId);
    const report = await pump({
      urls: stack.queueUrls,
      arns,
      dispatch,
      send: sendHandler({ emailSender: crashing }),
      invocationTimeoutMs: 1500,
      until: async () => {
        const recipients = await recipientsOf(owner.tenantId, campaignId);
        return recipients.length === 6 && recipients.filter((r) => r.status === 'sent').length === 5;
      },
    });
    expect(report.abandoned).toBe(1);
    const victimRecipient = (await recipientsOf(owner.tenantId, campaignId)).find((r) => r.status !== 'sent')!;
    expect(victimRecipient.status).toBe('sending');

    // The scheduled reconciler, with the claim now older than any worker lives.
    await reconcilerHandler({ staleClaimSeconds: 0, settleSeconds: 0 });
    expect(await campaignStatus(owner.tenantId, campaignId)).toBe('sent');
    expectOnceEach(await sesEmails(stack.endpoints.ses!), addresses);
    const after = (await recipientsOf(owner.tenantId, campaignId)).find((r) => r.customerId === victimRecipient.customerId)!;
    expect(after).toMatchObject({ status: 'unknown', attempts: 1 });
    // The lost batch's counter increments were rebuilt from the recipients when the campaign was settled.
    expect(await readCampaignCounters(owner.tenantId, campaignId)).toMatchObject({ recipients: 6, sent: 5, unknown: 1 });
  });

  it("a stale claim whose SES answer reached the timeline is settled from it: sent with the message id, or failed", async () => {
    const owner = await newTenant('Settled Jewellers');
    await bookOf(owner, 'settle', 2);
    const campaignId = await newCampaign(owner);
    await sendNow(owner, campaignId);
    await dispatchOnly(async () => (await loadDispatchState(owner.tenantId, campaignId))?.phase === 'watching');
    await loseMessages(stack.queueUrls.sendBulk, stack.queueUrls.sendDispatch);
    // Two workers claimed, heard from SES, wrote the timeline entry, and died before updating the recipient.
    const [accepted, refused] = await recipientsOf(owner.tenantId, campaignId);
    for (const [recipient, status] of [[accepted!, 'sent'], [refused!, 'failed']] as const) {
      const claimedAt = new Date(Date.now() - 60_000).toISOString();
      const communicationSk = campaignCommunicationSk(owner.tenantId, recipient.customerId, claimedAt, campaignId);
      const ref = { tenantId: owner.tenantId, campaignId, customerId: recipient.customerId };
      expect(await transitionRecipient(ref, { from: ['queued'], to: 'sending', set: { claimedAt, communicationSk }, countAttempt: true })).toBe(true);
      await putCampaignCommunication({
        ...ref,
        purpose: 'marketing',
        subject: 'Hello',
        frozenAt: recipient.frozenAt,
        claimedAt,
        status,
        at: claimedAt,
        ...(status === 'sent' ? { providerMessageId: 'ses-message-1' } : { reason: 'MessageRejected' }),
      });
    }
    // The scheduled reconciler, once the claims are older than any worker lives and the dispatch chain is gone.
    await reconcilerHandler({ staleClaimSeconds: 30, settleSeconds: 0, stuckDispatchSeconds: 0 });
    const settled = Object.fromEntries((await recipientsOf(owner.tenantId, campaignId)).map((r) => [r.customerId, r]));
    expect(settled[accepted!.customerId]).toMatchObject({ status: 'sent', messageId: 'ses-message-1' });
    expect(settled[refused!.customerId]).toMatchObject({ status: 'failed' });
    expect(await campaignStatus(owner.tenantId, campaignId)).toBe('sent');
    expect(await readCampaignCounters(owner.tenantId, campaignId)).toMatchObject({ recipients: 2, sent: 1, failed: 1, unknown: 0 });
  });

  it('the reconciler re-enqueues recipients whose messages were lost (local queues live in memory)', async () => {
    const owner = await newTenant('Restarted Jewellers');
    const addresses = await bookOf(owner, 'lost', 8);
    const campaignId = await newCampaign(owner);
    await sendNow(owner, campaignId);
    // Run the dispatch only: the audience is frozen and enqueued, then the queues are lost (a restart).
    await dispatchOnly(async () => (await loadDispatchState(owner.tenantId, campaignId))?.phase === 'watching');
    await loseMessages(stack.queueUrls.sendBulk, stack.queueUrls.sendDispatch);
    expect((await recipientsOf(owner.tenantId, campaignId)).every((r) => r.status === 'queued')).toBe(true);

    await reconcilerHandler({ requeueAfterSeconds: 0, stuckDispatchSeconds: 0 });
    await pump({ urls: stack.queueUrls, arns, dispatch, send: sendHandler(), until: sent(owner.tenantId, campaignId) });
    expectOnceEach(await sesEmails(stack.endpoints.ses!), addresses);
  });
});

describe('the frequency cap at send time', () => {
  it('counts what other campaigns sent between the freeze and the send: overlapping campaigns cannot exceed it', async () => {
    const owner = await newTenant('Capped Jewellers');
    const granted = { email: { marketing: 'granted' } };
    const ida = await newCustomer(owner, { firstName: 'Ida', email: 'ida@cap.example', consent: granted });
    const jon = await newCustomer(owner, { firstName: 'Jon', email: 'jon@cap.example', consent: granted });
    const kit = await newCustomer(owner, { firstName: 'Kit', email: 'kit@cap.example', consent: granted });
    const campaignId = await newCampaign(owner, { customerIds: [ida, jon, kit] });
    await sendNow(owner, campaignId);
    await dispatchOnly(async () => (await loadDispatchState(owner.tenantId, campaignId))?.phase === 'watching');
    // All three were frozen under the cap; other campaigns then reach Ida and Jon before this one's emails go out.
    expect((await recipientsOf(owner.tenantId, campaignId)).every((r) => r.status === 'queued')).toBe(true);
    await recentlyMailed(owner.tenantId, ida);
    await recentlyMailed(owner.tenantId, jon);
    await pump({ urls: stack.queueUrls, arns, dispatch, send: sendHandler(), until: sent(owner.tenantId, campaignId) });
    const results = Object.fromEntries((await recipientsOf(owner.tenantId, campaignId)).map((r) => [r.customerId, r]));
    expect(results[ida]).toMatchObject({ status: 'skipped', skipReason: 'frequency_cap' });
    expect(results[jon]).toMatchObject({ status: 'skipped', skipReason: 'frequency_cap' });
    expect(results[kit]).toMatchObject({ status: 'sent' });
    const metrics = campaignMetrics({ campaignId, status: 'sent' }, await readCampaignCounters(owner.tenantId, campaignId));
    expect(metrics.recipients).toMatchObject({ total: 3, sent: 1, skipped: { total: 2, frequencyCap: 2 }, pending: 0 });
  });

  it("a tenant's campaigns started together take turns, so the cap holds across them", async () => {
    const owner = await newTenant('Turn-taking Jewellers');
    const granted = { email: { marketing: 'granted' } };
    const customers = await Promise.all(
      ['lea', 'max', 'ned', 'ola'].map((name) => newCustomer(owner, { firstName: name, email: `${name}@turns.example`, consent: granted })),
    );
    // Two marketing emails each this week: one more is allowed under the default cap of 3 in 7 days.
    for (const customerId of customers) await recentlyMailed(owner.tenantId, customerId, 2);
    const first = await newCampaign(owner, { customerIds: customers }, 'First');
    const second = await newCampaign(owner, { customerIds: customers }, 'Second');
    await sendNow(owner, first);
    await sendNow(owner, second);
    // The dispatch alone: the first campaign enqueues all its recipients; the second, frozen, takes enqueue rounds
    // that put nothing on the queue while the first is sending.
    let secondRoundsFrom: number | undefined;
    await dispatchOnly(async () => {
      const [a, b] = await Promise.all([loadDispatchState(owner.tenantId, first), loadDispatchState(owner.tenantId, second)]);
      if (b?.phase === 'enqueueing' && secondRoundsFrom === undefined) secondRoundsFrom = b.step;
      return a?.phase === 'watching' && secondRoundsFrom !== undefined && (b?.step ?? 0) >= secondRoundsFrom + 3;
    });
    expect((await loadDispatchState(owner.tenantId, second))?.pass?.enqueued).toBe(0);
    await pump({
      urls: stack.queueUrls,
      arns,
      dispatch,
      send: sendHandler(),
      until: async () => (await sent(owner.tenantId, first)()) && (await sent(owner.tenantId, second)()),
    });
    const emails = (await sesEmails(stack.endpoints.ses!)).filter((email) => email.destination.to[0]?.endsWith('@turns.example'));
    expect(emails.map((email) => email.destination.to[0]).sort()).toEqual(['lea@turns.example', 'max@turns.example', 'ned@turns.example', 'ola@turns.example']);
    expect(emails.every((email) => email.subject !== undefined)).toBe(true);
    const firstMetrics = campaignMetrics({ campaignId: first, status: 'sent' }, await readCampaignCounters(owner.tenantId, first));
    const secondMetrics = campaignMetrics({ campaignId: second, status: 'sent' }, await readCampaignCounters(owner.tenantId, second));
    expect(firstMetrics.recipients).toMatchObject({ total: 4, sent: 4, pending: 0 });
    expect(secondMetrics.recipients).toMatchObject({ total: 4, sent: 0, skipped: { total: 4, frequencyCap: 4 }, pending: 0 });
  });
});

describe('pause and cancel', () => {
  it('a paused campaign sends nothing more; resumed, it finishes; a cancelled one marks the rest cancelled', async () => {
    const owner = await newTenant('Paused Jewellers');
    for (let i = 0; i < 6; i++) await newCustomer(owner, { firstName: `P${i}`, email: `p${i}@pause.example`, consent: { email: { marketing: 'granted' } } });
    const deps = { ...defaultLifecycleDeps, sendPort: { startCampaignSend: (t: string, c: string) => startCampaignSend(t, c) } };

    const campaignId = await newCampaign(owner);
    await sendNow(owner, campaignId);
    const enqueued = async (id: string) => (await loadDispatchState(owner.tenantId, id))?.phase === 'watching';
    await dispatchOnly(() => enqueued(campaignId));
    expect(await drained(stack.queueUrls.sendBulk)).toBe(false);
    await runCampaignCommand(owner, campaignId, { type: 'pause' }, deps);
    // Workers receive the enqueued messages while paused: nothing is sent and the recipients stay queued.
    await pump({ urls: stack.queueUrls, arns, dispatch, send: sendHandler(), until: () => drained(stack.queueUrls.sendBulk) });
    expect((await sesEmails(stack.endpoints.ses!)).filter((e) => e.destination.to[0]?.endsWith('@pause.example'))).toHaveLength(0);
    expect((await recipientsOf(owner.tenantId, campaignId)).every((r) => r.status === 'queued')).toBe(true);

    await runCampaignCommand(owner, campaignId, { type: 'resume' }, deps);
    await pump({ urls: stack.queueUrls, arns, dispatch, send: sendHandler(), until: sent(owner.tenantId, campaignId) });
    expect((await sesEmails(stack.endpoints.ses!)).filter((e) => e.destination.to[0]?.endsWith('@pause.example'))).toHaveLength(6);

    const cancelled = await newCampaign(owner, { all: true }, 'Cancelled');
    await sendNow(owner, cancelled);
    await dispatchOnly(() => enqueued(cancelled));
    await runCampaignCommand(owner, cancelled, { type: 'cancel' }, deps);
    await pump({
      urls: stack.queueUrls,
      arns,
      dispatch,
      send: sendHandler(),
      until: async () => (await recipientsOf(owner.tenantId, cancelled)).every((r) => r.status === 'cancelled'),
    });
    expect(await readCampaignCounters(owner.tenantId, cancelled)).toMatchObject({ recipients: 6, cancelled: 6, sent: 0 });
  });
});

/** What a restart does to the in-memory local queues (PurgeQueue allows one call a minute, too few for these tests). */
async function loseMessages(...queueUrls: string[]): Promise<void> {
  for (const queueUrl of queueUrls) await receiveAll(queueUrl);
}

async function drained(queueUrl: string): Promise<boolean> {
  const { GetQueueAttributesCommand } = await import('@aws-sdk/client-sqs');
  const sqs = new SQSClient({});
  try {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    return Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0) === 0;
  } finally {
    sqs.destroy();
  }
}
