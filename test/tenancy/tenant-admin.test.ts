import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressHash } from '../../shared/domain/customers/address-hash';
import { isSuppressed, stageSuppression, suppressionFor } from '../../shared/domain/suppression/suppression-repository';
import { createStaffMember } from '../../shared/domain/staff/staff-repository';
import { createTenant, loadTenantSettings, forgetTenantSettings } from '../../shared/domain/tenants/tenant-repository';
import { logger } from '../../shared/observability/logger';
import { UnitOfWork } from '../../shared/store/unit-of-work';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { call } from './as-staff';

let stack: TestEmulators;
let tenantId: string;
const key = { owner: '', manager: '', salesperson: '' };
let otherOwnerKey: string;

beforeAll(async () => {
  logger.setLogLevel('ERROR');
  stack = await startEmulators();
  const created = await createTenant({ name: 'Acme Jewellers', timeZone: 'Australia/Perth', owner: { name: 'O', email: 'o@example.com' } });
  tenantId = created.tenantId;
  key.owner = created.apiKey;
  const system = { tenantId, staffId: 'system', role: 'system' } as const;
  key.manager = (await createStaffMember(system, { name: 'M', email: 'm@example.com', role: 'manager' })).issued.apiKey;
  key.salesperson = (await createStaffMember(system, { name: 'S', email: 's@example.com', role: 'salesperson' })).issued.apiKey;
  otherOwnerKey = (await createTenant({ name: 'Other', owner: { name: 'X', email: 'x@example.org' } })).apiKey;
});

afterAll(async () => stack?.stop());

describe('tenant settings', () => {
  it('reads with defaults filled in, for every role', async () => {
    const res = await call(key.salesperson, 'GET /v1/settings');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      name: 'Acme Jewellers',
      timeZone: 'Australia/Perth',
      country: 'AU',
      currency: 'AUD',
      defaultSendHour: 10,
      frequencyCap: { messages: 3, days: 7 },
      attributionWindowDays: 7,
    });
  });

  it('a salesperson may not change them', async () => {
    const res = await call(key.salesperson, 'PATCH /v1/settings', { body: { defaultSendHour: 9 } });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.body.detail).toBe('Only owner or manager can change tenant settings.');
  });

  it('a manager changes only the fields sent, and the change is audited by field name', async () => {
    const res = await call(key.manager, 'PATCH /v1/settings', {
      body: { timeZone: 'Australia/Sydney', storePhone: '+61 2 5550 1234', defaultSendHour: 10 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Acme Jewellers', timeZone: 'Australia/Sydney', storePhone: '+61 2 5550 1234', defaultSendHour: 10 });
    forgetTenantSettings();
    expect(await loadTenantSettings(tenantId)).toEqual(res.body);

    const cleared = await call(key.owner, 'PATCH /v1/settings', { body: { storePhone: null } });
    expect(cleared.body.storePhone).toBeUndefined();

    const audit = await call(key.owner, 'GET /v1/audit');
    const changes = audit.body.items.filter((e: { action: string }) => e.action === 'settings_changed');
    expect(changes.map((e: { fields: string[] }) => e.fields)).toEqual([['storePhone'], ['timeZone', 'storePhone']]);
    expect(JSON.stringify(changes)).not.toContain('5550');
  });

  it('rejects bad values and unknown fields with 400', async () => {
    const res = await call(key.owner, 'PATCH /v1/settings', { body: { timeZone: 'Mars/Base', frequencyCap: { messages: 0, days: 7 } } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.timeZone', 'body.frequencyCap.messages']);
    expect((await call(key.owner, 'PATCH /v1/settings', { body: { colour: 'gold' } })).status).toBe(400);
  });
});

describe('the audit trail', () => {
  it('pages newest first with a cursor, and filters by range', async () => {
    for (const hour of [7, 8, 9]) await call(key.owner, 'PATCH /v1/settings', { body: { defaultSendHour: hour } });
    const first = await call(key.owner, 'GET /v1/audit', { query: { limit: '2' } });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call(key.owner, 'GET /v1/audit', { query: { limit: '100', cursor: first.body.nextCursor } });
    const all = [...first.body.items, ...second.body.items];
    const times = all.map((e: { at: string }) => e.at);
    expect(times).toEqual([...times].sort().reverse());
    expect(new Set(all.map((e: { auditId: string }) => e.auditId)).size).toBe(all.length);
    expect(all.some((e: { entity: string }) => e.entity === 'tenant')).toBe(true);

    const longAgo = await call(key.owner, 'GET /v1/audit', { query: { from: '2020-01-01', to: '2020-02-01' } });
    expect(longAgo.body).toEqual({ items: [], nextCursor: null });
  });

  it("rejects another tenant's cursor and inverted ranges", async () => {
    const mine = await call(key.owner, 'GET /v1/audit', { query: { limit: '1' } });
    expect((await call(otherOwnerKey, 'GET /v1/audit', { query: { cursor: mine.body.nextCursor } })).status).toBe(400);
    expect((await call(key.owner, 'GET /v1/audit', { query: { from: '2025-02-01', to: '2025-01-01' } })).status).toBe(400);
  });

  it('is not readable by a salesperson', async () => {
    const res = await call(key.salesperson, 'GET /v1/audit');
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe('Only owner or manager can read the audit trail.');
  });
});

describe('the suppression list', () => {
  it('a manager adds an address; it is suppressed whatever its case; a second add is a 409', async () => {
    const res = await call(key.manager, 'POST /v1/suppressions', { body: { channel: 'email', address: 'Jo.Bloggs@Example.com', note: 'asked in store' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ channel: 'email', reason: 'manual', scope: 'all', address: 'Jo.Bloggs@Example.com', note: 'asked in store' });
    expect(res.body.addressHash).toBe(addressHash(tenantId, 'email', 'jo.bloggs@example.com'));
    expect(await isSuppressed(tenantId, 'email', ' jo.bloggs@example.COM ')).toBe(true);
    expect(await isSuppressed(tenantId, 'sms', 'jo.bloggs@example.com')).toBe(false);

    const again = await call(key.owner, 'POST /v1/suppressions', { body: { channel: 'email', address: 'jo.bloggs@example.com' } });
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/already suppressed \(manual\)/);
  });

  it('is per tenant', async () => {
    const res = await call(otherOwnerKey, 'GET /v1/suppressions');
    expect(res.body.items).toEqual([]);
  });

  it('a salesperson reads but cannot change it; bad addresses are 400', async () => {
    expect((await call(key.salesperson, 'GET /v1/suppressions')).status).toBe(200);
    const res = await call(key.salesperson, 'POST /v1/suppressions', { body: { channel: 'sms', address: '+61491570156' } });
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe('Only owner or manager can change the suppression list.');
    const bad = await call(key.owner, 'POST /v1/suppressions', { body: { channel: 'sms', address: '0491 570 156' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('body.address');
  });

  it('lists in pages, filters by channel and looks one address up', async () => {
    await call(key.owner, 'POST /v1/suppressions', { body: { channel: 'sms', address: '+61491650001' } });
    await call(key.owner, 'POST /v1/suppressions', { body: { channel: 'sms', address: '+61491650002' } });
    const firstPage = await call(key.owner, 'GET /v1/suppressions', { query: { limit: '2' } });
    const rest = await call(key.owner, 'GET /v1/suppressions', { query: { limit: '2', cursor: firstPage.body.nextCursor } });
    expect(firstPage.body.items.length + rest.body.items.length).toBe(3);
    const sms = await call(key.owner, 'GET /v1/suppressions', { query: { channel: 'sms' } });
    expect(sms.body.items.map((e: { address: string }) => e.address).sort()).toEqual(['+61491650001', '+61491650002']);
    const one = await call(key.owner, 'GET /v1/suppressions', { query: { channel: 'sms', address: '+61 491 650 002' } });
    expect(one.body.items).toHaveLength(1);
    expect((await call(key.owner, 'GET /v1/suppressions', { query: { address: 'x@example.com' } })).status).toBe(400);
  });

  it('an erased entry keeps only the hash, replacing a bounce entry that held the address', async () => {
    const address = 'gone@example.net';
    const uow = new UnitOfWork(undefined);
    stageSuppression(uow, suppressionFor(tenantId, 'email', address, 'hard_bounce', 'system', new Date().toISOString()));
    await uow.commit();
    const erase = new UnitOfWork(undefined);
    stageSuppression(erase, suppressionFor(tenantId, 'email', address, 'erased', 'system', new Date().toISOString()));
    await erase.commit();
    const res = await call(key.owner, 'GET /v1/suppressions', { query: { channel: 'email', address } });
    expect(res.body.items).toEqual([expect.objectContaining({ reason: 'erased' })]);
    expect(res.body.items[0].address).toBeUndefined();
    expect(await isSuppressed(tenantId, 'email', address)).toBe(true);
  });

  it('removal needs a reason, and the removed entry stays in the audit trail', async () => {
    const hash = addressHash(tenantId, 'email', 'jo.bloggs@example.com');
    const params = { channel: 'email', addressHash: hash };
    const noReason = await call(key.manager, 'DELETE /v1/suppressions/{channel}/{addressHash}', { params, body: {} });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].path).toBe('body.reason');
    expect((await call(key.salesperson, 'DELETE /v1/suppressions/{channel}/{addressHash}', { params, body: { reason: 'customer asked' } })).status).toBe(403);

    const removed = await call(key.manager, 'DELETE /v1/suppressions/{channel}/{addressHash}', { params, body: { reason: 'customer re-subscribed in store' } });
    expect(removed.status).toBe(204);
    expect(await isSuppressed(tenantId, 'email', 'jo.bloggs@example.com')).toBe(false);
    expect((await call(key.manager, 'DELETE /v1/suppressions/{channel}/{addressHash}', { params, body: { reason: 'again' } })).status).toBe(404);

    const audit = await call(key.owner, 'GET /v1/audit', { query: { limit: '100' } });
    const history = audit.body.items.filter((e: { entity: string; entityId: string }) => e.entity === 'suppression' && e.entityId === `email#${hash}`);
    expect(history.map((e: { action: string }) => e.action)).toEqual(['deleted', 'created']);
    expect(history[0].detail).toMatch(/\(manual, since .*\).*Reason: customer re-subscribed in store/);
  });
});
