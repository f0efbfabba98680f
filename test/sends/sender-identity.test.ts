/**
 * Sending domains through the API, against the SES emulator with the local identity/tenant shim in front
 * (local/ses/identities.ts): DKIM records, verification status, the SES tenant and its associations, the sender
 * choice before and after verification, one domain per account, roles and removal.
 */
import {
  DeleteTenantCommand,
  GetEmailIdentityCommand,
  GetTenantCommand,
  ListTenantResourcesCommand,
  SESv2Client,
  SendEmailCommand,
} from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { senderIdentityApi } from '../../functions/http/sender-identity';
import { sesTenantName } from '../../shared/adapters/ses/ses-tenant';
import type { Principal } from '../../shared/auth/roles';
import { dkimRecords } from '../../shared/domain/sender-identity/dkim-records';
import { refreshPendingSendingDomains, refreshSendingDomain } from '../../shared/domain/sender-identity/identity-service';
import { loadSenderIdentity } from '../../shared/domain/sender-identity/identity-store';
import { forgetResolvedSender, resolveSender } from '../../shared/domain/sender-identity/resolve-sender';
import { createTenant, updateTenantSettings } from '../../shared/domain/tenants/tenant-repository';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { apiEvent, callRoute } from '../support/http';

const api = senderIdentityApi();
let stack: TestEmulators;
let ses: SESv2Client;
let owner: Principal;
let otherOwner: Principal;

const call = (principal: Principal, method: 'GET' | 'POST' | 'DELETE', body?: unknown) =>
  callRoute(api, apiEvent({ method, path: '/v1/sender-identity', principal, ...(body === undefined ? {} : { body }) }));

beforeAll(async () => {
  stack = await startEmulators({ ses: true });
  ses = new SESv2Client({ endpoint: stack.endpoints.ses! });
  const aurora = await createTenant({ name: 'Aurora Jewellers', owner: { name: 'Ava', email: 'ava@aurora.example' } });
  const kiwi = await createTenant({ name: 'Kiwi Gold', owner: { name: 'Kim', email: 'kim@kiwi.example' } });
  owner = { tenantId: aurora.tenantId, staffId: aurora.ownerStaffId, role: 'owner' };
  otherOwner = { tenantId: kiwi.tenantId, staffId: kiwi.ownerStaffId, role: 'owner' };
  await updateTenantSettings(owner, { defaultSender: { name: 'Ava at Aurora', email: 'hello@aurora-jewellers.example' } });
});
afterAll(async () => {
  ses?.destroy();
  await stack?.stop();
});

describe('the local SES identity shim', () => {
  it('forwards what it does not answer to the emulator (SendEmail lands in the mail store)', async () => {
    await ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'no-reply@mail.facet.example',
        Destination: { ToAddresses: ['someone@example.com'] },
        Content: { Simple: { Subject: { Data: 'Through the shim' }, Body: { Text: { Data: 'hi' } } } },
      }),
    );
    const store = (await (await fetch(`${stack.endpoints.ses}/store`)).json()) as { emails: { subject: string }[] };
    expect(store.emails.map((email) => email.subject)).toContain('Through the shim');
  });

  it('answers SES errors the SDK recognises', async () => {
    await expect(ses.send(new GetEmailIdentityCommand({ EmailIdentity: 'nowhere.example' }))).rejects.toMatchObject({ name: 'NotFoundException' });
  });
});

describe('POST /v1/sender-identity', () => {
  it('registers the domain with Easy DKIM and answers three CNAME records; mail still goes from the platform', async () => {
    const created = await call(owner, 'POST', { domain: 'Aurora-Jewellers.example.' });
    expect(created.status).toBe(201);
    expect(created.body.domain).toBe('aurora-jewellers.example');
    expect(created.body.status).toBe('pending');
    expect(created.body.dkim.status).toBe('PENDING');
    expect(created.body.dkim.records).toHaveLength(3);
    for (const record of created.body.dkim.records) {
      expect(record.type).toBe('CNAME');
      expect(record.name).toMatch(/^[a-f0-9]{32}\._domainkey\.aurora-jewellers\.example$/);
      expect(record.value).toBe(`${record.name.split('.')[0]}.dkim.amazonses.com`);
    }
    expect(created.body.sender).toEqual({
      fromAddress: 'no-reply@mail.facet.example',
      displayName: 'Aurora Jewellers',
      replyTo: ['hello@aurora-jewellers.example'],
    });
  });

  it('creates the SES tenant with the platform identity, the domain identity and (when set) the configuration set', async () => {
    const tenantName = sesTenantName('test', owner.tenantId);
    const tenant = await ses.send(new GetTenantCommand({ TenantName: tenantName }));
    expect(tenant.Tenant?.TenantName).toBe(tenantName);
    const { TenantResources = [] } = await ses.send(new ListTenantResourcesCommand({ TenantName: tenantName }));
    const arns = TenantResources.map((resource) => resource.ResourceArn);
    expect(arns).toContain('arn:aws:ses:us-east-1:000000000000:identity/mail.facet.example');
    expect(arns).toContain('arn:aws:ses:us-east-1:000000000000:identity/aurora-jewellers.example');
  });

  it('answers the same domain again as it is (200), and refuses another domain while one is registered (409)', async () => {
    const again = await call(owner, 'POST', { domain: 'aurora-jewellers.example' });
    expect(again.status).toBe(200);
    expect(again.body.domain).toBe('aurora-jewellers.example');
    const other = await call(owner, 'POST', { domain: 'other.example' });
    expect(other.status).toBe(409);
    expect(other.body.currentDomain).toBe('aurora-jewellers.example');
  });

  it('never lets another tenant register (or remove) a domain someone holds', async () => {
    const taken = await call(otherOwner, 'POST', { domain: 'aurora-jewellers.example' });
    expect(taken.status).toBe(409);
    expect(taken.body.detail).toMatch(/another account/);
    expect((await call(otherOwner, 'GET')).status).toBe(404);
    expect((await call(otherOwner, 'DELETE')).status).toBe(404);
    await expect(ses.send(new GetEmailIdentityCommand({ EmailIdentity: 'aurora-jewellers.example' }))).resolves.toBeDefined();
  });

  it('refuses addresses, malformed domains and the platform domain with 400 naming the field', async () => {
    for (const domain of ['hello@aurora.example', 'no-dots', '-bad-.example', 'mail.facet.example', 'x.mail.facet.example', '1.2.3.4']) {
      const refused = await call(otherOwner, 'POST', { domain });
      expect(refused.status, domain).toBe(400);
      expect(refused.body.errors[0].path).toBe('body.domain');
    }
  });

  it('lets only owners and managers change it', async () => {
    const salesperson: Principal = { ...otherOwner, role: 'salesperson' };
    expect((await call(salesperson, 'POST', { domain: 'kiwi-gold.example' })).status).toBe(403);
    expect((await call(salesperson, 'DELETE')).status).toBe(403);
  });
});

describe('GET /v1/sender-identity', () => {
  it('asks SES: locally the domain verifies at once, and mail then goes from the store sender at its domain', async () => {
    const read = await call({ ...owner, role: 'salesperson' }, 'GET');
    expect(read.status).toBe(200);
    expect(read.body.status).toBe('verified');
    expect(read.body.dkim.status).toBe('SUCCESS');
    expect(read.body.verifiedAt).toBeDefined();
    expect(read.body.sender).toEqual({ fromAddress: 'hello@aurora-jewellers.example', displayName: 'Ava at Aurora', replyTo: [] });
    forgetResolvedSender();
    expect((await resolveSender(owner.tenantId)).ownDomain).toBe(true);
  });

  it('keeps the first verification time and the records on later checks', async () => {
    const first = await loadSenderIdentity(owner.tenantId);
    const later = await refreshSendingDomain(first!, new Date(Date.now() + 60_000));
    expect(later.verifiedAt).toBe(first!.verifiedAt);
    expect(dkimRecords(later.domain, later.dkimTokens)).toHaveLength(3);
  });
});

describe('DELETE /v1/sender-identity', () => {
  it('removes the SES identity and its association; mail goes from the platform again and the domain is free', async () => {
    expect((await call(owner, 'DELETE')).status).toBe(204);
    expect((await call(owner, 'GET')).status).toBe(404);
    await expect(ses.send(new GetEmailIdentityCommand({ EmailIdentity: 'aurora-jewellers.example' }))).rejects.toMatchObject({
      name: 'NotFoundException',
    });
    const { TenantResources = [] } = await ses.send(new ListTenantResourcesCommand({ TenantName: sesTenantName('test', owner.tenantId) }));
    expect(TenantResources.map((resource) => resource.ResourceArn)).not.toContain('arn:aws:ses:us-east-1:000000000000:identity/aurora-jewellers.example');
    forgetResolvedSender();
    expect(await resolveSender(owner.tenantId)).toMatchObject({ fromAddress: 'no-reply@mail.facet.example', ownDomain: false });
    const claimedByOther = await call(otherOwner, 'POST', { domain: 'aurora-jewellers.example' });
    expect(claimedByOther.status).toBe(201);
  });
});

describe('a registration that fails half-way', () => {
  it('leaves nothing held: the claim is released and the SES identity removed', async () => {
    const created = await createTenant({ name: 'Half Way', owner: { name: 'Hal', email: 'hal@halfway.example' } });
    const halfWay: Principal = { tenantId: created.tenantId, staffId: created.ownerStaffId, role: 'owner' };
    expect((await call(halfWay, 'POST', { domain: 'first.example' })).status).toBe(201);
    expect((await call(halfWay, 'DELETE')).status).toBe(204);
    // SES loses the tenant behind Facet's back: associating the next domain fails after the identity was created.
    await ses.send(new DeleteTenantCommand({ TenantName: sesTenantName('test', halfWay.tenantId) }));
    expect((await call(halfWay, 'POST', { domain: 'halfway.example' })).status).toBe(500);
    expect((await call(halfWay, 'GET')).status).toBe(404);
    await expect(ses.send(new GetEmailIdentityCommand({ EmailIdentity: 'halfway.example' }))).rejects.toMatchObject({ name: 'NotFoundException' });
    expect((await call(owner, 'POST', { domain: 'halfway.example' })).status).toBe(201);
    expect((await call(owner, 'DELETE')).status).toBe(204);
  });
});

describe('the identity refresher', () => {
  it('checks every pending domain once and drops it from the worklist when verified', async () => {
    expect((await loadSenderIdentity(otherOwner.tenantId))?.status).toBe('pending');
    expect(await refreshPendingSendingDomains(new Date())).toEqual({ checked: 1, verified: 1, failed: 0 });
    expect((await loadSenderIdentity(otherOwner.tenantId))?.status).toBe('verified');
    expect(await refreshPendingSendingDomains(new Date())).toEqual({ checked: 0, verified: 0, failed: 0 });
  });
});
