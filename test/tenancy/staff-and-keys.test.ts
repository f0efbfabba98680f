import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as authorizer } from '../../functions/auth/authorizer';
import { createTenant } from '../../shared/domain/tenants/tenant-repository';
import { logger } from '../../shared/observability/logger';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { authorizerEvent, call, principalOf } from './as-staff';

let stack: TestEmulators;
let tenant: { tenantId: string; ownerStaffId: string; apiKey: string };
let other: { tenantId: string; ownerStaffId: string; apiKey: string };

beforeAll(async () => {
  logger.setLogLevel('ERROR');
  stack = await startEmulators();
  tenant = await createTenant({ name: 'Acme Jewellers', owner: { name: 'Olive Owner', email: 'olive@example.com' } });
  other = await createTenant({ name: 'Other Jewellers', owner: { name: 'Otto Other', email: 'otto@example.org' } });
});

afterAll(async () => stack?.stop());

async function addStaff(byKey: string, role: string, name = `${role} person`) {
  const res = await call(byKey, 'POST /v1/staff', { body: { name, email: `${role}@example.com`, role } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { staffId: res.body.staff.staffId as string, keyId: res.body.apiKey.keyId as string, apiKey: res.body.apiKey.apiKey as string };
}

describe('the authorizer', () => {
  it('resolves a valid key to its tenant, staff member and role', async () => {
    const result = await authorizer(authorizerEvent(`Bearer ${tenant.apiKey}`));
    expect(result).toEqual({
      isAuthorized: true,
      context: { tenantId: tenant.tenantId, staffId: tenant.ownerStaffId, role: 'owner' },
    });
  });

  it('refuses unknown, malformed and missing keys', async () => {
    const unknown = `fct_${Buffer.alloc(32, 7).toString('base64url')}`;
    for (const header of [`Bearer ${unknown}`, 'Bearer not-a-key', `Basic ${tenant.apiKey}`, tenant.apiKey, undefined]) {
      expect(await authorizer(authorizerEvent(header))).toEqual({ isAuthorized: false });
    }
  });

  it('refuses a key once it is revoked', async () => {
    const staff = await addStaff(tenant.apiKey, 'workshop');
    expect((await authorizer(authorizerEvent(`Bearer ${staff.apiKey}`))).isAuthorized).toBe(true);
    const revoked = await call(tenant.apiKey, 'DELETE /v1/staff/{staffId}/keys/{keyId}', { params: staff });
    expect(revoked.status).toBe(204);
    expect(await authorizer(authorizerEvent(`Bearer ${staff.apiKey}`))).toEqual({ isAuthorized: false });
  });
});

describe('staff and key management', () => {
  it('an owner adds staff; the key is returned once and only a hint is listed', async () => {
    const manager = await addStaff(tenant.apiKey, 'manager', 'Mia Manager');
    expect(manager.apiKey).toMatch(/^fct_/);
    expect(await principalOf(manager.apiKey)).toEqual({ tenantId: tenant.tenantId, staffId: manager.staffId, role: 'manager' });

    const listed = await call(tenant.apiKey, 'GET /v1/staff');
    expect(listed.status).toBe(200);
    const mia = listed.body.items.find((s: { staffId: string }) => s.staffId === manager.staffId);
    expect(mia).toMatchObject({ name: 'Mia Manager', role: 'manager', keys: [{ keyId: manager.keyId, hint: manager.apiKey.slice(-4), active: true }] });
    expect(listed.text).not.toContain(manager.apiKey);
    expect(listed.text).not.toContain('keyHash');
  });

  it('a manager manages non-owners but cannot create owners or touch their keys', async () => {
    const manager = await addStaff(tenant.apiKey, 'manager');
    const sales = await addStaff(manager.apiKey, 'salesperson');
    expect((await call(manager.apiKey, 'POST /v1/staff/{staffId}/keys', { params: sales })).status).toBe(201);

    const owner = await call(manager.apiKey, 'POST /v1/staff', { body: { name: 'New Owner', email: 'o2@example.com', role: 'owner' } });
    expect(owner.status).toBe(403);
    expect(owner.body.detail).toBe('Only an owner can create an owner.');

    const ownerKey = await call(manager.apiKey, 'POST /v1/staff/{staffId}/keys', { params: { staffId: tenant.ownerStaffId } });
    expect(ownerKey.status).toBe(403);

    const ownerStaff = await call(tenant.apiKey, 'GET /v1/staff/{staffId}', { params: { staffId: tenant.ownerStaffId } });
    const revoke = await call(manager.apiKey, 'DELETE /v1/staff/{staffId}/keys/{keyId}', {
      params: { staffId: tenant.ownerStaffId, keyId: ownerStaff.body.keys[0].keyId },
    });
    expect(revoke.status).toBe(403);
    expect(revoke.body.detail).toBe("Only an owner can revoke an owner's key.");
  });

  it('other roles cannot manage staff', async () => {
    const sales = await addStaff(tenant.apiKey, 'salesperson');
    const res = await call(sales.apiKey, 'POST /v1/staff', { body: { name: 'X', email: 'x@example.com', role: 'workshop' } });
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe('Only owner or manager can manage staff and API keys.');
    expect((await call(sales.apiKey, 'GET /v1/staff')).status).toBe(200);
  });

  it('rejects bad bodies with field paths', async () => {
    const res = await call(tenant.apiKey, 'POST /v1/staff', { body: { name: '', email: 'nope', role: 'boss' } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.email', 'body.name', 'body.role']);
  });

  it("another tenant's staff member is a 404", async () => {
    const res = await call(other.apiKey, 'POST /v1/staff/{staffId}/keys', { params: { staffId: tenant.ownerStaffId } });
    expect(res.status).toBe(404);
    expect((await call(other.apiKey, 'GET /v1/staff/{staffId}', { params: { staffId: tenant.ownerStaffId } })).status).toBe(404);
  });
});

describe('the last owner', () => {
  it('cannot lose their last key, but can once another owner holds one', async () => {
    const t = await createTenant({ name: 'Solo Jewellers', owner: { name: 'Sam Solo', email: 'sam@example.net' } });
    const firstKeyId = (await call(t.apiKey, 'GET /v1/staff/{staffId}', { params: { staffId: t.ownerStaffId } })).body.keys[0].keyId;
    const second = await call(t.apiKey, 'POST /v1/staff/{staffId}/keys', { params: { staffId: t.ownerStaffId } });
    expect(second.status).toBe(201);

    expect((await call(t.apiKey, 'DELETE /v1/staff/{staffId}/keys/{keyId}', { params: { staffId: t.ownerStaffId, keyId: firstKeyId } })).status).toBe(204);
    const last = await call(second.body.apiKey, 'DELETE /v1/staff/{staffId}/keys/{keyId}', {
      params: { staffId: t.ownerStaffId, keyId: second.body.keyId },
    });
    expect(last.status).toBe(409);
    expect(last.body.detail).toMatch(/last active owner key/);

    const coOwner = await addStaff(second.body.apiKey, 'owner', 'Cora Co-owner');
    const now = await call(coOwner.apiKey, 'DELETE /v1/staff/{staffId}/keys/{keyId}', {
      params: { staffId: t.ownerStaffId, keyId: second.body.keyId },
    });
    expect(now.status).toBe(204);
  });

  it('two owners revoking each other at the same moment: exactly one wins', async () => {
    const t = await createTenant({ name: 'Duo Jewellers', owner: { name: 'Ada', email: 'ada@example.com' } });
    const ada = { staffId: t.ownerStaffId, apiKey: t.apiKey, keyId: (await call(t.apiKey, 'GET /v1/staff/{staffId}', { params: { staffId: t.ownerStaffId } })).body.keys[0].keyId };
    const bea = await addStaff(t.apiKey, 'owner', 'Bea');
    const results = await Promise.all([
      call(ada.apiKey, 'DELETE /v1/staff/{staffId}/keys/{keyId}', { params: { staffId: bea.staffId, keyId: bea.keyId } }),
      call(bea.apiKey, 'DELETE /v1/staff/{staffId}/keys/{keyId}', { params: { staffId: ada.staffId, keyId: ada.keyId } }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([204, 409]);
  });
});

describe('key audit entries', () => {
  it('record key creation and revocation, readable by owners only among these', async () => {
    const staff = await addStaff(tenant.apiKey, 'accountant');
    await call(tenant.apiKey, 'DELETE /v1/staff/{staffId}/keys/{keyId}', { params: staff });
    const audit = await call(tenant.apiKey, 'GET /v1/audit', { query: { limit: '100' } });
    expect(audit.status).toBe(200);
    const forKey = audit.body.items.filter((e: { entityId: string }) => e.entityId === staff.keyId);
    expect(forKey.map((e: { action: string }) => e.action).sort()).toEqual(['key_created', 'key_revoked']);
    expect(forKey.every((e: { actorStaffId: string }) => e.actorStaffId === tenant.ownerStaffId)).toBe(true);

    const denied = await call(staff.apiKey, 'GET /v1/audit').catch((e: Error) => e);
    expect(denied).toBeInstanceOf(Error); // the revoked key no longer even reaches the handler
    const accountant = await addStaff(tenant.apiKey, 'accountant');
    const refused = await call(accountant.apiKey, 'GET /v1/audit');
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toBe('Only owner or manager can read the audit trail.');
  });
});
