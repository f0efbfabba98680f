import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/http/customers';
import type { Principal, Role } from '../../shared/auth/roles';
import { addressHash } from '../../shared/domain/customers/address-hash';
import { mutateCustomer } from '../../shared/domain/customers/customer-repository';
import { isSuppressed } from '../../shared/domain/suppression/suppression-repository';
import { createTenant } from '../../shared/domain/tenants/tenant-repository';
import type { DomainEvent } from '../../shared/events/domain-events';
import { logger } from '../../shared/observability/logger';
import { documentClient } from '../../shared/store/dynamo';
import { keys } from '../../shared/store/keys';
import { receiveAll } from '../events/sqs-messages';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { type CallResult, callRouteKey, type RouteCallOptions } from '../support/http';

let stack: TestEmulators;
let tenantA: string;
let tenantB: string;

const as = (tenantId: string, role: Role, staffId = `staff-${role}`): Principal => ({ tenantId, staffId, role });
let owner: Principal;
let manager: Principal;
let salesperson: Principal;
let workshop: Principal;
let otherTenantOwner: Principal;

/** `api(principal, 'PATCH /v1/customers/{customerId}', { params, body })`, through the real handler and event shape. */
function api<T = any>(principal: Principal, route: string, options: RouteCallOptions = {}): Promise<CallResult<T>> {
  return callRouteKey<T>(handler, principal, route, options);
}

async function create(principal: Principal, body: Record<string, unknown>) {
  const res = await api(principal, 'POST /v1/customers', { body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { customerId: string; version: number } & Record<string, any>;
}

const tableName = () => stack.tableName;
const rawCustomer = async (tenantId: string, customerId: string) =>
  (await documentClient.send(new GetCommand({ TableName: tableName(), Key: keys.customer(tenantId, customerId) }))).Item;

/** Audit entries of this month about one entity with one action. */
async function auditEntries(tenantId: string, entityId: string, action: string) {
  const result = await documentClient.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: 'entityId = :id AND #action = :action',
      ExpressionAttributeNames: { '#action': 'action' },
      ExpressionAttributeValues: { ':pk': keys.auditMonth(tenantId, new Date().toISOString().slice(0, 7)).pk, ':id': entityId, ':action': action },
    }),
  );
  return result.Items ?? [];
}

async function publishedEvents(): Promise<DomainEvent[]> {
  const messages = await receiveAll(stack.queueUrls.domainEvents);
  return messages.map((m) => JSON.parse(m.Body ?? '{}') as DomainEvent);
}

beforeAll(async () => {
  logger.setLogLevel('CRITICAL');
  stack = await startEmulators({ sqs: true });
  tenantA = (await createTenant({ name: 'Aurora', timeZone: 'Australia/Sydney', owner: { name: 'O', email: 'o@example.com' } })).tenantId;
  tenantB = (await createTenant({ name: 'Other', owner: { name: 'X', email: 'x@example.org' } })).tenantId;
  owner = as(tenantA, 'owner');
  manager = as(tenantA, 'manager');
  salesperson = as(tenantA, 'salesperson');
  workshop = as(tenantA, 'workshop');
  otherTenantOwner = as(tenantB, 'owner');
});

afterAll(async () => stack?.stop());

describe('create and read', () => {
  it('creates a customer with normalised fields, default consent, empty aggregates and a customer.created event', async () => {
    await publishedEvents();
    const res = await api(salesperson, 'POST /v1/customers', {
      body: {
        firstName: 'Olivia',
        lastName: 'Chen',
        email: 'Olivia.Chen@Example.com',
        phone: '+61 412 000 001',
        address: { line1: '12 Pitt St', city: 'Sydney', postcode: '2000', country: 'au' },
        birthday: { month: 2, day: 29 },
        weddingDate: '2018-10-06',
        tags: ['VIP', 'bridal'],
        loyalty: { member: true, tier: 'gold' },
        externalId: 'POS-100',
        consent: { email: { marketing: 'granted' } },
      },
    });
    expect(res.status).toBe(201);
    expect(res.headers.etag).toBe('"1"');
    expect(res.headers.location).toBe(`/v1/customers/${res.body.customerId}`);
    expect(res.body).toMatchObject({
      firstName: 'Olivia',
      email: 'olivia.chen@example.com',
      phone: '+61412000001',
      address: { country: 'AU' },
      tags: ['vip', 'bridal'],
      status: 'active',
      version: 1,
      aggregates: { totalSpent: 0, purchaseCount: 0, monthlySpend: {}, repairsByStatus: { ready: 0 } },
      consent: {
        email: { marketing: { status: 'granted', source: 'staff', actorStaffId: 'staff-salesperson' }, service: { status: 'granted', source: 'default' } },
        sms: { marketing: null, service: { status: 'granted', source: 'default' } },
      },
    });
    expect(res.body.customerSince).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const read = await api(manager, 'GET /v1/customers/{customerId}', { params: { customerId: res.body.customerId } });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);

    const events = await publishedEvents();
    expect(events.map((e) => e.type).sort()).toEqual(['consent.changed', 'customer.created']);
    expect(events.every((e) => e.customerId === res.body.customerId && e.tenantId === tenantA && e.source === 'api')).toBe(true);
  });

  it("answers 404 for another tenant's customer, on every route", async () => {
    const { customerId } = await create(owner, { lastName: 'Private' });
    const params = { customerId };
    expect((await api(otherTenantOwner, 'GET /v1/customers/{customerId}', { params })).status).toBe(404);
    expect((await api(otherTenantOwner, 'PATCH /v1/customers/{customerId}', { params, body: { notes: 'x' } })).status).toBe(404);
    expect((await api(otherTenantOwner, 'PUT /v1/customers/{customerId}/consent', { params, body: { email: { marketing: 'granted' } } })).status).toBe(404);
    expect((await api(otherTenantOwner, 'GET /v1/customers/{customerId}/export', { params })).status).toBe(404);
    expect((await api(otherTenantOwner, 'POST /v1/customers/{customerId}/erase', { params })).status).toBe(404);
    expect((await api(otherTenantOwner, 'DELETE /v1/customers/{customerId}', { params })).status).toBe(404);
    expect((await api(otherTenantOwner, 'GET /v1/customers/{customerId}/communications', { params })).status).toBe(404);
    const notFound = await api(otherTenantOwner, 'GET /v1/customers/{customerId}', { params });
    expect(notFound.headers['content-type']).toBe('application/problem+json');
    expect(notFound.body).toMatchObject({ status: 404, detail: 'Customer was not found.' });
    // Untouched for its own tenant.
    expect((await api(owner, 'GET /v1/customers/{customerId}', { params })).body.notes).toBeNull();
  });

  it('refuses a workshop user creating a customer with 403', async () => {
    const res = await api(workshop, 'POST /v1/customers', { body: { lastName: 'Nope' } });
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe('Only owner, manager or salesperson can create customers.');
  });

  it('answers 400 with the path of every bad field', async () => {
    const res = await api(owner, 'POST /v1/customers', {
      body: { lastName: 'X', phone: '0412 000 000', birthday: { month: 2, day: 30 }, status: 'vip', tags: [''], email: 'nope' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(
      ['body.birthday.day', 'body.email', 'body.phone', 'body.status', 'body.tags[0]'].sort(),
    );
    const malformed = await api(owner, 'POST /v1/customers', { body: '{"lastName": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].path).toBe('body');
  });

  it('keeps email and external id unique within the tenant (409), but not across tenants', async () => {
    await create(owner, { lastName: 'First', email: 'dup@example.com', externalId: 'POS-DUP' });
    const sameEmail = await api(owner, 'POST /v1/customers', { body: { lastName: 'Second', email: 'DUP@example.com' } });
    expect(sameEmail.status).toBe(409);
    expect(sameEmail.body.errors).toEqual([{ path: 'body.email', message: 'Already used by another customer' }]);
    const sameExternal = await api(owner, 'POST /v1/customers', { body: { lastName: 'Third', externalId: 'POS-DUP' } });
    expect(sameExternal.status).toBe(409);
    expect(sameExternal.body.errors[0].path).toBe('body.externalId');
    await create(otherTenantOwner, { lastName: 'Elsewhere', email: 'dup@example.com', externalId: 'POS-DUP' });
  });
});

describe('update', () => {
  it('changes only the fields sent, clears with null, and moves the email guard', async () => {
    const customer = await create(owner, { firstName: 'Ava', lastName: 'Brown', email: 'ava@example.com', notes: 'n' });
    const res = await api(salesperson, 'PATCH /v1/customers/{customerId}', {
      params: { customerId: customer.customerId },
      body: { email: 'ava.b@example.com', notes: null, tags: ['Lapsed'] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ firstName: 'Ava', lastName: 'Brown', email: 'ava.b@example.com', notes: null, tags: ['lapsed'], version: 2 });
    expect(res.headers.etag).toBe('"2"');
    // The old address is free again, the new one taken.
    await create(owner, { lastName: 'Other', email: 'ava@example.com' });
    expect((await api(owner, 'POST /v1/customers', { body: { lastName: 'Other', email: 'ava.b@example.com' } })).status).toBe(409);
  });

  it('applies an If-Match update only to the current version (412 otherwise)', async () => {
    const { customerId } = await create(owner, { lastName: 'Match' });
    const params = { customerId };
    const ok = await api(owner, 'PATCH /v1/customers/{customerId}', { params, body: { notes: 'a' }, headers: { 'If-Match': '"1"' } });
    expect(ok.status).toBe(200);
    const stale = await api(owner, 'PATCH /v1/customers/{customerId}', { params, body: { notes: 'b' }, headers: { 'If-Match': '"1"' } });
    expect(stale.status).toBe(412);
    expect(stale.body.currentVersion).toBe(2);
    expect((await api(owner, 'GET /v1/customers/{customerId}', { params })).body.notes).toBe('a');
    const same = await api(owner, 'PATCH /v1/customers/{customerId}', { params, body: { notes: 'a' } });
    expect(same.body.version).toBe(2);
    expect(await auditEntries(tenantA, customerId, 'updated')).toHaveLength(1);
  });

  it('loses no update when writers race: concurrent PATCHes and aggregate changes all land', async () => {
    const { customerId } = await create(owner, { lastName: 'Race' });
    const params = { customerId };
    const patches = [{ notes: 'from A' }, { firstName: 'Bea' }, { tags: ['race'] }].map((body) =>
      api(salesperson, 'PATCH /v1/customers/{customerId}', { params, body }),
    );
    const increments = Array.from({ length: 4 }, () =>
      mutateCustomer({
        tenantId: tenantA,
        customerId,
        publisher: undefined,
        apply: (customer) => ({ set: { agg: { ...customer.agg, totalSpent: customer.agg.totalSpent + 100, purchaseCount: customer.agg.purchaseCount + 1 } } }),
      }),
    );
    const results = await Promise.all([...patches, ...increments]);
    for (const res of results.slice(0, 3)) expect((res as CallResult).status).toBe(200);

    const after = (await api(owner, 'GET /v1/customers/{customerId}', { params })).body;
    expect(after).toMatchObject({ notes: 'from A', firstName: 'Bea', tags: ['race'], version: 8 });
    expect(after.aggregates).toMatchObject({ totalSpent: 400, purchaseCount: 4 });
  });
});

describe('list and search', () => {
  let tenantC: string;
  let reader: Principal;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    tenantC = (await createTenant({ name: 'List', owner: { name: 'L', email: 'l@example.com' } })).tenantId;
    reader = as(tenantC, 'accountant');
    const writer = as(tenantC, 'owner');
    const people = [
      { firstName: 'Anna', lastName: 'Smith', address: { city: 'Sydney' }, tags: ['vip'], phone: '+61412111111' },
      { firstName: 'Bob', lastName: 'Smith', address: { city: 'Melbourne' }, tags: ['watch'] },
      { firstName: 'Carl', lastName: 'Jones', address: { city: 'Sydney' }, tags: ['vip', 'watch'], email: 'carl@example.com' },
      { firstName: 'Zoë', lastName: "Ó'Brien", address: { city: 'Brisbane' }, tags: ['vip'] },
      { firstName: 'Dan', lastName: 'Adams', address: { city: 'Sýdney' } },
      { firstName: 'Eve', lastName: 'Smithers', tags: ['watch'] },
    ];
    for (const person of people) ids[`${person.firstName} ${person.lastName}`] = (await create(writer, person)).customerId;
  });

  const names = (items: { firstName: string; lastName: string }[]) => items.map((c) => `${c.firstName} ${c.lastName}`);

  async function collect(query: Record<string, string>) {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await api(reader, 'GET /v1/customers', { query: { ...query, ...(cursor ? { cursor } : {}) } });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(Number(query.limit ?? 25));
      seen.push(...names(res.body.items));
      cursor = res.body.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 20);
    return { seen, pages };
  }

  it('lists every customer by surname, a page at a time', async () => {
    const { seen, pages } = await collect({ limit: '2' });
    expect(seen).toEqual(['Dan Adams', 'Carl Jones', "Zoë Ó'Brien", 'Anna Smith', 'Bob Smith', 'Eve Smithers']);
    expect(pages).toBe(3);
  });

  it('searches by surname prefix, and by "Surname, First"', async () => {
    expect((await collect({ q: 'smith' })).seen).toEqual(['Anna Smith', 'Bob Smith', 'Eve Smithers']);
    expect((await collect({ q: 'Smith, b' })).seen).toEqual(['Bob Smith']);
    expect((await collect({ q: "o'bri" })).seen).toEqual(["Zoë Ó'Brien"]);
  });

  it('filters by first name, city (accent-insensitive), tag, phone and email', async () => {
    expect((await collect({ firstName: 'zo' })).seen).toEqual(["Zoë Ó'Brien"]);
    expect((await collect({ city: 'sydney' })).seen).toEqual(['Dan Adams', 'Carl Jones', 'Anna Smith']);
    expect((await collect({ tag: 'VIP' })).seen).toEqual(['Carl Jones', "Zoë Ó'Brien", 'Anna Smith']);
    expect((await collect({ tag: 'watch', q: 'smith' })).seen).toEqual(['Bob Smith', 'Eve Smithers']);
    expect((await collect({ phone: '0412 111 111' })).seen).toEqual(['Anna Smith']);
    expect((await collect({ email: 'CARL@example.com' })).seen).toEqual(['Carl Jones']);
    expect((await collect({ email: 'nobody@example.com' })).seen).toEqual([]);
  });

  it('pages through a filtered list without losing or repeating anyone', async () => {
    const { seen } = await collect({ tag: 'watch', limit: '1' });
    expect(seen).toEqual(['Carl Jones', 'Bob Smith', 'Eve Smithers']);
  });

  it('refuses a cursor from another listing and bad query values', async () => {
    const other = await api(owner, 'GET /v1/customers', { query: { limit: '1' } });
    const res = await api(reader, 'GET /v1/customers', { query: { cursor: other.body.nextCursor } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('query.cursor');
    const bad = await api(reader, 'GET /v1/customers', { query: { limit: '500', phone: 'ab' } });
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['query.limit', 'query.phone']);
  });
});

describe('consent', () => {
  it('changes consent, keeps the history newest first, emits consent.changed and ignores repeats', async () => {
    const { customerId } = await create(owner, { lastName: 'Consent', email: 'consent@example.com' });
    const params = { customerId };
    await publishedEvents();

    const res = await api(salesperson, 'PUT /v1/customers/{customerId}/consent', {
      params,
      body: { email: { marketing: 'granted' }, sms: { service: 'withdrawn' } },
    });
    expect(res.status).toBe(200);
    expect(res.body.consent.email.marketing).toMatchObject({ status: 'granted', source: 'staff', actorStaffId: 'staff-salesperson' });
    expect(res.body.consent.sms.service).toMatchObject({ status: 'withdrawn' });
    const events = await publishedEvents();
    expect(events.map((e) => e.type === 'consent.changed' && `${e.channel}.${e.purpose}=${e.status}`).sort()).toEqual([
      'email.marketing=granted',
      'sms.service=withdrawn',
    ]);

    const repeat = await api(salesperson, 'PUT /v1/customers/{customerId}/consent', { params, body: { email: { marketing: 'granted' } } });
    expect(repeat.status).toBe(200);
    expect(await publishedEvents()).toEqual([]);

    const history = await api(workshop, 'GET /v1/customers/{customerId}/consent/history', { params });
    expect(history.status).toBe(200);
    expect(history.body.items).toHaveLength(4);
    expect(history.body.items.slice(0, 2).map((c: { to: string; source: string }) => `${c.to}/${c.source}`).sort()).toEqual([
      'granted/staff',
      'withdrawn/staff',
    ]);
    expect(history.body.items.slice(2).every((c: { source: string; from: null }) => c.source === 'default' && c.from === null)).toBe(true);
    const firstPage = await api(workshop, 'GET /v1/customers/{customerId}/consent/history', { params, query: { limit: '3' } });
    const secondPage = await api(workshop, 'GET /v1/customers/{customerId}/consent/history', {
      params,
      query: { limit: '3', cursor: firstPage.body.nextCursor },
    });
    expect([...firstPage.body.items, ...secondPage.body.items]).toEqual(history.body.items);

    const audit = await auditEntries(tenantA, customerId, 'consent_changed');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorStaffId: 'staff-salesperson', fields: ['consent.email.marketing', 'consent.sms.service'] });
  });

  it('rejects an empty or unknown consent change with paths, and workshop writes', async () => {
    const { customerId } = await create(owner, { lastName: 'Consent2' });
    const params = { customerId };
    expect((await api(owner, 'PUT /v1/customers/{customerId}/consent', { params, body: {} })).status).toBe(400);
    const bad = await api(owner, 'PUT /v1/customers/{customerId}/consent', { params, body: { email: { marketing: 'maybe' }, fax: {} } });
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body', 'body.email.marketing']);
    expect((await api(workshop, 'PUT /v1/customers/{customerId}/consent', { params, body: { email: { marketing: 'granted' } } })).status).toBe(403);
  });
});

async function putChild(tenantId: string, customerId: string, key: { pk: string; sk: string }, data: Record<string, unknown>) {
  await documentClient.send(new PutCommand({ TableName: tableName(), Item: { ...key, tenantId, customerId, ...data } }));
}

describe('communications timeline', () => {
  it('is empty for a new customer, then lists messages newest first', async () => {
    const { customerId } = await create(owner, { lastName: 'Timeline' });
    const params = { customerId };
    expect((await api(owner, 'GET /v1/customers/{customerId}/communications', { params })).body).toEqual({ items: [], nextCursor: null });

    for (const [id, at] of [
      ['M1', '2026-01-01T10:00:00.000Z'],
      ['M2', '2026-02-01T10:00:00.000Z'],
    ] as const) {
      await putChild(tenantA, customerId, keys.customerTimed(tenantA, customerId, 'COMM', at, id), {
        type: 'Communication',
        id,
        kind: 'campaign',
        channel: 'email',
        subject: `Subject ${id}`,
        campaignId: 'CAMP1',
        status: 'delivered',
        statusHistory: [
          { status: 'queued', at },
          { status: 'delivered', at },
        ],
        providerMessageId: `ses-${id}`,
        createdAt: at,
      });
    }
    const res = await api(workshop, 'GET /v1/customers/{customerId}/communications', { params });
    expect(res.status).toBe(200);
    expect(res.body.items.map((m: { id: string }) => m.id)).toEqual(['M2', 'M1']);
    expect(res.body.items[0]).toEqual({
      id: 'M2',
      kind: 'campaign',
      channel: 'email',
      subject: 'Subject M2',
      campaignId: 'CAMP1',
      status: 'delivered',
      statusHistory: [
        { status: 'queued', at: '2026-02-01T10:00:00.000Z' },
        { status: 'delivered', at: '2026-02-01T10:00:00.000Z' },
      ],
      providerMessageId: 'ses-M2',
      createdAt: '2026-02-01T10:00:00.000Z',
    });
  });
});

describe('delete', () => {
  it('deletes a customer without history, with its consent history and guards', async () => {
    const { customerId } = await create(salesperson, { lastName: 'Mistake', email: 'mistake@example.com', externalId: 'POS-MISTAKE' });
    const res = await api(salesperson, 'DELETE /v1/customers/{customerId}', { params: { customerId } });
    expect(res.status).toBe(204);
    expect((await api(owner, 'GET /v1/customers/{customerId}', { params: { customerId } })).status).toBe(404);
    const leftovers = await documentClient.send(
      new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.customerCollection(tenantA, customerId).pk } }),
    );
    expect(leftovers.Items).toEqual([]);
    await create(owner, { lastName: 'Again', email: 'mistake@example.com', externalId: 'POS-MISTAKE' });
  });

  it('refuses to delete a customer with purchases (409)', async () => {
    const { customerId } = await create(owner, { lastName: 'Buyer' });
    await putChild(tenantA, customerId, keys.customerChild(tenantA, customerId, 'PURCHASE', 'P1'), { type: 'Purchase', total: 100 });
    const res = await api(owner, 'DELETE /v1/customers/{customerId}', { params: { customerId } });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('erase');
    expect((await api(owner, 'GET /v1/customers/{customerId}', { params: { customerId } })).status).toBe(200);
  });
});

describe('GDPR export and erasure', () => {
  let customerId: string;
  let email: string;
  let phone: string;
  let fixture = 0;

  beforeEach(async () => {
    fixture++;
    email = `Grace.Hopper+${fixture}@Example.com`;
    phone = `+6141299988${fixture}`;
    ({ customerId } = await create(owner, {
      firstName: 'Grace',
      lastName: 'Hopper',
      email,
      phone,
      address: { line1: '1 Navy Rd', city: 'Arlington', postcode: '22201' },
      birthday: { month: 12, day: 9, year: 1906 },
      notes: 'Engraving: "To Grace"',
      externalId: `POS-GH-${Math.random()}`,
      tags: ['vip'],
      consent: { email: { marketing: 'granted' }, sms: { marketing: 'granted' } },
    }));
    await putChild(tenantA, customerId, keys.customerChild(tenantA, customerId, 'PURCHASE', 'P1'), {
      type: 'Purchase',
      purchaseId: 'P1',
      lines: [{ department: 'rings', metal: 'platinum', description: 'Ring engraved "Grace"', amount: 250_000 }],
      total: 250_000,
    });
    await putChild(tenantA, customerId, keys.customerChild(tenantA, customerId, 'REPAIR', 'R1'), {
      type: 'Repair',
      repairId: 'R1',
      status: 'ready',
      itemDescription: "Grace's pearl necklace",
      notes: 'Call Grace on her mobile',
    });
  });

  it('exports the profile and every record, for owners and managers only, and audits it', async () => {
    const params = { customerId };
    expect((await api(salesperson, 'GET /v1/customers/{customerId}/export', { params })).status).toBe(403);
    const res = await api(manager, 'GET /v1/customers/{customerId}/export', { params });
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain('attachment');
    expect(res.body.customer).toMatchObject({ customerId, firstName: 'Grace', email: email.toLowerCase() });
    expect(res.body.purchases).toEqual([expect.objectContaining({ purchaseId: 'P1', total: 250_000 })]);
    expect(res.body.repairs).toEqual([expect.objectContaining({ repairId: 'R1' })]);
    expect(res.body.consentHistory).toHaveLength(4);
    expect(res.body.communications).toEqual([]);
    expect(JSON.stringify(res.body)).not.toContain('"pk"');
    expect(await auditEntries(tenantA, customerId, 'exported')).toEqual([expect.objectContaining({ actorStaffId: 'staff-manager' })]);
  });

  it('erases personal data everywhere, suppresses the addresses by hash and emits customer.erased', async () => {
    const params = { customerId };
    expect((await api(salesperson, 'POST /v1/customers/{customerId}/erase', { params })).status).toBe(403);
    await publishedEvents();

    const res = await api(owner, 'POST /v1/customers/{customerId}/erase', { params });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ customerId, recordsScrubbed: 2, suppressed: ['email', 'sms'] });

    expect((await api(owner, 'GET /v1/customers/{customerId}', { params })).status).toBe(404);
    expect((await api(owner, 'GET /v1/customers/{customerId}/export', { params })).status).toBe(404);
    const listed = (await api(owner, 'GET /v1/customers', { query: { q: 'hopper' } })).body.items.map((c: { customerId: string }) => c.customerId);
    expect(listed).not.toContain(customerId);

    // Nothing personal is left in the customer's partition.
    const collection = await documentClient.send(
      new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.customerCollection(tenantA, customerId).pk } }),
    );
    const stored = JSON.stringify(collection.Items);
    expect(stored).not.toMatch(/Grace|Hopper|hopper|41299988|Navy|Arlington|22201|1906|POS-GH|Engraving/);
    const profile = await rawCustomer(tenantA, customerId);
    expect(profile).toMatchObject({ erased: true, firstName: '', lastName: '', tags: [] });
    expect(profile?.gsi2pk).toBeUndefined();
    expect(profile?.consent.email.marketing).toMatchObject({ status: 'withdrawn', source: 'erasure' });
    const purchase = collection.Items?.find((i) => i.sk === 'PURCHASE#P1');
    expect(purchase?.lines[0]).toEqual({ department: 'rings', metal: 'platinum', description: '', amount: 250_000 });

    // The addresses stay suppressed, as hashes only.
    expect(await isSuppressed(tenantA, 'email', email)).toBe(true);
    expect(await isSuppressed(tenantA, 'sms', phone)).toBe(true);
    const entry = (
      await documentClient.send(new GetCommand({ TableName: tableName(), Key: keys.suppression(tenantA, 'email', addressHash(tenantA, 'email', email)) }))
    ).Item;
    expect(entry).toMatchObject({ reason: 'erased', scope: 'all' });
    expect(JSON.stringify(entry)).not.toMatch(/grace/i);

    const events = await publishedEvents();
    expect(events.map((e) => e.type)).toEqual(['customer.erased']);
    expect(await auditEntries(tenantA, customerId, 'erased')).toEqual([expect.objectContaining({ actorStaffId: 'staff-owner' })]);

    // The email is free for a new customer (who is still suppressed), and erasing again is harmless.
    const again = await create(owner, { lastName: 'Reimported', email });
    expect(await isSuppressed(tenantA, 'email', again.email)).toBe(true);
    const repeat = await api(manager, 'POST /v1/customers/{customerId}/erase', { params });
    expect(repeat.status).toBe(200);
    expect(repeat.body).toMatchObject({ customerId, recordsScrubbed: 0, suppressed: [] });
  });
});
