/**
 * The engagement loop over the emulators (dynalite behind the transaction shim, local-aws-sqs, aws-ses-v2-local with
 * the SES event simulator in front): a campaign goes through the real send pipeline, the simulator turns every accepted
 * message into the EventBridge events SES would publish, and the test delivers them to the handler the way EventBridge
 * may: duplicated, reordered, concurrently. Then opens and clicks through the tracking routes (forged, replayed and
 * open-redirect tokens included), and a purchase attributed to the click.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sesEventsHandler } from '../../functions/events/ses-events';
import { dispatchWorker } from '../../functions/queue/dispatch-worker';
import { sendWorker } from '../../functions/queue/send-worker';
import { trackingApi } from '../../functions/http/tracking';
import { startSesEventSimulator, type SesEventBridgeEvent, type SesEventSimulator } from '../../local/ses/event-simulator';
import type { Principal } from '../../shared/auth/roles';
import type { QueueId } from '../../shared/config/queues';
import { campaignMetrics } from '../../shared/domain/campaigns/campaign-metrics';
import { loadCampaign, readCampaignCounters } from '../../shared/domain/campaigns/campaign-repository';
import { campaignCreateSchema } from '../../shared/domain/campaigns/campaign-schema';
import { createCampaign } from '../../shared/domain/campaigns/campaign-writes';
import { addressHash } from '../../shared/domain/customers/address-hash';
import { attributePurchaseReaction } from '../../shared/domain/engagement/attribution-reaction';
import { attributeRecordedPurchase } from '../../shared/domain/engagement/attribution-service';
import { readRecipient } from '../../shared/domain/engagement/engagement-store';
import { loadHub } from '../../shared/domain/engagement/hub';
import { windowFigures } from '../../shared/domain/engagement/reputation-store';
import { signTrackingToken, verifyTrackingToken } from '../../shared/domain/engagement/tracking-token';
import { recordPurchase } from '../../shared/domain/records/purchase-service';
import { SendSpacer } from '../../shared/domain/sending/pacing';
import { listRecipientResults } from '../../shared/domain/sending/recipient-results';
import { fixedSigningKey } from '../../shared/domain/unsubscribe/signing-key';
import { signUnsubscribeToken } from '../../shared/domain/unsubscribe/unsubscribe-token';
import type { DomainEvent } from '../../shared/events/domain-events';
import { documentClient } from '../../shared/store/dynamo';
import { keys } from '../../shared/store/keys';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { apiEvent, callRoute } from '../support/http';
import { campaignStatus, newCustomer, newTenant, pump, queueArns, sendNow, sesEmails, type Handler, type StoredEmail } from '../sending/pipeline-support';

const SIGNING_KEY = 'engagement-test-signing-key-0123456789abcdef';
const API = 'https://api.facet.example';
const HUMAN = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
const LINK = 'https://aurora.example.com/new-in?utm_source=facet&utm_medium=email';

let stack: TestEmulators;
let simulator: SesEventSimulator;
let arns: Record<QueueId, string>;

beforeAll(async () => {
  process.env.SIGNING_KEY = SIGNING_KEY;
  process.env.PUBLIC_API_URL = API;
  process.env.SES_CONFIGURATION_SET = 'facet-test';
  stack = await startEmulators({ sqs: true, ses: true });
  // Every SES call goes through the simulator, which holds the events for the tests to deliver as they like.
  simulator = await startSesEventSimulator({ upstream: stack.endpoints.ses!, hold: true });
  process.env.AWS_ENDPOINT_URL_SESV2 = simulator.endpoint;
  arns = await queueArns(stack.queueUrls);
});

afterAll(async () => {
  await simulator?.stop();
  await stack?.stop();
});

const dispatch = dispatchWorker({ roundDelaySeconds: 0, idleRoundDelaySeconds: 0, watchDelaySeconds: 0, accountRate: () => 1000 });
const liveStatus = async (tenantId: string, campaignId: string) => (await loadCampaign(tenantId, campaignId))?.campaign.status;
const send = sendWorker({ spacer: new SendSpacer(10_000), throttleBackoff: () => 1, campaignStatus: liveStatus }) as Handler;
const sesEvents = sesEventsHandler({ publisher: undefined });

async function sendCampaign(owner: Principal, customerIds: string[], name: string): Promise<string> {
  const campaign = await createCampaign(
    owner,
    campaignCreateSchema.parse({
      name,
      content: {
        subject: 'New in, {{ customer.first_name }}',
        html: `<html><body><p>Dear {{ customer.first_name }}, see <a href="${LINK.replace(/&/g, '&amp;')}">what is new</a>.</p><p><a href="mailto:shop@aurora.example.com">Write to us</a></p></body></html>`,
      },
      recipients: { customerIds },
    }),
  );
  await sendNow(owner, campaign.campaignId);
  await pump({ urls: stack.queueUrls, arns, dispatch, send, until: async () => (await campaignStatus(owner.tenantId, campaign.campaignId)) === 'sent' });
  return campaign.campaignId;
}

const metricsOf = async (tenantId: string, campaignId: string) =>
  campaignMetrics({ campaignId, status: 'sent' }, await readCampaignCounters(tenantId, campaignId));

const to = (emails: StoredEmail[], address: string) => emails.find((email) => email.destination.to.includes(address))!;
const hrefs = (html: string) => [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
const tokenOf = (url: string, kind: 'o' | 'c') => new RegExp(`/t/${kind}/([^/?#"]+)`).exec(url)?.[1];

const tracking = trackingApi({ keys: fixedSigningKey(SIGNING_KEY) });
const later = (days: number) => trackingApi({ keys: fixedSigningKey(SIGNING_KEY), now: () => new Date(Date.now() + days * 24 * 3600_000) });

function track(kind: 'o' | 'c', token: string, headers: Record<string, string> = { 'user-agent': HUMAN, 'x-forwarded-for': '198.51.100.7' }, handler = tracking) {
  return callRoute(
    handler,
    apiEvent({ method: 'GET', path: `/t/${kind}/${token}`, routeKey: `GET /t/${kind}/{token}`, pathParameters: { token }, headers }),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the engagement loop', () => {
  let owner: Principal;
  let campaignId: string;
  let ids: Record<'ann' | 'bob' | 'bouncer' | 'complainer', string>;
  let events: SesEventBridgeEvent[];
  let emails: StoredEmail[];

  beforeAll(async () => {
    owner = await newTenant('Aurora Fine Jewellery');
    const consenting = (email: string, firstName: string) => newCustomer(owner, { firstName, email, consent: { email: { marketing: 'granted' } } });
    ids = {
      ann: await consenting('ann@engagement.example', 'Ann'),
      bob: await consenting('bob@engagement.example', 'Bob'),
      bouncer: await consenting('bounce+loop@simulator.amazonses.com', 'Bea'),
      complainer: await consenting('complaint+loop@simulator.amazonses.com', 'Cal'),
    };
    campaignId = await sendCampaign(owner, Object.values(ids), 'New in');
    events = simulator.take();
    emails = await sesEmails(simulator.endpoint);
  });

  it('produces the events SES would: Send for each, Delivery, a permanent Bounce, Delivery then Complaint', () => {
    const kinds = events.map((e) => `${e['detail-type']}:${e.detail.mail.destination[0]}`).sort();
    expect(kinds).toEqual(
      [
        'Email Sent:ann@engagement.example',
        'Email Sent:bob@engagement.example',
        'Email Sent:bounce+loop@simulator.amazonses.com',
        'Email Sent:complaint+loop@simulator.amazonses.com',
        'Email Delivered:ann@engagement.example',
        'Email Delivered:bob@engagement.example',
        'Email Delivered:complaint+loop@simulator.amazonses.com',
        'Email Bounced:bounce+loop@simulator.amazonses.com',
        'Email Complaint Received:complaint+loop@simulator.amazonses.com',
      ].sort(),
    );
    expect(events.every((e) => e.detail.mail.tags.campaign?.[0] === campaignId && e.detail.mail.tags['ses:configuration-set']?.[0] === 'facet-test')).toBe(true);
  });

  it('counts each recipient once when events arrive reversed, twice and concurrently; a late Delivery never overwrites a Complaint', async () => {
    const reversed = [...events].reverse();
    const outcomes = await Promise.all([...reversed, ...reversed].map((event) => sesEvents(event)));
    expect(outcomes.filter((o) => o.outcome === 'applied')).toHaveLength(events.length);

    const metrics = await metricsOf(owner.tenantId, campaignId);
    expect(metrics).toMatchObject({ delivered: 3, bounced: 1, complained: 1, opened: { unique: 0, total: 0 }, recipients: { sent: 4 } });
    expect(metrics.rates).toMatchObject({ delivery: 0.75, bounce: 0.25, complaint: 0.25 });

    const status = async (customerId: string) => (await readRecipient({ tenantId: owner.tenantId, campaignId, customerId }))!.engagement.delivery;
    expect(await status(ids.ann)).toBe('delivered');
    expect(await status(ids.bouncer)).toBe('bounced');
    expect(await status(ids.complainer)).toBe('complained');

    // The reputation figures of the day: one send each, one hard bounce, one complaint.
    expect(await windowFigures(owner.tenantId, new Date())).toEqual({ sends: 4, bounces: 1, complaints: 1 });

    // Everything once more, in order: nothing moves.
    const before = await readCampaignCounters(owner.tenantId, campaignId);
    for (const event of events) expect((await sesEvents(event)).outcome).toBe('unchanged');
    expect(await readCampaignCounters(owner.tenantId, campaignId)).toEqual(before);
  });

  it('suppresses the hard-bounced and the complaining address, and withdraws the complainer\'s marketing consent (source complaint)', async () => {
    const entry = async (address: string) =>
      (
        await documentClient.send(
          new GetCommand({ TableName: stack.tableName, Key: keys.suppression(owner.tenantId, 'email', addressHash(owner.tenantId, 'email', address)), ConsistentRead: true }),
        )
      ).Item;
    expect(await entry('bounce+loop@simulator.amazonses.com')).toMatchObject({ reason: 'hard_bounce', scope: 'all', createdBy: 'system' });
    expect(await entry('complaint+loop@simulator.amazonses.com')).toMatchObject({ reason: 'complaint', scope: 'all' });
    expect(await entry('ann@engagement.example')).toBeUndefined();

    const { Item: complainer } = await documentClient.send(new GetCommand({ TableName: stack.tableName, Key: keys.customer(owner.tenantId, ids.complainer), ConsistentRead: true }));
    expect(complainer!.consent.email.marketing).toMatchObject({ status: 'withdrawn', source: 'complaint' });
    expect(complainer!.consent.email.service).toMatchObject({ status: 'granted' });
  });

  it("moves the customer's timeline entry forward with the delivery", async () => {
    const { Items } = await documentClient.send(
      new QueryCommand({
        TableName: stack.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :comm)',
        ExpressionAttributeValues: { ':pk': keys.customerCollection(owner.tenantId, ids.complainer).pk, ':comm': 'COMM#' },
      }),
    );
    expect(Items![0]).toMatchObject({ status: 'complained' });
    expect((Items![0]!.statusHistory as { status: string }[]).map((s) => s.status)).toEqual(['queued', 'sent', 'delivered', 'complained']);
  });

  it('tracks links and the open pixel in the sent email, and leaves the unsubscribe link and mailto alone', () => {
    const links = hrefs(to(emails, 'ann@engagement.example').body.html!);
    const tracked = links.filter((href) => href.startsWith(`${API}/t/c/`));
    expect(tracked).toHaveLength(1);
    expect(verifyTrackingToken(tokenOf(tracked[0]!, 'c')!, 'click', Buffer.from(SIGNING_KEY))).toMatchObject({ url: LINK, customerId: ids.ann, campaignId });
    expect(links).toContain('mailto:shop@aurora.example.com');
    expect(links.some((href) => href.startsWith(`${API}/u/`))).toBe(true);
    expect(to(emails, 'ann@engagement.example').body.html).toMatch(/<img src="https:\/\/api\.facet\.example\/t\/o\/[^"]+"/);
  });

  it('redirects a click to the link in the message and counts a replay in the total only', async () => {
    // A person does not click within two seconds of delivery (that is a link scanner).
    await sleep(2_100);
    const link = hrefs(to(emails, 'ann@engagement.example').body.html!).find((href) => href.startsWith(`${API}/t/c/`))!;
    const first = await track('c', tokenOf(link, 'c')!);
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe(LINK);
    expect(first.headers['cache-control']).toContain('no-store');
    expect(first.headers['referrer-policy']).toBe('no-referrer');
    expect((await track('c', tokenOf(link, 'c')!)).status).toBe(302);

    const metrics = await metricsOf(owner.tenantId, campaignId);
    expect(metrics.clicked).toEqual({ unique: 1, total: 2 });
    // The click is Ann's open too (images were not loaded): unique, and in the total, which never reads below it.
    expect(metrics.opened).toEqual({ unique: 1, total: 1 });
  });

  it('flags machine opens (Apple Mail Privacy Protection, scanners) and counts them in the total only', async () => {
    const pixel = /src="([^"]+\/t\/o\/[^"]+)"/.exec(to(emails, 'bob@engagement.example').body.html!)![1]!;
    const token = tokenOf(pixel, 'o')!;
    const apple = await track('o', token, { 'user-agent': 'Mozilla/5.0', 'x-forwarded-for': '17.58.101.4' });
    expect(apple.status).toBe(200);
    expect(apple.headers['content-type']).toBe('image/gif');
    await track('o', token, { 'user-agent': 'Barracuda Sentinel (EE)', 'x-forwarded-for': '203.0.113.9' });
    let metrics = await metricsOf(owner.tenantId, campaignId);
    // Ann's implied open (her click) and Bob's two machine opens.
    expect(metrics.opened).toEqual({ unique: 1, total: 3 });

    await track('o', token);
    await track('o', token);
    metrics = await metricsOf(owner.tenantId, campaignId);
    expect(metrics.opened).toEqual({ unique: 2, total: 5 });
    expect(metrics.rates.open).toBeCloseTo(2 / 3);
    const bob = (await readRecipient({ tenantId: owner.tenantId, campaignId, customerId: ids.bob }))!.engagement;
    expect(bob).toMatchObject({ opens: 4, machineOpens: 2 });
  });

  it('refuses forged tokens and the open-redirect attempt with a 404, counting nothing and redirecting nowhere', async () => {
    const link = hrefs(to(emails, 'ann@engagement.example').body.html!).find((href) => href.startsWith(`${API}/t/c/`))!;
    const genuine = tokenOf(link, 'c')!;
    const claims = verifyTrackingToken(genuine, 'click', Buffer.from(SIGNING_KEY))!;
    const before = await readCampaignCounters(owner.tenantId, campaignId);

    // The same token with another target (its MAC kept): the open-redirect attempt.
    const payload = Buffer.from(genuine.split('.')[0]!, 'base64url').toString('utf8').replace(LINK, 'https://evil.example.net/login');
    const redirected = await track('c', `${Buffer.from(payload).toString('base64url')}.${genuine.split('.')[1]}`);
    expect(redirected.status).toBe(404);
    expect(redirected.headers.location).toBeUndefined();
    expect(redirected.headers['content-type']).toBe('application/problem+json');

    const otherKey = signTrackingToken({ ...claims, url: 'https://evil.example.net/' }, Buffer.from('a-different-key-that-nobody-should-have-0123'));
    expect((await track('c', otherKey)).status).toBe(404);
    const unsubscribe = signUnsubscribeToken({ tenantId: owner.tenantId, customerId: ids.ann, channel: 'email', campaignId }, Buffer.from(SIGNING_KEY));
    expect((await track('c', unsubscribe)).status).toBe(404);
    expect((await track('o', genuine)).status).toBe(404);
    expect((await track('c', `${genuine.slice(0, -3)}AAA`)).status).toBe(404);

    expect(await readCampaignCounters(owner.tenantId, campaignId)).toEqual(before);
  });

  it('still redirects after the attribution window plus 30 days, but no longer counts', async () => {
    const link = hrefs(to(emails, 'ann@engagement.example').body.html!).find((href) => href.startsWith(`${API}/t/c/`))!;
    const before = await readCampaignCounters(owner.tenantId, campaignId);
    const late = await track('c', tokenOf(link, 'c')!, undefined, later(7 + 30 + 1));
    expect(late.status).toBe(302);
    expect(late.headers.location).toBe(LINK);
    expect(await readCampaignCounters(owner.tenantId, campaignId)).toEqual(before);
  });

  it('attributes a purchase after the click to the campaign, once, per campaign and per recipient; the hub shows it', async () => {
    const published: DomainEvent[] = [];
    const outcome = await recordPurchase(
      { tenantId: owner.tenantId, actor: owner, source: 'api', publisher: { publish: async (events) => void published.push(...events) } },
      ids.ann,
      { purchasedAt: new Date().toISOString(), lines: [{ department: 'rings', metal: 'gold', description: 'Sapphire ring', amount: 245_000, quantity: 1 }] } as never,
    );
    expect(outcome.outcome).toBe('created');
    const recorded = published.find((event): event is Extract<DomainEvent, { type: 'purchase.recorded' }> => event.type === 'purchase.recorded')!;

    await attributePurchaseReaction.run(recorded);
    // Delivered twice (at least once): counted once.
    expect(await attributeRecordedPurchase(recorded)).toEqual({ kind: 'already_attributed' });

    const metrics = await metricsOf(owner.tenantId, campaignId);
    expect(metrics.attribution).toEqual({ orders: 1, revenue: 245_000, conversionRate: 1 / 3 });
    const results = await listRecipientResults(owner.tenantId, campaignId, { limit: 10 });
    const ann = results.items.find((item) => item.customerId === ids.ann)!;
    expect(ann.engagement).toMatchObject({ delivery: 'delivered', clicks: 2, attributedOrders: 1, attributedRevenue: 245_000 });

    // Bob only opened; a purchase of his goes to that open. Bea's hard bounce earns nothing.
    const bobBuys = { ...recorded, eventId: 'e-bob', customerId: ids.bob, purchaseId: 'p-bob', amount: 10_000 };
    expect(await attributeRecordedPurchase(bobBuys)).toMatchObject({ kind: 'attributed', attribution: { campaignId, touch: 'open' } });
    expect(await attributeRecordedPurchase({ ...recorded, eventId: 'e-bea', customerId: ids.bouncer, purchaseId: 'p-bea' })).toEqual({ kind: 'unattributed' });

    const hub = await loadHub(owner.tenantId);
    expect(hub.attribution).toMatchObject({ orders: 2, revenue: 255_000, campaigns: { orders: 2, revenue: 255_000 }, automations: { orders: 0, revenue: 0 } });
    expect(hub.recentCampaigns[0]).toMatchObject({ campaignId, status: 'sent', sent: 4, delivered: 3, attributedOrders: 2, attributedRevenue: 255_000 });
    expect(hub.recentCampaigns[0]!.rates).toMatchObject({ delivery: 0.75, open: 2 / 3, click: 1 / 3 });
    expect(hub).toMatchObject({ campaigns: { active: { total: 0 }, drafts: 0 }, automations: { on: 0 }, reputation: { status: 'ok' } });
  });
});
