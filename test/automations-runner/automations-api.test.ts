/**
 * The automations API over dynalite: create with defaults and the type's default template, several of one type, roles,
 * switching on (enabledAt, the runner's worklist), edits that keep the stamp, segment references, validation paths,
 * tenancy and deletion.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { automationsApi } from '../../functions/http/automations';
import { handler as templatesHandler } from '../../functions/http/templates';
import type { Principal } from '../../shared/auth/roles';
import { defaultContentFor } from '../../shared/domain/automations/default-templates';
import { loadEnabledMarker } from '../../shared/domain/automations/store/automation-store';
import { listSegmentReferences } from '../../shared/domain/segments/segment-references';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { apiEvent, callRoute } from '../support/http';
import { newTenant } from '../sending/pipeline-support';

let stack: TestEmulators;
let owner: Principal;
let stranger: Principal;
let clock = new Date('2026-03-10T01:00:00Z');
const api = automationsApi(() => clock);

const as = (principal: Principal, role: Principal['role']): Principal => ({ ...principal, role });

function call(principal: Principal, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, routeKey: string, options: { body?: unknown; params?: Record<string, string>; query?: Record<string, string> } = {}) {
  return callRoute(
    api,
    apiEvent({
      method,
      path,
      routeKey: `${method} ${routeKey}`,
      principal,
      ...(options.params ? { pathParameters: options.params } : {}),
      ...(options.query ? { query: options.query } : {}),
      ...(options.body === undefined ? {} : { body: options.body }),
    }),
  );
}

const create = (principal: Principal, body: unknown) => call(principal, 'POST', '/v1/automations', '/v1/automations', { body });
const get = (principal: Principal, id: string) => call(principal, 'GET', `/v1/automations/${id}`, '/v1/automations/{automationId}', { params: { automationId: id } });
const patch = (principal: Principal, id: string, body: unknown) =>
  call(principal, 'PATCH', `/v1/automations/${id}`, '/v1/automations/{automationId}', { params: { automationId: id }, body });
const remove = (principal: Principal, id: string) => call(principal, 'DELETE', `/v1/automations/${id}`, '/v1/automations/{automationId}', { params: { automationId: id } });

beforeAll(async () => {
  stack = await startEmulators({ ses: true });
  owner = await newTenant('Bella Jewels');
  stranger = await newTenant('Other Jeweller');
});

afterAll(async () => stack?.stop());

describe('creating automations', () => {
  it('fills in the timing defaults and copies the type default template; off until switched on', async () => {
    const created = await create(owner, { type: 'repair_ready', name: 'Repair ready' });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/v1/automations/${created.body.automationId}`);
    expect(created.body).toMatchObject({
      type: 'repair_ready',
      enabled: false,
      enabledAt: null,
      purpose: 'service',
      channel: 'email',
      timing: { reminderEveryDays: 7, maxReminders: 3 },
      content: { subject: defaultContentFor('repair_ready').email.subject },
      lastRun: null,
      nextDueAt: null,
      counts: { fired: 0, skipped: {}, missed: {}, failed: 0, unknown: 0 },
    });
    expect(await loadEnabledMarker(owner.tenantId, created.body.automationId)).toBeUndefined();
  });

  it('allows several automations of one type', async () => {
    const pearls = await create(owner, { type: 'post_purchase', name: 'Pearl care', timing: { daysAfter: 3, departments: ['Pearls'] } });
    const rings = await create(owner, { type: 'post_purchase', name: 'Ring valuation', timing: { daysAfter: 335, departments: ['engagement rings'] } });
    expect(pearls.status).toBe(201);
    expect(rings.status).toBe(201);
    expect(pearls.body.timing.departments).toEqual(['pearls']);
    const list = await call(as(owner, 'salesperson'), 'GET', '/v1/automations', '/v1/automations');
    const names = list.body.items.map((item: { name: string }) => item.name);
    expect(names).toEqual(expect.arrayContaining(['Pearl care', 'Ring valuation']));
  });

  it('rejects marketing-only types as service, inline Liquid errors and unknown types with field paths', async () => {
    const service = await create(owner, { type: 'birthday', name: 'B', purpose: 'service' });
    expect(service.status).toBe(400);
    expect(service.body.errors[0].path).toBe('body.purpose');
    const broken = await create(owner, { type: 'birthday', name: 'B', content: { subject: 'Hi {{ customer.first_name', html: '<p>x</p>' } });
    expect(broken.status).toBe(400);
    expect(broken.body.errors[0].path).toMatch(/^body\.content\.subject/);
    const unknownType = await create(owner, { type: 'name_day', name: 'N' });
    expect(unknownType.status).toBe(400);
    const timing = await create(owner, { type: 'birthday', name: 'B', timing: { daysBefore: 99 } });
    expect(timing.body.errors[0].path).toBe('body.timing.daysBefore');
  });

  it('is owner and manager only', async () => {
    const denied = await create(as(owner, 'salesperson'), { type: 'birthday', name: 'B' });
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toBe('Only owner or manager can create automations.');
    expect((await create(as(owner, 'manager'), { type: 'birthday', name: 'By a manager' })).status).toBe(201);
  });

  it('names a missing segment as 422 and references a saved one', async () => {
    const missing = await create(owner, { type: 'birthday', name: 'VIP birthdays', audience: { segmentId: 'no-such-segment' } });
    expect(missing.status).toBe(422);
    const system = await create(owner, { type: 'birthday', name: 'VIP birthdays', audience: { segmentId: 'sys_high_value' } });
    expect(system.status).toBe(201);
    const references = await listSegmentReferences(owner.tenantId, 'sys_high_value');
    expect(references).toContainEqual(expect.objectContaining({ kind: 'automation', ownerId: system.body.automationId }));
  });

  it('does not switch an SMS automation on', async () => {
    const sms = await create(owner, { type: 'birthday', name: 'SMS', channel: 'sms', enabled: true });
    expect(sms.status).toBe(422);
  });
});

describe('switching on and editing', () => {
  it('stamps enabledAt once, keeps it across edits, and puts the automation on the runner worklist', async () => {
    clock = new Date('2026-03-10T01:00:00Z');
    const created = await create(owner, { type: 'birthday', name: 'Birthdays', timing: { sendHour: 9 } });
    const id = created.body.automationId as string;
    clock = new Date('2026-03-10T02:00:00Z');
    const on = await patch(owner, id, { enabled: true });
    expect(on.status).toBe(200);
    expect(on.body.enabledAt).toBe('2026-03-10T02:00:00.000Z');
    // Tenant default zone Australia/Sydney (UTC+11 in March): 09:00 on 11 March is 22:00 UTC on the 10th.
    expect(on.body.nextDueAt).toBe('2026-03-10T22:00:00.000Z');
    expect(await loadEnabledMarker(owner.tenantId, id)).toMatchObject({ enabledAt: '2026-03-10T02:00:00.000Z', type: 'birthday' });

    clock = new Date('2026-03-10T03:00:00Z');
    const renamed = await patch(owner, id, { name: 'Happy birthday', timing: { daysBefore: 2, sendHour: 9 } });
    expect(renamed.body).toMatchObject({ name: 'Happy birthday', enabledAt: '2026-03-10T02:00:00.000Z', timing: { daysBefore: 2, sendHour: 9 } });

    const off = await patch(owner, id, { enabled: false });
    expect(off.body.enabled).toBe(false);
    expect(await loadEnabledMarker(owner.tenantId, id)).toBeUndefined();

    clock = new Date('2026-03-11T03:00:00Z');
    const again = await patch(owner, id, { enabled: true });
    expect(again.body.enabledAt).toBe('2026-03-11T03:00:00.000Z');
  });

  it('validates the merged result and clears with null', async () => {
    const created = await create(owner, { type: 'custom_date', name: 'First purchase', timing: { field: 'first_purchase', daysBefore: 1 } });
    const id = created.body.automationId as string;
    const both = await patch(owner, id, { timing: { field: 'first_purchase', daysBefore: 1, daysAfter: 2 } });
    expect(both.status).toBe(400);
    expect(both.body.errors[0].path).toBe('body.timing.daysAfter');
    const withAudience = await patch(owner, id, { audience: { rule: { type: 'tags', tags: ['vip'], match: 'any' } }, reentry: { minDaysBetween: 30 } });
    expect(withAudience.status).toBe(200);
    expect(withAudience.body.reentry).toEqual({ minDaysBetween: 30 });
    const cleared = await patch(owner, id, { audience: null, reentry: null, content: null });
    expect(cleared.body).toMatchObject({ audience: null, reentry: null, content: { subject: defaultContentFor('custom_date').email.subject } });
  });

  it('moves the segment reference when the audience changes, and releases it on delete', async () => {
    const created = await create(owner, { type: 'anniversary', name: 'Anniversaries', audience: { segmentId: 'sys_lapsed' } });
    const id = created.body.automationId as string;
    await patch(owner, id, { audience: { segmentId: 'sys_high_value' } });
    expect((await listSegmentReferences(owner.tenantId, 'sys_lapsed')).map((r) => r.ownerId)).not.toContain(id);
    expect((await listSegmentReferences(owner.tenantId, 'sys_high_value')).map((r) => r.ownerId)).toContain(id);
    expect((await remove(owner, id)).status).toBe(204);
    expect((await listSegmentReferences(owner.tenantId, 'sys_high_value')).map((r) => r.ownerId)).not.toContain(id);
    expect((await get(owner, id)).status).toBe(404);
  });
});

describe('templates', () => {
  it('sends a saved template, which cannot be deleted while an automation uses it', async () => {
    const template = await callRoute(
      templatesHandler,
      apiEvent({
        method: 'POST',
        path: '/v1/templates',
        routeKey: 'POST /v1/templates',
        principal: owner,
        body: { channel: 'email', name: 'Birthday', subject: 'Happy birthday {{ customer.first_name }}', html: '<p>Hello</p>' },
      }),
    );
    expect(template.status).toBe(201);
    const templateId = template.body.templateId as string;
    const missing = await create(owner, { type: 'birthday', name: 'B', content: { templateId: 'no-such-template' } });
    expect(missing.status).toBe(422);
    const created = await create(owner, { type: 'birthday', name: 'Templated birthday', content: { templateId } });
    expect(created.status).toBe(201);
    const remove = () =>
      callRoute(
        templatesHandler,
        apiEvent({ method: 'DELETE', path: `/v1/templates/${templateId}`, routeKey: 'DELETE /v1/templates/{templateId}', pathParameters: { templateId }, principal: owner }),
      );
    const refused = await remove();
    expect(refused.status).toBe(409);
    expect(JSON.stringify(refused.body)).toContain(created.body.automationId);
  });
});

describe('tenancy', () => {
  it("answers 404 for another tenant's automation", async () => {
    const created = await create(owner, { type: 'seasonal', name: "Mother's Day", timing: { date: 'mothers_day', daysBefore: 7 } });
    const id = created.body.automationId as string;
    expect((await get(stranger, id)).status).toBe(404);
    expect((await patch(stranger, id, { enabled: true })).status).toBe(404);
    expect((await remove(stranger, id)).status).toBe(404);
    const runs = await call(stranger, 'GET', `/v1/automations/${id}/runs`, '/v1/automations/{automationId}/runs', { params: { automationId: id } });
    expect(runs.status).toBe(404);
  });
});
