import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '../../shared/domain/tenants/tenant-repository';
import { evaluateAudience } from '../../shared/domain/segments/segment-service';
import { SYSTEM_SEGMENT_IDS } from '../../shared/domain/segments/system-segments';
import { logger } from '../../shared/observability/logger';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { createSmallBook, segments, staff } from './segments-support';

let stack: TestEmulators;
let tenantId: string;
let otherTenantId: string;
let ids: Record<string, string>;

beforeAll(async () => {
  logger.setLogLevel('ERROR');
  stack = await startEmulators({ sqs: true });
  tenantId = (await createTenant({ name: 'Small Jeweller', timeZone: 'Australia/Sydney', currency: 'AUD', owner: { name: 'O', email: 'o@example.com' } })).tenantId;
  otherTenantId = (await createTenant({ name: 'Other Jeweller', owner: { name: 'P', email: 'p@example.com' } })).tenantId;
  ids = await createSmallBook(tenantId);
}, 120_000);

afterAll(async () => stack?.stop());

const owner = () => staff(tenantId, 'owner');
const VIP_OR_HIGH_VALUE_NOT_SYDNEY = {
  and: [{ or: [{ type: 'vip' }, { type: 'high_value', amount: 500_000 }] }, { not: { type: 'city', city: 'Sydney' } }],
};
const LAPSED_WATCH_CUSTOMERS = { and: [{ type: 'lapsed' }, { type: 'purchases', departments: ['watches'] }] };

describe('previews of unsaved rules', () => {
  it('answers "VIP or high value, not in Sydney" in one request, explaining the match', async () => {
    const result = await segments(owner(), 'POST /v1/segments/preview', { body: { rule: VIP_OR_HIGH_VALUE_NOT_SYDNEY } });
    expect(result.status).toBe(200);
    expect(result.body.count).toBe(1);
    expect(result.body.customers).toEqual([
      {
        customerId: ids.Bob,
        name: 'Bob Baker',
        why: [
          { path: 'rule.and[0].or[0]', leaf: 'vip', holds: true, detail: 'total spent A$7,000.00; the top 10% start at A$7,000.00' },
          { path: 'rule.and[1].not', leaf: 'city', holds: false, detail: expect.stringContaining('Melbourne') },
        ],
      },
    ]);
    // Two passes over seven customers: the spend distribution first (the VIP leaf), then the rule.
    expect(result.body.customersRead).toBe(14);
    expect(result.body.readUnits).toBeGreaterThan(0);
  });

  it('answers "lapsed but only watch customers" in one request', async () => {
    const result = await segments(owner(), 'POST /v1/segments/preview', { body: { rule: LAPSED_WATCH_CUSTOMERS, limit: 5 } });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ count: 1, customersRead: 7 });
    expect(result.body.customers.map((c: { name: string }) => c.name)).toEqual(['Carol Carter']);
    expect(result.body.customers[0].why.map((w: { leaf: string }) => w.leaf)).toEqual(['lapsed', 'purchases']);
  });

  it('decides a day-exact period by reading the purchases of the customers its boundary month leaves open', async () => {
    // "Spent on watches in the last 8 days": Eve bought one 7 days ago, in a month the period only partly covers
    // unless it is early in the month; either way the answer must be exactly Eve.
    const result = await segments(owner(), 'POST /v1/segments/preview', {
      body: { rule: { type: 'purchases', departments: ['watches'], during: { lastDays: 8 }, min: 1 } },
    });
    expect(result.status).toBe(200);
    expect(result.body.customers.map((c: { customerId: string }) => c.customerId)).toEqual([ids.Eve]);
  });

  it('ranks in the same request: the best two customers of the last 60 days', async () => {
    const result = await segments(owner(), 'POST /v1/segments/preview', { body: { rule: { type: 'best_customers', limit: 2, during: { lastDays: 60 } } } });
    expect(result.status).toBe(200);
    expect(result.body.customers.map((c: { name: string }) => c.name).sort()).toEqual(['Alice Archer', 'Bob Baker']);
  });

  it('refuses bad rules with each error at its path, in the jeweller\'s words', async () => {
    const unknown = await segments(owner(), 'POST /v1/segments/preview', { body: { rule: { and: [{ type: 'sparkly' }] } } });
    expect(unknown.status).toBe(400);
    expect(unknown.headers['content-type']).toBe('application/problem+json');
    expect(unknown.body.errors).toEqual([{ path: 'rule.and[0].type', message: 'Choose a valid segment type' }]);

    const nested = await segments(owner(), 'POST /v1/segments/preview', {
      body: { rule: { or: [{ type: 'lapsed', months: 0 }, { not: { type: 'high_value' } }] } },
    });
    expect(nested.status).toBe(400);
    expect(nested.body.errors).toEqual([
      { path: 'rule.or[0].months', message: 'Enter a positive value' },
      { path: 'rule.or[1].not.amount', message: 'Enter a positive value' },
    ]);

    const missing = await segments(owner(), 'POST /v1/segments/preview', { body: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([{ path: 'rule', message: 'Enter a rule' }]);

    // Sent as text: nesting this deep is more than JSON.stringify (or a naive recursive validator) can take.
    const deep = `{"rule":${'{"not":'.repeat(20_000)}{"type":"vip"}${'}'.repeat(20_001)}`;
    const tooDeep = await segments(owner(), 'POST /v1/segments/preview', { body: deep, headers: { 'content-type': 'application/json' } });
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.body.errors[0].message).toMatch(/nested too deeply/);
  });

  it('validates the rest of the request as usual', async () => {
    const result = await segments(owner(), 'POST /v1/segments/preview', { body: { rule: { type: 'vip' }, limit: 0 } });
    expect(result.status).toBe(400);
    expect(result.body.errors[0].path).toBe('body.limit');
  });
});

describe('system segments', () => {
  it('are listed for every tenant, read-only, and each counts against the live book', async () => {
    const list = await segments(owner(), 'GET /v1/segments');
    expect(list.status).toBe(200);
    expect(list.body.items.filter((s: { kind: string }) => s.kind === 'system').map((s: { segmentId: string }) => s.segmentId)).toEqual(SYSTEM_SEGMENT_IDS);
    expect(list.body.items.every((s: { kind: string; readOnly: boolean }) => s.kind !== 'system' || s.readOnly)).toBe(true);

    const counts: Record<string, number> = {};
    for (const segmentId of SYSTEM_SEGMENT_IDS) {
      const count = await segments(owner(), 'GET /v1/segments/{segmentId}/count', { params: { segmentId } });
      expect(count.status, segmentId).toBe(200);
      counts[segmentId] = count.body.count;
    }
    expect(counts).toMatchObject({ sys_vip: 1, sys_new: 1, sys_lapsed: 2, sys_high_value: 2, sys_active_repairs: 0, sys_layby_overdue: 0 });

    const after = await segments(owner(), 'GET /v1/segments');
    const vip = after.body.items.find((s: { segmentId: string }) => s.segmentId === 'sys_vip');
    expect(vip.lastCount).toEqual({ count: 1, computedAt: expect.any(String) });
  });

  it('cannot be changed or deleted', async () => {
    const change = await segments(owner(), 'PATCH /v1/segments/{segmentId}', { params: { segmentId: 'sys_vip' }, body: { name: 'Mine' } });
    expect(change.status).toBe(403);
    const remove = await segments(owner(), 'DELETE /v1/segments/{segmentId}', { params: { segmentId: 'sys_vip' } });
    expect(remove.status).toBe(403);
    const unknown = await segments(owner(), 'GET /v1/segments/{segmentId}', { params: { segmentId: 'sys_nothing' } });
    expect(unknown.status).toBe(404);
  });
});

describe('saved segments', () => {
  it('are created, read, counted, previewed, changed and deleted by an owner or manager', async () => {
    const created = await segments(staff(tenantId, 'manager'), 'POST /v1/segments', {
      body: { name: 'Lapsed watch buyers', description: 'For the watch service event', rule: LAPSED_WATCH_CUSTOMERS },
    });
    expect(created.status).toBe(201);
    const segmentId = created.body.segmentId as string;
    expect(created.headers.location).toBe(`/v1/segments/${segmentId}`);
    expect(created.body).toMatchObject({
      kind: 'custom',
      readOnly: false,
      lastCount: null,
      usedBy: { campaigns: 0, automations: 0 },
      version: 1,
      rule: { and: [{ type: 'lapsed', months: 6 }, { type: 'purchases', departments: ['watches'] }] },
    });

    const count = await segments(owner(), 'GET /v1/segments/{segmentId}/count', { params: { segmentId } });
    expect(count.body).toMatchObject({ segmentId, count: 1, customersRead: 7 });
    const preview = await segments(owner(), 'GET /v1/segments/{segmentId}/preview', { params: { segmentId }, query: { limit: '10' } });
    expect(preview.body.customers.map((c: { customerId: string }) => c.customerId)).toEqual([ids.Carol]);

    const read = await segments(staff(tenantId, 'workshop'), 'GET /v1/segments/{segmentId}', { params: { segmentId } });
    expect(read.body.lastCount).toEqual({ count: 1, computedAt: expect.any(String) });

    const changed = await segments(owner(), 'PATCH /v1/segments/{segmentId}', {
      params: { segmentId },
      body: { rule: { and: [{ type: 'lapsed' }, { type: 'purchases', departments: ['watches', 'rings'] }] } },
    });
    expect(changed.status).toBe(200);
    // The last count belonged to the old rule.
    expect(changed.body).toMatchObject({ version: 2, lastCount: null, name: 'Lapsed watch buyers' });
    const recount = await segments(owner(), 'GET /v1/segments/{segmentId}/count', { params: { segmentId } });
    expect(recount.body.count).toBe(2);

    const listed = await segments(owner(), 'GET /v1/segments');
    expect(listed.body.items.map((s: { segmentId: string }) => s.segmentId)).toContain(segmentId);

    const deleted = await segments(owner(), 'DELETE /v1/segments/{segmentId}', { params: { segmentId } });
    expect(deleted.status).toBe(204);
    const gone = await segments(owner(), 'GET /v1/segments/{segmentId}', { params: { segmentId } });
    expect(gone.status).toBe(404);
  });

  it('refuse a bad rule on save with the path of each error', async () => {
    const created = await segments(owner(), 'POST /v1/segments', { body: { name: 'Broken', rule: { and: [{ type: 'vip' }, { type: 'nope' }] } } });
    expect(created.status).toBe(400);
    expect(created.body.errors).toEqual([{ path: 'rule.and[1].type', message: 'Choose a valid segment type' }]);
    const noName = await segments(owner(), 'POST /v1/segments', { body: { name: '', rule: { type: 'vip' } } });
    expect(noName.status).toBe(400);
    expect(noName.body.errors).toEqual([{ path: 'body.name', message: 'Enter a name' }]);
  });

  it('can be read by a salesperson, who cannot create, change or delete one', async () => {
    const created = await segments(owner(), 'POST /v1/segments', { body: { name: 'VIPs outside Sydney', rule: VIP_OR_HIGH_VALUE_NOT_SYDNEY } });
    const segmentId = created.body.segmentId as string;
    const salesperson = staff(tenantId, 'salesperson');

    expect((await segments(salesperson, 'GET /v1/segments')).status).toBe(200);
    expect((await segments(salesperson, 'GET /v1/segments/{segmentId}', { params: { segmentId } })).status).toBe(200);
    expect((await segments(salesperson, 'GET /v1/segments/{segmentId}/count', { params: { segmentId } })).body.count).toBe(1);
    expect((await segments(salesperson, 'POST /v1/segments/preview', { body: { rule: { type: 'vip' } } })).status).toBe(200);

    const create = await segments(salesperson, 'POST /v1/segments', { body: { name: 'Mine', rule: { type: 'vip' } } });
    expect(create.status).toBe(403);
    expect(create.body.detail).toBe('Only owner or manager can create segments.');
    expect((await segments(salesperson, 'PATCH /v1/segments/{segmentId}', { params: { segmentId }, body: { name: 'x' } })).status).toBe(403);
    expect((await segments(salesperson, 'DELETE /v1/segments/{segmentId}', { params: { segmentId } })).status).toBe(403);
  });

  it("are another tenant's 404, whatever the route", async () => {
    const created = await segments(owner(), 'POST /v1/segments', { body: { name: 'Ours', rule: { type: 'never_purchased' } } });
    const segmentId = created.body.segmentId as string;
    const stranger = staff(otherTenantId, 'owner');
    for (const route of ['GET /v1/segments/{segmentId}', 'GET /v1/segments/{segmentId}/count', 'GET /v1/segments/{segmentId}/preview', 'DELETE /v1/segments/{segmentId}']) {
      expect((await segments(stranger, route, { params: { segmentId } })).status, route).toBe(404);
    }
    expect((await segments(stranger, 'PATCH /v1/segments/{segmentId}', { params: { segmentId }, body: { name: 'Theirs' } })).status).toBe(404);
    const theirList = await segments(stranger, 'GET /v1/segments');
    expect(theirList.body.items.map((s: { segmentId: string }) => s.segmentId)).not.toContain(segmentId);
    // Their book is empty: the same rule counts nobody of ours.
    const theirs = await segments(stranger, 'POST /v1/segments/preview', { body: { rule: { type: 'never_purchased' } } });
    expect(theirs.body).toMatchObject({ count: 0, customers: [] });
  });
});

describe('audiences for campaigns and automations', () => {
  it('stream every match of a saved segment or an inline rule, evaluated now', async () => {
    const bySegment: string[] = [];
    const outcome = await evaluateAudience(tenantId, { segmentId: 'sys_high_value' }, { onMatch: (c) => bySegment.push(c.customerId) });
    expect(bySegment.sort()).toEqual([ids.Alice, ids.Bob].sort());
    expect(outcome.result.count).toBe(2);
    const inline: string[] = [];
    await evaluateAudience(tenantId, { rule: LAPSED_WATCH_CUSTOMERS }, { onMatch: (c) => inline.push(c.customerId) });
    expect(inline).toEqual([ids.Carol]);
    await expect(evaluateAudience(otherTenantId, { segmentId: 'no-such' }, { onMatch: () => undefined })).rejects.toMatchObject({ status: 404 });
  });
});
