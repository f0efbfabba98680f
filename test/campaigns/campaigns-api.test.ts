/** The campaigns API over the emulators: drafts, edits, copies, deletes, lists, roles, tenancy, references, metrics. */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as segmentsApi } from '../../functions/http/segments';
import { CAMPAIGN_COUNTER_SHARDS, counterIncrement } from '../../shared/domain/campaigns/campaign-counters';
import { runCampaignCommand, systemActor } from '../../shared/domain/campaigns/campaign-lifecycle';
import { campaignMetricsSchema } from '../../shared/domain/campaigns/campaign-metrics';
import { campaignSchema } from '../../shared/domain/campaigns/campaign-view';
import { campaignsUsingTemplate } from '../../shared/domain/campaigns/template-usage';
import { defaultLifecycleDeps } from '../../shared/domain/campaigns/default-deps';
import { listSegmentReferences } from '../../shared/domain/segments/segment-references';
import { createTemplate } from '../../shared/domain/templates/template-repository';
import { templateCreateSchema } from '../../shared/domain/templates/template-schema';
import type { CampaignRecipient } from '../../shared/domain/sending/recipient';
import { freezeRecipient } from '../../shared/domain/sending/recipient-store';
import { documentClient } from '../../shared/store/dynamo';
import { keys } from '../../shared/store/keys';
import { callRouteKey, type RouteCallOptions } from '../support/http';
import { call, emailCampaign, newTenant, staff, startCampaignHarness, type CampaignHarness } from './campaign-support';

let h: CampaignHarness;
let tenantId: string;
let otherTenantId: string;

beforeAll(async () => {
  h = await startCampaignHarness({ start: '2030-06-01T00:00:00Z' });
  tenantId = await newTenant();
  otherTenantId = await newTenant('Other Jeweller');
}, 60_000);

afterAll(async () => h?.stop());

const owner = () => staff(tenantId);
const create = (body: unknown, principal = owner()) => call(h, principal, 'POST /v1/campaigns', { body });
const get = (campaignId: string, principal = owner()) => call(h, principal, 'GET /v1/campaigns/{campaignId}', { params: { campaignId } });
const patch = (campaignId: string, body: unknown) => call(h, owner(), 'PATCH /v1/campaigns/{campaignId}', { params: { campaignId }, body });
const remove = (campaignId: string) => call(h, owner(), 'DELETE /v1/campaigns/{campaignId}', { params: { campaignId } });
const list = (query: Record<string, string>, principal = owner()) => call(h, principal, 'GET /v1/campaigns', { query });

async function draftId(overrides: Record<string, unknown> = {}): Promise<string> {
  const created = await create(emailCampaign(overrides));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.campaignId as string;
}

describe('creating a campaign', () => {
  it('stores a draft created by the caller, and shows it in the documented shape', async () => {
    const created = await create(emailCampaign({ description: 'For the winter', recipients: { tags: { any: ['VIP', 'gold'] } } }), staff(tenantId, 'manager'));
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/v1/campaigns/${created.body.campaignId}`);
    expect(campaignSchema.parse(created.body)).toEqual(created.body);
    expect(created.body).toMatchObject({
      name: 'Winter sale',
      description: 'For the winter',
      channel: 'email',
      recipients: { tags: { any: ['vip', 'gold'] } },
      status: 'draft',
      scheduleVersion: 0,
      createdBy: 'staff-manager',
      createdAt: h.clock.now().toISOString(),
    });
    expect((await get(created.body.campaignId)).body).toEqual(created.body);
  });

  it('refuses bad fields with their paths (400)', async () => {
    const missing = await create({ content: { templateId: 't' } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['body.name', 'body.recipients']);
    const rule = await create(emailCampaign({ recipients: { rule: { and: [{ type: 'vip', percent: -1 }] } } }));
    expect(rule.status).toBe(400);
    expect(rule.body.errors).toEqual([{ path: 'body.recipients.rule.and[0].percent', message: expect.any(String) }]);
  });

  it('checks inline Liquid like a template: the variable, line and column of a mistake', async () => {
    const refused = await create(emailCampaign({ content: { subject: 'Hi', html: '<p>\n{{ customer.frist_name }}</p>' } }));
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ path: 'body.content.html', line: 2, variable: 'customer.frist_name' }),
    ]);
  });

  it('takes a template of its own channel only (422 otherwise)', async () => {
    const email = await createTemplate(owner(), templateCreateSchema.parse({ channel: 'email', name: 'Welcome', subject: 'Hi', html: '<p>Hi</p>' }));
    const sms = await createTemplate(owner(), templateCreateSchema.parse({ channel: 'sms', name: 'Text', text: 'Hi' }));
    expect((await create(emailCampaign({ content: { templateId: email.templateId } }))).status).toBe(201);
    for (const templateId of [sms.templateId, 'no-such-template']) {
      const refused = await create(emailCampaign({ content: { templateId } }));
      expect(refused.status).toBe(422);
      expect(refused.body.errors).toEqual([{ path: 'body.content.templateId', message: 'Template not found for this channel' }]);
    }
    const foreign = await createTemplate(staff(otherTenantId), templateCreateSchema.parse({ channel: 'email', name: 'Theirs', subject: 'Hi', html: '<p>Hi</p>' }));
    expect((await create(emailCampaign({ content: { templateId: foreign.templateId } }))).status).toBe(422);
  });
});

describe('segment references', () => {
  const segments = (route: string, options: RouteCallOptions = {}) => callRouteKey(segmentsApi, owner(), route, options);

  it('keep a saved segment from being deleted while a draft uses it, and let go when the draft goes', async () => {
    const segment = await segments('POST /v1/segments', { body: { name: 'Lapsed', rule: { type: 'lapsed' } } });
    expect(segment.status).toBe(201);
    const segmentId = segment.body.segmentId as string;
    const campaignId = await draftId({ recipients: { segmentId } });
    expect(await listSegmentReferences(tenantId, segmentId)).toEqual([{ tenantId, segmentId, kind: 'campaign', ownerId: campaignId }]);

    const blocked = await segments('DELETE /v1/segments/{segmentId}', { params: { segmentId } });
    expect(blocked.status).toBe(409);
    expect(blocked.body.detail).toBe('Cannot delete a segment in use by a campaign');

    expect((await remove(campaignId)).status).toBe(204);
    expect(await listSegmentReferences(tenantId, segmentId)).toEqual([]);
    expect((await segments('DELETE /v1/segments/{segmentId}', { params: { segmentId } })).status).toBe(204);
  });

  it('moves the reference when the audience changes, and releases it when the campaign is cancelled', async () => {
    const campaignId = await draftId({ recipients: { segmentId: 'sys_vip' } });
    expect(await listSegmentReferences(tenantId, 'sys_vip')).toContainEqual(expect.objectContaining({ ownerId: campaignId }));
    await patch(campaignId, { recipients: { segmentId: 'sys_lapsed' } });
    expect(await listSegmentReferences(tenantId, 'sys_vip')).not.toContainEqual(expect.objectContaining({ ownerId: campaignId }));
    expect(await listSegmentReferences(tenantId, 'sys_lapsed')).toContainEqual(expect.objectContaining({ ownerId: campaignId }));
    await call(h, owner(), 'POST /v1/campaigns/{campaignId}/cancel', { params: { campaignId } });
    expect(await listSegmentReferences(tenantId, 'sys_lapsed')).not.toContainEqual(expect.objectContaining({ ownerId: campaignId }));
  });

  it('refuses a segment that does not exist (422)', async () => {
    for (const segmentId of ['no-such-segment', 'sys_no_such']) {
      const refused = await create(emailCampaign({ recipients: { segmentId } }));
      expect(refused.status).toBe(422);
      expect(refused.body.errors).toEqual([{ path: 'body.recipients.segmentId', message: 'Segment not found' }]);
    }
  });
});

describe('editing, copying and deleting', () => {
  it('edits a draft field by field, and an edit that changes nothing writes nothing', async () => {
    const campaignId = await draftId({ description: 'x' });
    const before = (await get(campaignId)).body;
    h.clock.advance(60_000);
    const edited = await patch(campaignId, { name: 'Summer sale', description: null, recipients: { customerIds: ['c1', 'c2'] } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ name: 'Summer sale', recipients: { customerIds: ['c1', 'c2'] }, updatedAt: h.clock.now().toISOString() });
    expect(edited.body).not.toHaveProperty('description');
    h.clock.advance(60_000);
    const same = await patch(campaignId, { name: 'Summer sale' });
    expect(same.body.updatedAt).toBe(edited.body.updatedAt);
    expect(before.createdAt).toBe(edited.body.createdAt);
  });

  it('edits a scheduled campaign but moves its time only by rescheduling; a sending one not at all (409)', async () => {
    const campaignId = await draftId();
    await call(h, owner(), 'POST /v1/campaigns/{campaignId}/schedule', { params: { campaignId }, body: { at: '2030-07-01T10:00' } });
    expect((await patch(campaignId, { name: 'Renamed' })).body).toMatchObject({ name: 'Renamed', status: 'scheduled' });
    const moved = await patch(campaignId, { schedule: { at: '2030-07-02T10:00' } });
    expect(moved.status).toBe(409);
    expect(moved.body.currentStatus).toBe('scheduled');
    const toSms = await patch(campaignId, { channel: 'sms', content: { text: 'Hi' } });
    expect(toSms.status).toBe(422);
    expect(toSms.body.detail).toBe('SMS sending is not available yet');

    await call(h, owner(), 'POST /v1/campaigns/{campaignId}/send', { params: { campaignId } });
    const refused = await patch(campaignId, { name: 'Too late' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ currentStatus: 'sending', detail: 'Cannot edit a campaign that is sending.' });
  });

  it('copies any campaign into a new draft', async () => {
    const campaignId = await draftId({ name: 'Mother’s Day', recipients: { segmentId: 'sys_vip' } });
    await call(h, owner(), 'POST /v1/campaigns/{campaignId}/send', { params: { campaignId } });
    const copy = await call(h, staff(tenantId, 'manager'), 'POST /v1/campaigns/{campaignId}/copy', { params: { campaignId } });
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ name: 'Mother’s Day (copy)', status: 'draft', scheduleVersion: 0, recipients: { segmentId: 'sys_vip' }, createdBy: 'staff-manager' });
    expect(copy.body.campaignId).not.toBe(campaignId);
    expect(copy.headers.location).toBe(`/v1/campaigns/${copy.body.campaignId}`);
    expect(await listSegmentReferences(tenantId, 'sys_vip')).toContainEqual(expect.objectContaining({ ownerId: copy.body.campaignId }));
  });

  it('deletes drafts only', async () => {
    const campaignId = await draftId();
    await call(h, owner(), 'POST /v1/campaigns/{campaignId}/schedule', { params: { campaignId }, body: { at: '2030-07-01T10:00' } });
    const refused = await remove(campaignId);
    expect(refused.status).toBe(409);
    expect(refused.body.currentStatus).toBe('scheduled');
    await call(h, owner(), 'DELETE /v1/campaigns/{campaignId}/schedule', { params: { campaignId } });
    expect((await remove(campaignId)).status).toBe(204);
    expect((await get(campaignId)).status).toBe(404);
    expect((await remove(campaignId)).status).toBe(404);
  });
});

describe('roles and tenancy', () => {
  it('lets a salesperson read but not write (403)', async () => {
    const campaignId = await draftId();
    const salesperson = staff(tenantId, 'salesperson');
    expect((await get(campaignId, salesperson)).status).toBe(200);
    expect((await list({}, salesperson)).status).toBe(200);
    const writes: [string, Record<string, unknown>][] = [
      ['POST /v1/campaigns', { body: emailCampaign() }],
      ['PATCH /v1/campaigns/{campaignId}', { body: { name: 'x' } }],
      ['DELETE /v1/campaigns/{campaignId}', {}],
      ['POST /v1/campaigns/{campaignId}/copy', {}],
      ['POST /v1/campaigns/{campaignId}/schedule', { body: { at: '2031-01-01T10:00' } }],
      ['DELETE /v1/campaigns/{campaignId}/schedule', {}],
      ['POST /v1/campaigns/{campaignId}/send', {}],
      ['POST /v1/campaigns/{campaignId}/cancel', {}],
      ['POST /v1/campaigns/{campaignId}/pause', {}],
      ['POST /v1/campaigns/{campaignId}/resume', {}],
    ];
    for (const [route, options] of writes) {
      const refused = await call(h, salesperson, route, { params: { campaignId }, ...options });
      expect(refused.status, route).toBe(403);
    }
    expect((await get(campaignId)).body.status).toBe('draft');
  });

  it("answers 404 for another tenant's campaign, whatever the route", async () => {
    const campaignId = await draftId();
    const intruder = staff(otherTenantId);
    for (const route of [
      'GET /v1/campaigns/{campaignId}',
      'GET /v1/campaigns/{campaignId}/metrics',
      'DELETE /v1/campaigns/{campaignId}',
      'POST /v1/campaigns/{campaignId}/copy',
      'POST /v1/campaigns/{campaignId}/send',
      'POST /v1/campaigns/{campaignId}/cancel',
      'DELETE /v1/campaigns/{campaignId}/schedule',
    ]) {
      expect((await call(h, intruder, route, { params: { campaignId } })).status, route).toBe(404);
    }
    expect((await call(h, intruder, 'PATCH /v1/campaigns/{campaignId}', { params: { campaignId }, body: { name: 'x' } })).status).toBe(404);
    expect((await call(h, intruder, 'POST /v1/campaigns/{campaignId}/schedule', { params: { campaignId }, body: { at: '2031-01-01T10:00' } })).status).toBe(404);
    expect((await get(campaignId)).body).toMatchObject({ status: 'draft', name: 'Winter sale' });
  });
});

describe('listing', () => {
  let listTenant: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    listTenant = await newTenant('List Jeweller');
    // Created on 1, 2, 3, 4 and 5 July (Sydney), one a day at 09:00 local.
    const names = ['Émeraude week', 'Pearl week', 'Sapphire week', 'Ruby week', 'Diamond week'];
    for (const [day, name] of names.entries()) {
      h.clock.set(new Date(Date.UTC(2030, 5, 30 + day, 23)).toISOString());
      const created = await create(emailCampaign({ name }), staff(listTenant));
      ids[name] = created.body.campaignId;
    }
    await call(h, staff(listTenant), 'POST /v1/campaigns/{campaignId}/send', { params: { campaignId: ids['Ruby week']! } });
  });

  const names = (body: { items: { name: string }[] }) => body.items.map((item) => item.name);
  const listOf = (query: Record<string, string>) => list(query, staff(listTenant));

  it('lists newest first, a page at a time, until the cursor runs out', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listOf({ limit: '2', ...(cursor ? { cursor } : {}) });
      expect(page.status).toBe(200);
      seen.push(...names(page.body));
      cursor = page.body.nextCursor ?? undefined;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toEqual(['Diamond week', 'Ruby week', 'Sapphire week', 'Pearl week', 'Émeraude week']);
  });

  it('filters by status, by part of the name (any case, accents ignored) and by created days in the tenant zone', async () => {
    expect(names((await listOf({ status: 'sending' })).body)).toEqual(['Ruby week']);
    expect(names((await listOf({ status: 'draft', q: 'EMERAUDE' })).body)).toEqual(['Émeraude week']);
    expect(names((await listOf({ createdFrom: '2030-07-02', createdTo: '2030-07-03' })).body)).toEqual(['Sapphire week', 'Pearl week']);
    expect(names((await listOf({ createdTo: '2030-07-01' })).body)).toEqual(['Émeraude week']);
    expect(names((await listOf({ createdFrom: '2030-07-05' })).body)).toEqual(['Diamond week']);
  });

  it('keeps filtering across pages', async () => {
    const first = await listOf({ status: 'draft', limit: '3' });
    expect(names(first.body)).toEqual(['Diamond week', 'Sapphire week', 'Pearl week']);
    const second = await listOf({ status: 'draft', limit: '3', cursor: first.body.nextCursor });
    expect(names(second.body)).toEqual(['Émeraude week']);
  });

  it("refuses a malformed cursor, another tenant's cursor, and an inverted date range (400)", async () => {
    const page = await listOf({ limit: '1' });
    expect((await listOf({ cursor: 'not-a-cursor' })).status).toBe(400);
    expect((await list({ cursor: page.body.nextCursor }, owner())).status).toBe(400);
    expect((await listOf({ createdFrom: '2030-07-03', createdTo: '2030-07-01' })).status).toBe(400);
    expect((await listOf({ createdFrom: '2030-07-04', cursor: (await listOf({ limit: '4' })).body.nextCursor })).status).toBe(400);
  });

  it('does not show other tenants their campaigns', async () => {
    const other = await list({}, staff(otherTenantId));
    expect(other.body.items.map((item: { campaignId: string }) => item.campaignId)).not.toContain(ids['Ruby week']);
  });
});

describe('metrics', () => {
  it('reads zeros before anything happened', async () => {
    const campaignId = await draftId();
    const metrics = await call(h, staff(tenantId, 'accountant'), 'GET /v1/campaigns/{campaignId}/metrics', { params: { campaignId } });
    expect(metrics.status).toBe(200);
    expect(campaignMetricsSchema.parse(metrics.body)).toEqual(metrics.body);
    expect(metrics.body).toMatchObject({ campaignId, status: 'draft', recipients: { total: 0, sent: 0 }, delivered: 0, rates: { delivery: 0 } });
  });

  it('sums the counter shards the pipeline writes', async () => {
    const campaignId = await draftId();
    const add = (shard: number, deltas: Parameters<typeof counterIncrement>[0]) => {
      const update = counterIncrement(deltas);
      return documentClient.send(
        new UpdateCommand({
          TableName: h.stack.tableName,
          Key: keys.campaignCounter(tenantId, campaignId, shard),
          UpdateExpression: update.expression,
          ExpressionAttributeNames: update.names,
          ExpressionAttributeValues: update.values,
        }),
      );
    };
    await add(0, { recipients: 6, skippedNoConsent: 1 });
    await add(7, { sent: 3, delivered: 2 });
    await add(CAMPAIGN_COUNTER_SHARDS - 1, { sent: 1, failed: 1, delivered: 2, openedUnique: 1, openedTotal: 3 });
    // Another campaign's counters are not summed in.
    await documentClient.send(new PutCommand({ TableName: h.stack.tableName, Item: { ...keys.campaignCounter(tenantId, 'other', 0), sent: 100 } }));
    const metrics = (await call(h, owner(), 'GET /v1/campaigns/{campaignId}/metrics', { params: { campaignId } })).body;
    expect(metrics.recipients).toMatchObject({ total: 6, skipped: { total: 1, noConsent: 1 }, sent: 4, failed: 1, pending: 0 });
    expect(metrics.delivered).toBe(4);
    expect(metrics.opened).toEqual({ unique: 1, total: 3 });
    expect(metrics.rates).toMatchObject({ delivery: 1, open: 0.25 });
  });
});

describe('per-recipient results', () => {
  it('lists who was sent, skipped (and why) or is still queued, a page at a time; 404 for another tenant', async () => {
    const campaignId = await draftId();
    const frozenAt = h.clock.now().toISOString();
    const recipient = (customerId: string, rest: Partial<CampaignRecipient>): CampaignRecipient => ({ tenantId, campaignId, customerId, status: 'queued', frozenAt, ...rest });
    await freezeRecipient(recipient('c-sent', { status: 'sent', messageId: 'ses-1', claimedAt: frozenAt, finishedAt: frozenAt }));
    await freezeRecipient(recipient('c-no-consent', { status: 'skipped', reason: 'no_consent', skipReason: 'no_consent', finishedAt: frozenAt }));
    await freezeRecipient(recipient('c-queued', {}));
    const path = 'GET /v1/campaigns/{campaignId}/recipients';
    const first = await call(h, staff(tenantId, 'salesperson'), path, { params: { campaignId }, query: { limit: '2' } });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.items).toHaveLength(2);
    const rest = await call(h, owner(), path, { params: { campaignId }, query: { limit: '2', cursor: first.body.nextCursor } });
    const all = [...first.body.items, ...rest.body.items].map((r: { customerId: string; status: string; reason?: string; messageId?: string }) => [r.customerId, r.status, r.reason ?? r.messageId ?? '']);
    expect(all.sort()).toEqual([['c-no-consent', 'skipped', 'no_consent'], ['c-queued', 'queued', ''], ['c-sent', 'sent', 'ses-1']]);
    expect(rest.body.nextCursor).toBeNull();
    expect((await call(h, staff(otherTenantId), path, { params: { campaignId } })).status).toBe(404);
    expect((await call(h, owner(), path, { params: { campaignId: await draftId() } })).body).toEqual({ items: [], nextCursor: null });
  });
});

describe('template usage', () => {
  it('lists the campaigns that can still send with a template, for the template delete guard', async () => {
    const template = await createTemplate(owner(), templateCreateSchema.parse({ channel: 'email', name: 'Used', subject: 'Hi', html: '<p>Hi</p>' }));
    const draft = await draftId({ name: 'Uses it', content: { templateId: template.templateId } });
    const cancelled = await draftId({ name: 'Used it once', content: { templateId: template.templateId } });
    await call(h, owner(), 'POST /v1/campaigns/{campaignId}/cancel', { params: { campaignId: cancelled } });
    await draftId({ name: 'Inline' });
    expect(await campaignsUsingTemplate(tenantId, template.templateId)).toEqual([{ kind: 'campaign', id: draft, name: 'Uses it' }]);
    expect(await campaignsUsingTemplate(otherTenantId, template.templateId)).toEqual([]);
  });
});

describe('completion by the pipeline', () => {
  it('moves a sending campaign to sent once, and lets go of its segment', async () => {
    const campaignId = await draftId({ recipients: { segmentId: 'sys_new' } });
    await call(h, owner(), 'POST /v1/campaigns/{campaignId}/send', { params: { campaignId } });
    const deps = { ...defaultLifecycleDeps, sendPort: h.sendPort, now: h.clock.now };
    const sent = await runCampaignCommand(systemActor(tenantId), campaignId, { type: 'complete' }, deps);
    expect(sent).toMatchObject({ status: 'sent', completedAt: h.clock.now().toISOString() });
    expect(await listSegmentReferences(tenantId, 'sys_new')).not.toContainEqual(expect.objectContaining({ ownerId: campaignId }));
    await expect(runCampaignCommand(systemActor(tenantId), campaignId, { type: 'complete' }, deps)).rejects.toMatchObject({
      status: 409,
      extensions: { currentStatus: 'sent' },
    });
  });
});

describe('unlisted campaigns (direct sends)', () => {
  it('stay out of the campaign list when a status change rewrites them', async () => {
    const campaignId = await draftId({ name: 'Unlisted one-to-one' });
    // A direct send is stored like this: the campaign item without the list's index entry.
    await documentClient.send(
      new UpdateCommand({
        TableName: h.stack.tableName,
        Key: keys.tenantEntity(tenantId, 'CAMPAIGN', campaignId),
        UpdateExpression: 'REMOVE gsi2pk, gsi2sk',
      }),
    );
    const cancelled = await call(h, owner(), 'POST /v1/campaigns/{campaignId}/cancel', { params: { campaignId } });
    expect(cancelled.status).toBe(200);
    const listed = await list({ limit: '100' });
    expect(listed.body.items.map((c: { campaignId: string }) => c.campaignId)).not.toContain(campaignId);
    expect((await get(campaignId)).body.status).toBe('cancelled');
  });
});
