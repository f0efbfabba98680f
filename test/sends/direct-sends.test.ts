/**
 * Bulk sends, one-to-one messages and campaign test sends through the API and the real send pipeline (dispatcher,
 * gates, bulk lane, send workers, reconciler) into the SES emulator, read back through its `GET /store`; and the
 * Idempotency-Key on every sending route, the campaign send included.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignsApi } from '../../functions/http/campaigns';
import { handler as customersHandler } from '../../functions/http/customers';
import { sendsApi } from '../../functions/http/sends';
import { senderIdentityApi } from '../../functions/http/sender-identity';
import { dispatchWorker } from '../../functions/queue/dispatch-worker';
import { sendWorker } from '../../functions/queue/send-worker';
import type { Principal } from '../../shared/auth/roles';
import type { QueueId } from '../../shared/config/queues';
import { listCampaigns, loadCampaign, readCampaignCounters } from '../../shared/domain/campaigns/campaign-repository';
import { defaultLifecycleDeps } from '../../shared/domain/campaigns/default-deps';
import { sendOriginOf } from '../../shared/domain/direct-sends/send-origin';
import { SendSpacer } from '../../shared/domain/sending/pacing';
import { sendPipeline } from '../../shared/domain/sending/start-send';
import { createStaffMember } from '../../shared/domain/staff/staff-repository';
import { documentClient } from '../../shared/store/dynamo';
import { keys } from '../../shared/store/keys';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { apiEvent, callRoute } from '../support/http';
import { header, newCampaign, newCustomer, newTenant, queueArns, sesEmails, type Handler, type StoredEmail } from '../sending/pipeline-support';
import { deliverOnBothLanes } from './deliver';

let stack: TestEmulators;
let arns: Record<QueueId, string>;
let owner: Principal;
let stranger: Principal;
const ids: Record<string, string> = {};

const lifecycle = { ...defaultLifecycleDeps, sendPort: sendPipeline };
const sends = sendsApi({ sendPort: sendPipeline, now: () => new Date() });
const campaigns = campaignsApi(lifecycle);
const dispatch = dispatchWorker({ roundDelaySeconds: 0, idleRoundDelaySeconds: 0, watchDelaySeconds: 0, accountRate: () => 1000 });
const liveStatus = async (tenantId: string, campaignId: string) => (await loadCampaign(tenantId, campaignId))?.campaign.status;
const send = sendWorker({ spacer: new SendSpacer(10_000), throttleBackoff: () => 1, campaignStatus: liveStatus }) as Handler;

const sentStatus = (tenantId: string, sendId: string) => async () => (await liveStatus(tenantId, sendId)) === 'sent';
const deliver = (tenantId: string, sendId: string) => deliverOnBothLanes({ urls: stack.queueUrls, arns, dispatch, send, until: sentStatus(tenantId, sendId) });
const mailTo = async (address: string): Promise<StoredEmail[]> =>
  (await sesEmails(stack.endpoints.ses!)).filter((email) => email.destination.to.includes(address));

function post(handler: typeof sends, principal: Principal, path: string, routeKey: string, options: { body?: unknown; key?: string; params?: Record<string, string> } = {}) {
  return callRoute(
    handler,
    apiEvent({
      method: 'POST',
      path,
      routeKey: `POST ${routeKey}`,
      principal,
      ...(options.params ? { pathParameters: options.params } : {}),
      ...(options.body === undefined ? {} : { body: options.body }),
      ...(options.key === undefined ? {} : { headers: { 'Idempotency-Key': options.key } }),
    }),
  );
}

const bulk = (principal: Principal, body: unknown, key?: string) =>
  post(sends, principal, '/v1/sends/bulk', '/v1/sends/bulk', { body, ...(key ? { key } : {}) });
const oneToOne = (principal: Principal, customerId: string, body: unknown, key?: string) =>
  post(sends, principal, `/v1/customers/${customerId}/messages`, '/v1/customers/{customerId}/messages', {
    body,
    params: { customerId },
    ...(key ? { key } : {}),
  });
const getSend = (principal: Principal, sendId: string) =>
  callRoute(sends, apiEvent({ method: 'GET', path: `/v1/sends/${sendId}`, routeKey: 'GET /v1/sends/{sendId}', pathParameters: { sendId }, principal }));
const campaignSend = (principal: Principal, campaignId: string, key?: string) =>
  post(campaigns, principal, `/v1/campaigns/${campaignId}/send`, '/v1/campaigns/{campaignId}/send', { params: { campaignId }, ...(key ? { key } : {}) });
const campaignTest = (principal: Principal, campaignId: string, body?: unknown, key?: string) =>
  post(campaigns, principal, `/v1/campaigns/${campaignId}/test`, '/v1/campaigns/{campaignId}/test', {
    params: { campaignId },
    ...(body === undefined ? {} : { body }),
    ...(key ? { key } : {}),
  });

/** The customer's timeline entries, through the communications route. */
async function timeline(principal: Principal, customerId: string): Promise<{ campaignId?: string; kind: string; status: string; subject?: string }[]> {
  const result = await callRoute(
    customersHandler,
    apiEvent({
      method: 'GET',
      path: `/v1/customers/${customerId}/communications`,
      routeKey: 'GET /v1/customers/{customerId}/communications',
      pathParameters: { customerId },
      principal,
    }),
  );
  expect(result.status).toBe(200);
  return result.body.items;
}

beforeAll(async () => {
  process.env.SIGNING_KEY = 'test-signing-key-0123456789abcdefghijklmnop';
  process.env.PUBLIC_API_URL = 'https://api.facet.example';
  stack = await startEmulators({ sqs: true, ses: true });
  arns = await queueArns(stack.queueUrls);
  owner = await newTenant('Bella Jewels');
  stranger = await newTenant('Other Jeweller');
  const granted = { email: { marketing: 'granted' } };
  ids.ann = await newCustomer(owner, { firstName: 'Ann', email: 'ann@direct.example', consent: granted });
  ids.bob = await newCustomer(owner, { firstName: 'Bob', email: 'bob@direct.example', consent: granted });
  ids.eve = await newCustomer(owner, { firstName: 'Eve', email: 'eve@direct.example' });
  ids.fay = await newCustomer(owner, { firstName: 'Fay', consent: granted });
  ids.gil = await newCustomer(owner, { firstName: 'Gil', email: 'gil@direct.example', consent: { email: { service: 'granted' } } });
  // Receives nothing but the campaign test (the others reach the marketing frequency cap along the way).
  ids.hal = await newCustomer(owner, { firstName: 'Hal', email: 'hal@direct.example', consent: granted });
  ids.foreign = await newCustomer(stranger, { firstName: 'Zed', email: 'zed@direct.example', consent: granted });
});

afterAll(async () => stack?.stop());

describe('POST /v1/sends/bulk', () => {
  let sendId: string;

  beforeAll(async () => {
    const started = await bulk(owner, {
      subject: 'Hello {{ customer.first_name }}',
      html: '<html><body><p>Dear {{ customer.first_name }}, the winter collection at {{ store.name }}.</p></body></html>',
      recipients: { customerIds: [ids.ann, ids.bob, ids.eve, ids.fay] },
    });
    expect(started.status).toBe(202);
    sendId = started.body.sendId;
    expect(started.headers.location).toBe(`/v1/sends/${sendId}`);
    expect(started.body).toMatchObject({ origin: 'bulk', status: 'sending', subject: 'Hello {{ customer.first_name }}' });
    await deliver(owner.tenantId, sendId);
  });

  it('sends one rendered email per consenting customer with an address, through the pipeline', async () => {
    const ann = await mailTo('ann@direct.example');
    expect(ann).toHaveLength(1);
    expect(ann[0]!.subject).toBe('Hello Ann');
    expect(ann[0]!.from).toContain('no-reply@mail.facet.example');
    expect(ann[0]!.from).toContain('Bella Jewels');
    expect(header(ann[0]!, 'List-Unsubscribe')).toMatch(/^<https:\/\/api\.facet\.example\/u\/.+>$/);
    expect(header(ann[0]!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(await mailTo('bob@direct.example')).toHaveLength(1);
    expect(await mailTo('eve@direct.example')).toHaveLength(0);
  });

  it('reports the send with the gates counted by reason, and completes it', async () => {
    const read = await getSend(owner, sendId);
    expect(read.status).toBe(200);
    expect(read.body.status).toBe('sent');
    expect(read.body.metrics.recipients).toMatchObject({ total: 4, sent: 2, skipped: { total: 2, noConsent: 1, noAddress: 1 } });
  });

  it("records the email on each recipient's timeline", async () => {
    const entries = (await timeline(owner, ids.ann!)).filter((entry) => entry.campaignId === sendId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: 'bulk', status: 'sent', subject: 'Hello Ann' });
  });

  it('is marked as a bulk send, marketing, on the bulk lane (what the pipeline reads from ./send-origin.ts)', async () => {
    const loaded = await loadCampaign(owner.tenantId, sendId);
    expect(sendOriginOf(loaded!.item)).toEqual({ origin: 'bulk', communicationKind: 'bulk', purpose: 'marketing', lane: 'bulk' });
  });

  it('is not a saved campaign: absent from the campaign list while it sends', async () => {
    const started = await bulk(owner, { subject: 'Quiet', html: '<p>Hi</p>', recipients: { customerIds: [ids.eve] } });
    const listed = await listCampaigns(owner.tenantId, {}, { limit: 100 });
    expect(listed.items.map((campaign) => campaign.campaignId)).not.toContain(started.body.sendId);
    await deliver(owner.tenantId, started.body.sendId);
  });

  it('checks the message like a template (400 naming the field, line and column) and sends nothing', async () => {
    const refused = await bulk(owner, { subject: 'Hi {{ customer.shoe_size }}', html: '<p>x</p>', recipients: { all: true } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].path).toMatch(/^body\.subject/);
    expect(refused.body.errors[0].message).toMatch(/shoe_size/);
  });

  it('refuses an unknown segment with 422, another tenant\'s id is unknown too', async () => {
    const refused = await bulk(owner, { subject: 'Hi', html: '<p>x</p>', recipients: { segmentId: 'no-such-segment' } });
    expect(refused.status).toBe(422);
  });

  it('is for owners and managers only', async () => {
    const refused = await bulk({ ...owner, role: 'salesperson' }, { subject: 'Hi', html: '<p>x</p>', recipients: { all: true } });
    expect(refused.status).toBe(403);
  });

  it("answers 404 for another tenant's send", async () => {
    expect((await getSend(stranger, sendId)).status).toBe(404);
  });
});

describe('POST /v1/customers/{customerId}/messages', () => {
  it('sends one email to that customer through the pipeline, recorded on their timeline', async () => {
    const started = await oneToOne({ ...owner, role: 'salesperson' }, ids.bob!, {
      subject: 'Your ring is ready, {{ customer.first_name }}',
      html: '<p>Come and collect it any time this week.</p>',
    });
    expect(started.status).toBe(202);
    expect(started.body.origin).toBe('one_to_one');
    await deliver(owner.tenantId, started.body.sendId);
    const bob = (await mailTo('bob@direct.example')).filter((email) => email.subject === 'Your ring is ready, Bob');
    expect(bob).toHaveLength(1);
    const entries = (await timeline(owner, ids.bob!)).filter((entry) => entry.campaignId === started.body.sendId);
    expect(entries.map((entry) => entry.kind)).toEqual(['one_to_one']);
    const loaded = await loadCampaign(owner.tenantId, started.body.sendId);
    expect(sendOriginOf(loaded!.item)).toMatchObject({ origin: 'one_to_one', communicationKind: 'one_to_one', lane: 'priority' });
  });

  it('keeps the purpose: a service message goes to a customer with service consent only, a marketing one does not', async () => {
    const service = await oneToOne(owner, ids.gil!, { subject: 'Repair update', html: '<p>Done.</p>', purpose: 'service' });
    expect(service.status).toBe(202);
    const loaded = await loadCampaign(owner.tenantId, service.body.sendId);
    expect(sendOriginOf(loaded!.item).purpose).toBe('service');
    await deliver(owner.tenantId, service.body.sendId);
    const marketing = await oneToOne(owner, ids.gil!, { subject: 'New arrivals', html: '<p>Come and see.</p>' });
    await deliver(owner.tenantId, marketing.body.sendId);
    expect((await mailTo('gil@direct.example')).map((email) => email.subject)).toEqual(['Repair update']);
    expect((await getSend(owner, marketing.body.sendId)).body.metrics.recipients.skipped.noConsent).toBe(1);
  });

  it("answers 404 for a customer of another tenant or no customer at all, and sends nothing", async () => {
    expect((await oneToOne(owner, ids.foreign!, { subject: 'Hi', html: '<p>x</p>' })).status).toBe(404);
    expect((await oneToOne(owner, 'no-such-customer', { subject: 'Hi', html: '<p>x</p>' })).status).toBe(404);
    expect(await mailTo('zed@direct.example')).toHaveLength(0);
  });

  it('is not for the workshop', async () => {
    expect((await oneToOne({ ...owner, role: 'workshop' }, ids.ann!, { subject: 'Hi', html: '<p>x</p>' })).status).toBe(403);
  });
});

describe('Idempotency-Key on the sending routes', () => {
  it('a retried bulk send returns the first answer and sends nothing new', async () => {
    const body = { subject: 'Flash sale', html: '<p>Today only</p>', recipients: { customerIds: [ids.ann] } };
    const first = await bulk(owner, body, 'bulk-key-1');
    const retry = await bulk(owner, body, 'bulk-key-1');
    expect(retry.status).toBe(202);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    await deliver(owner.tenantId, first.body.sendId);
    expect((await mailTo('ann@direct.example')).filter((email) => email.subject === 'Flash sale')).toHaveLength(1);
  });

  it('the same key with another body is 422; two tenants with the same key do not meet', async () => {
    await bulk(owner, { subject: 'A', html: '<p>a</p>', recipients: { customerIds: [ids.eve] } }, 'bulk-key-2');
    const other = await bulk(owner, { subject: 'B', html: '<p>b</p>', recipients: { customerIds: [ids.eve] } }, 'bulk-key-2');
    expect(other.status).toBe(422);
    const strangers = await bulk(stranger, { subject: 'A', html: '<p>a</p>', recipients: { customerIds: [ids.foreign] } }, 'bulk-key-2');
    expect(strangers.status).toBe(202);
    expect(strangers.headers['idempotent-replayed']).toBeUndefined();
    await deliver(stranger.tenantId, strangers.body.sendId);
    expect(await mailTo('zed@direct.example')).toHaveLength(1);
  });

  it('a retried one-to-one message is sent once', async () => {
    const body = { subject: 'Thank you, {{ customer.first_name }}', html: '<p>For your visit.</p>' };
    const first = await oneToOne(owner, ids.ann!, body, 'o2o-key');
    const retry = await oneToOne(owner, ids.ann!, body, 'o2o-key');
    expect(retry.body.sendId).toBe(first.body.sendId);
    await deliver(owner.tenantId, first.body.sendId);
    expect((await mailTo('ann@direct.example')).filter((email) => email.subject === 'Thank you, Ann')).toHaveLength(1);
  });

  it('a campaign sent again: the same key replays the first answer, another key or none is 409', async () => {
    const campaignId = await newCampaign(owner, { customerIds: [ids.bob] }, 'Idempotent campaign');
    const before = (await mailTo('bob@direct.example')).length;
    const first = await campaignSend(owner, campaignId, 'campaign-key');
    expect(first.status).toBe(202);
    const replay = await campaignSend(owner, campaignId, 'campaign-key');
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const otherKey = await campaignSend(owner, campaignId, 'another-key');
    expect(otherKey.status).toBe(409);
    expect(otherKey.body.currentStatus).toBe('sending');
    const noKey = await campaignSend(owner, campaignId);
    expect(noKey.status).toBe(409);
    await deliver(owner.tenantId, campaignId);
    expect(await mailTo('bob@direct.example')).toHaveLength(before + 1);
    // After it is sent, the key still replays the first answer (24 hours), not the 409 a new send would get.
    expect((await campaignSend(owner, campaignId, 'campaign-key')).status).toBe(202);
  });
});

describe('POST /v1/campaigns/{campaignId}/test', () => {
  let campaignId: string;
  let managerId: string;

  beforeAll(async () => {
    campaignId = await newCampaign(owner, { all: true }, 'Test me');
    const manager = await createStaffMember(owner, { name: 'Max', email: 'max@store.example', role: 'manager' });
    managerId = manager.member.staffId;
  });

  it("sends to the caller by default: rendered with the sample customer, subject prefixed, the store's sender", async () => {
    const result = await campaignTest(owner, campaignId);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ to: { kind: 'staff', id: owner.staffId }, status: 'sent' });
    expect(result.body.subject).toMatch(/^\[Test\] Hello /);
    const mail = await mailTo('owner@store.example');
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe(result.body.subject);
    expect(mail[0]!.messageId).toBe(result.body.messageId);
    expect(mail[0]!.from).toContain('Bella Jewels');
    expect(header(mail[0]!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
  });

  it('sends to another staff member of the tenant by id', async () => {
    const result = await campaignTest(owner, campaignId, { staffId: managerId });
    expect(result.status).toBe(200);
    expect(await mailTo('max@store.example')).toHaveLength(1);
  });

  it('sends to a customer through the pipeline with their data; recorded on their timeline, not in the campaign', async () => {
    const result = await campaignTest(owner, campaignId, { customerId: ids.hal });
    expect(result.status).toBe(202);
    expect(result.body).toMatchObject({ to: { kind: 'customer', id: ids.hal }, status: 'sending' });
    const testSendId = result.body.sendId as string;
    await deliver(owner.tenantId, testSendId);
    const mail = await mailTo('hal@direct.example');
    expect(mail.map((email) => email.subject)).toEqual(['[Test] Hello Hal']);
    const entries = (await timeline(owner, ids.hal!)).filter((entry) => entry.campaignId === testSendId);
    expect(entries.map((entry) => entry.kind)).toEqual(['test']);
    const loaded = await loadCampaign(owner.tenantId, testSendId);
    expect(sendOriginOf(loaded!.item).communicationKind).toBe('test');
    expect(loaded!.item.testOf).toBe(campaignId);
    // The campaign itself is untouched: still a draft, no recipients counted.
    const campaign = await loadCampaign(owner.tenantId, campaignId);
    expect(campaign!.campaign.status).toBe('draft');
    expect((await readCampaignCounters(owner.tenantId, campaignId)).recipients).toBe(0);
  });

  it('goes through the gates: a customer who never gave marketing consent gets no test, and the skip is counted on the test', async () => {
    const result = await campaignTest(owner, campaignId, { customerId: ids.eve });
    expect(result.status).toBe(202);
    await deliver(owner.tenantId, result.body.sendId);
    expect(await mailTo('eve@direct.example')).toHaveLength(0);
    const read = await getSend(owner, result.body.sendId);
    expect(read.body).toMatchObject({ origin: 'test', testOf: campaignId, status: 'sent' });
    expect(read.body.metrics.recipients.skipped.noConsent).toBe(1);
  });

  it('never sends to a typed address: an email in the body is 400', async () => {
    const refused = await campaignTest(owner, campaignId, { email: 'anyone@elsewhere.example' });
    expect(refused.status).toBe(400);
    expect(await mailTo('anyone@elsewhere.example')).toHaveLength(0);
  });

  it("answers 404 for another tenant's customer, staff member or campaign", async () => {
    expect((await campaignTest(owner, campaignId, { customerId: ids.foreign })).status).toBe(404);
    expect((await campaignTest(owner, campaignId, { staffId: stranger.staffId })).status).toBe(404);
    expect((await campaignTest(stranger, campaignId)).status).toBe(404);
    expect(await mailTo('zed@direct.example')).toHaveLength(1);
  });

  it('refuses both a staff member and a customer at once with 400', async () => {
    expect((await campaignTest(owner, campaignId, { staffId: managerId, customerId: ids.ann })).status).toBe(400);
  });

  it('replays a retried test with the same key instead of sending again', async () => {
    const first = await campaignTest(owner, campaignId, { staffId: managerId }, 'test-key');
    const retry = await campaignTest(owner, campaignId, { staffId: managerId }, 'test-key');
    expect(retry.body).toEqual(first.body);
    expect(await mailTo('max@store.example')).toHaveLength(2);
  });

  it('is for owners and managers only', async () => {
    expect((await campaignTest({ ...owner, role: 'salesperson' }, campaignId)).status).toBe(403);
  });

  it("writes nothing of the test into the campaign's recipients", async () => {
    const { Items = [] } = await documentClient.send(
      new QueryCommand({
        TableName: stack.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.campaignRecipient(owner.tenantId, campaignId, ids.hal!).pk },
      }),
    );
    expect(Items).toHaveLength(0);
  });
});

describe('the sender, once the domain is verified', () => {
  it('sends from the store\'s own address at its verified domain instead of the platform', async () => {
    const verified = await newTenant('Verified Store');
    const customerId = await newCustomer(verified, { firstName: 'Vic', email: 'vic@direct.example', consent: { email: { marketing: 'granted' } } });
    const identities = senderIdentityApi();
    const register = await callRoute(identities, apiEvent({ method: 'POST', path: '/v1/sender-identity', principal: verified, body: { domain: 'store.example' } }));
    expect(register.status).toBe(201);
    const status = await callRoute(identities, apiEvent({ method: 'GET', path: '/v1/sender-identity', principal: verified }));
    expect(status.body.status).toBe('verified');
    const started = await bulk(verified, { subject: 'From us', html: '<p>Hello</p>', recipients: { customerIds: [customerId] } });
    await deliver(verified.tenantId, started.body.sendId);
    const [mail] = await mailTo('vic@direct.example');
    expect(mail!.from).toBe('"Verified Store" <hello@store.example>');
    expect(mail!.replyTo).toEqual([]);
  });
});
