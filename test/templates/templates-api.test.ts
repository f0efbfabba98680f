import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as recordsHandler } from '../../functions/http/records';
import { handler } from '../../functions/http/templates';
import type { Principal, Role } from '../../shared/auth/roles';
import { createCustomer } from '../../shared/domain/customers/customer-repository';
import { deleteTemplate } from '../../shared/domain/templates/template-repository';
import { createTenant, updateTenantSettings } from '../../shared/domain/tenants/tenant-repository';
import { ProblemError } from '../../shared/http/problem';
import { logger } from '../../shared/observability/logger';
import { documentClient } from '../../shared/store/dynamo';
import { keys } from '../../shared/store/keys';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { type CallResult, callRouteKey, type RouteCallOptions } from '../support/http';

let stack: TestEmulators;
let tenantA: string;
let tenantB: string;
const as = (tenantId: string, role: Role, staffId = `staff-${role}`): Principal => ({ tenantId, staffId, role });
let owner: Principal;
let manager: Principal;
let salesperson: Principal;
let otherOwner: Principal;
let customerId: string;
let otherTenantCustomerId: string;

type Options = RouteCallOptions;

function call<T = any>(target: typeof handler, principal: Principal, route: string, options: Options = {}): Promise<CallResult<T>> {
  return callRouteKey<T>(target, principal, route, options);
}
const api = <T = any>(principal: Principal, route: string, options: Options = {}) => call<T>(handler, principal, route, options);

const birthdayEmail = {
  channel: 'email',
  name: 'Birthday',
  subject: 'Happy birthday, {{ customer.first_name }}!',
  preheader: 'A gift from {{ store.name }}',
  html:
    '<html><body><p>Dear {{ customer.full_name }},</p>\n' +
    '<p>Your birthday is on {{ customer.birthday | date: "%A %-d %B" }}. You have spent {{ customer.total_spent | money }} with us.</p>\n' +
    '<p>Last visit: {{ customer.last_purchase_date | date: "%d/%m/%Y" }}</p>\n' +
    '<p>{{ store.address }} · {{ store.phone }} · <a href="{{ unsubscribe_url }}">Unsubscribe</a></p></body></html>',
} as const;

async function createTemplate(principal: Principal, body: unknown) {
  const res = await api(principal, 'POST /v1/templates', { body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { templateId: string; version: number } & Record<string, any>;
}

beforeAll(async () => {
  logger.setLogLevel('CRITICAL');
  stack = await startEmulators();
  tenantA = (
    await createTenant({ name: 'Aurora Fine Jewellery', timeZone: 'America/New_York', country: 'US', currency: 'USD', owner: { name: 'O', email: 'o@example.com' } })
  ).tenantId;
  tenantB = (await createTenant({ name: 'Other', owner: { name: 'X', email: 'x@example.org' } })).tenantId;
  owner = as(tenantA, 'owner');
  manager = as(tenantA, 'manager');
  salesperson = as(tenantA, 'salesperson');
  otherOwner = as(tenantB, 'owner');
  await updateTenantSettings(owner, { postalAddress: '5 Fifth Avenue, New York', storePhone: '+1 212 555 0100' });

  const customer = await createCustomer(
    owner,
    { firstName: '<img src=x onerror=alert(1)>', lastName: "O'Brien", birthday: { month: 7, day: 4 }, tags: [], categories: [], status: 'active', loyalty: { member: false } },
    { publisher: undefined },
  );
  customerId = customer.customerId;
  // 03:30 UTC on 2 March is still 1 March in New York.
  const purchase = await call(recordsHandler, owner, 'POST /v1/customers/{customerId}/purchases', {
    params: { customerId },
    body: { purchasedAt: '2025-03-02T03:30:00Z', lines: [{ department: 'engagement_rings', amount: 123_450 }] },
  });
  expect(purchase.status, JSON.stringify(purchase.body)).toBe(201);

  otherTenantCustomerId = (
    await createCustomer(otherOwner, { firstName: 'Not', lastName: 'Yours', tags: [], categories: [], status: 'active', loyalty: { member: false } }, { publisher: undefined })
  ).customerId;
});

afterAll(async () => stack?.stop());

describe('create and read', () => {
  it('creates an email template, lists the variables it uses and stores it under the tenant with a version', async () => {
    const res = await api(manager, 'POST /v1/templates', { body: birthdayEmail });
    expect(res.status).toBe(201);
    expect(res.headers.etag).toBe('"1"');
    expect(res.headers.location).toBe(`/v1/templates/${res.body.templateId}`);
    expect(res.body).toMatchObject({
      channel: 'email',
      name: 'Birthday',
      subject: birthdayEmail.subject,
      html: birthdayEmail.html,
      text: null,
      preheader: birthdayEmail.preheader,
      version: 1,
      createdBy: 'staff-manager',
      variables: [
        'customer.birthday',
        'customer.first_name',
        'customer.full_name',
        'customer.last_purchase_date',
        'customer.total_spent',
        'store.address',
        'store.name',
        'store.phone',
        'unsubscribe_url',
      ],
    });

    const { Item } = await documentClient.send(
      new GetCommand({ TableName: stack.tableName, Key: keys.tenantEntity(tenantA, 'TEMPLATE', res.body.templateId) }),
    );
    expect(Item).toMatchObject({ type: 'Template', tenantId: tenantA, version: 1, channel: 'email' });

    const read = await api(salesperson, 'GET /v1/templates/{templateId}', { params: { templateId: res.body.templateId } });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
  });

  it('records who created it in the audit trail', async () => {
    const created = await createTemplate(owner, { channel: 'sms', name: 'Audit me', text: 'Hi {{ customer.first_name }}' });
    const audit = await documentClient.send(
      new QueryCommand({
        TableName: stack.tableName,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: 'entityId = :id',
        ExpressionAttributeValues: { ':pk': keys.auditMonth(tenantA, new Date().toISOString().slice(0, 7)).pk, ':id': created.templateId },
      }),
    );
    expect(audit.Items).toMatchObject([{ action: 'created', entity: 'template', actorStaffId: 'staff-owner' }]);
  });

  it('refuses a salesperson with 403, on every write', async () => {
    const created = await createTemplate(owner, { channel: 'sms', name: 'Guarded', text: 'Hello' });
    const params = { templateId: created.templateId };
    const create = await api(salesperson, 'POST /v1/templates', { body: birthdayEmail });
    expect(create.status).toBe(403);
    expect(create.headers['content-type']).toBe('application/problem+json');
    expect(create.body.detail).toBe('Only owner or manager can create templates.');
    expect((await api(salesperson, 'PATCH /v1/templates/{templateId}', { params, body: { name: 'x' } })).status).toBe(403);
    expect((await api(salesperson, 'DELETE /v1/templates/{templateId}', { params })).status).toBe(403);
    expect((await api(salesperson, 'GET /v1/templates/{templateId}', { params })).status).toBe(200);
  });

  it("answers 404 for another tenant's template on every route", async () => {
    const created = await createTemplate(owner, { channel: 'sms', name: 'Mine', text: 'Hello' });
    const params = { templateId: created.templateId };
    for (const [route, options] of [
      ['GET /v1/templates/{templateId}', { params }],
      ['PATCH /v1/templates/{templateId}', { params, body: { name: 'Stolen' } }],
      ['DELETE /v1/templates/{templateId}', { params }],
      ['POST /v1/templates/{templateId}/preview', { params, body: {} }],
    ] as const) {
      const res = await api(otherOwner, route, options);
      expect(res.status, route).toBe(404);
      expect(res.body.detail).toBe('Template was not found.');
    }
    expect((await api(owner, 'GET /v1/templates/{templateId}', { params })).body.name).toBe('Mine');
  });
});

describe('checks on save', () => {
  it('answers 400 naming the field, the variable, line and column for unknown variables and syntax errors', async () => {
    const res = await api(owner, 'POST /v1/templates', {
      body: {
        channel: 'email',
        name: 'Broken',
        subject: 'Hi {{ customer.frist_name }}',
        html: '<p>Hello</p>\n<p>{% if customer.loyalty_member %}Member</p>',
      },
    });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.body.errors).toEqual([
      {
        path: 'body.subject',
        variable: 'customer.frist_name',
        line: 1,
        column: 7,
        message: 'Unknown variable "customer.frist_name" (did you mean "customer.first_name"?)',
      },
      { path: 'body.html', line: 2, column: 4, message: 'Liquid syntax error: tag {% if customer.loyalty_member %} not closed' },
    ]);
  });

  it('refuses a loop bomb on save', async () => {
    const res = await api(owner, 'POST /v1/templates', {
      body: { channel: 'sms', name: 'Bomb', text: '{% for a in (1..1000000) %}{% for b in (1..1000000) %}x{% endfor %}{% endfor %}' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toMatchObject([{ path: 'body.text', line: 1 }]);
  });

  it('validates field shapes with paths, like every route', async () => {
    const res = await api(owner, 'POST /v1/templates', { body: { channel: 'email', name: '', subject: 'x' } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['body.html', 'body.name']);
  });
});

describe('list', () => {
  it('pages newest first with a cursor, filters by channel, and never shows another tenant', async () => {
    const tenantC = (await createTenant({ name: 'List', owner: { name: 'L', email: 'l@example.com' } })).tenantId;
    const lister = as(tenantC, 'manager');
    const first = await createTemplate(lister, { channel: 'sms', name: 'One', text: 'one' });
    const second = await createTemplate(lister, { ...birthdayEmail, name: 'Two' });
    const third = await createTemplate(lister, { channel: 'sms', name: 'Three', text: 'three' });

    const page1 = await api(as(tenantC, 'workshop'), 'GET /v1/templates', { query: { limit: '2' } });
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((t: { templateId: string }) => t.templateId)).toEqual([third.templateId, second.templateId]);
    expect(page1.body.items[1]).toMatchObject({ channel: 'email', subject: birthdayEmail.subject, name: 'Two' });
    expect(page1.body.items[1]).not.toHaveProperty('html');
    expect(page1.body.nextCursor).toEqual(expect.any(String));

    const page2 = await api(lister, 'GET /v1/templates', { query: { limit: '2', cursor: page1.body.nextCursor } });
    expect(page2.body.items.map((t: { templateId: string }) => t.templateId)).toEqual([first.templateId]);
    expect(page2.body.nextCursor).toBeNull();

    const sms = await api(lister, 'GET /v1/templates', { query: { channel: 'sms' } });
    expect(sms.body.items.map((t: { name: string }) => t.name)).toEqual(['Three', 'One']);

    const foreignCursor = await api(owner, 'GET /v1/templates', { query: { cursor: page1.body.nextCursor } });
    expect(foreignCursor.status).toBe(400);
    expect(foreignCursor.body.errors).toEqual([{ path: 'query.cursor', message: 'Invalid cursor' }]);
  });
});

describe('preview', () => {
  let templateId: string;
  beforeAll(async () => {
    templateId = (await createTemplate(owner, { ...birthdayEmail, name: 'Preview me' })).templateId;
  });

  it('renders for a real customer in the tenant zone, locale and currency, escaping only the HTML', async () => {
    const res = await api(salesperson, 'POST /v1/templates/{templateId}/preview', { params: { templateId }, body: { customerId } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.customerId).toBe(customerId);
    expect(res.body.subject).toBe('Happy birthday, <img src=x onerror=alert(1)>!');
    expect(res.body.preheader).toBe('A gift from Aurora Fine Jewellery');
    expect(res.body.html).toContain('<p>Dear &lt;img src=x onerror=alert(1)&gt; O&#39;Brien,</p>');
    expect(res.body.html).not.toContain('<img src=x');
    expect(res.body.html).toContain('You have spent $1,234.50 with us.');
    expect(res.body.html).toMatch(/Your birthday is on \w+day 4 July\./);
    // Bought at 03:30 UTC on 2 March 2025: 1 March in New York.
    expect(res.body.html).toContain('Last visit: 01/03/2025');
    expect(res.body.html).toContain('5 Fifth Avenue, New York · +1 212 555 0100 · <a href="https://unsubscribe.example/preview">Unsubscribe</a>');
    expect(res.body.html).toMatch(/<body><div style="display:none[^>]*>A gift from Aurora Fine Jewellery/);
    expect(res.body.text).toContain("Dear <img src=x onerror=alert(1)> O'Brien,");
    expect(res.body.text).toContain('Unsubscribe (https://unsubscribe.example/preview)');
    expect(res.body.sms).toBeNull();
  });

  it('renders for the built-in sample customer when no customer is given', async () => {
    const res = await api(owner, 'POST /v1/templates/{templateId}/preview', { params: { templateId } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.customerId).toBeNull();
    expect(res.body.subject).toBe('Happy birthday, Charlotte!');
    expect(res.body.html).toContain('O&#39;Brien');
  });

  it("answers 404 for another tenant's customer", async () => {
    const res = await api(owner, 'POST /v1/templates/{templateId}/preview', { params: { templateId }, body: { customerId: otherTenantCustomerId } });
    expect(res.status).toBe(404);
    expect(res.body.detail).toBe('Customer was not found.');
  });

  it('an SMS preview reports part count and encoding of the rendered message', async () => {
    const sms = await createTemplate(owner, { channel: 'sms', name: 'Ring ready', text: '{{ customer.last_name }}, your ring is ready at {{ store.name }} 💍' });
    const res = await api(owner, 'POST /v1/templates/{templateId}/preview', { params: { templateId: sms.templateId }, body: { customerId } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      channel: 'sms',
      subject: null,
      html: null,
      text: "O'Brien, your ring is ready at Aurora Fine Jewellery 💍",
      sms: { encoding: 'UCS-2', parts: 1 },
    });
  });

  it('previews an unsaved template, and checks it like a save', async () => {
    const ok = await api(salesperson, 'POST /v1/templates/preview', {
      body: { channel: 'sms', text: '{{ customer.first_name | default: "Friend" }}: '.concat('a'.repeat(150)) },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.sms).toMatchObject({ encoding: 'GSM-7', parts: 2, unitsPerPart: 153 });

    const bad = await api(owner, 'POST /v1/templates/preview', { body: { channel: 'email', subject: 'x', html: '\n\n  {{ customer.shoe_size }}' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      { path: 'body.html', variable: 'customer.shoe_size', line: 3, column: 6, message: 'Unknown variable "customer.shoe_size"' },
    ]);
  });
});

describe('update', () => {
  it('changes the fields sent, bumps the version, re-extracts variables, and honours If-Match', async () => {
    const created = await createTemplate(owner, { ...birthdayEmail, name: 'Editable' });
    const params = { templateId: created.templateId };
    const res = await api(manager, 'PATCH /v1/templates/{templateId}', {
      params,
      body: { subject: 'Hello {{ customer.last_name }}', text: 'Plain {{ customer.city }}' },
      headers: { 'if-match': '"1"' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.etag).toBe('"2"');
    expect(res.body).toMatchObject({ version: 2, subject: 'Hello {{ customer.last_name }}', text: 'Plain {{ customer.city }}', updatedBy: 'staff-manager', createdBy: 'staff-owner' });
    expect(res.body.variables).toContain('customer.last_name');
    expect(res.body.variables).toContain('customer.city');
    expect(res.body.variables).not.toContain('customer.first_name');

    const stale = await api(owner, 'PATCH /v1/templates/{templateId}', { params, body: { name: 'Late' }, headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(412);

    const cleared = await api(owner, 'PATCH /v1/templates/{templateId}', { params, body: { text: null, preheader: null } });
    expect(cleared.body).toMatchObject({ version: 3, text: null, preheader: null });

    const same = await api(owner, 'PATCH /v1/templates/{templateId}', { params, body: { name: 'Editable' } });
    expect(same.body.version).toBe(3);
  });

  it('checks the result: unknown variables are a 400 with line and column; fields of the other channel are refused', async () => {
    const sms = await createTemplate(owner, { channel: 'sms', name: 'SMS', text: 'Hi' });
    const params = { templateId: sms.templateId };
    const unknown = await api(owner, 'PATCH /v1/templates/{templateId}', { params, body: { text: 'Hi {{ customer.age }}' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toMatchObject([{ path: 'body.text', variable: 'customer.age', line: 1, column: 7 }]);

    const subject = await api(owner, 'PATCH /v1/templates/{templateId}', { params, body: { subject: 'x' } });
    expect(subject.status).toBe(400);
    expect(subject.body.errors).toEqual([{ path: 'body.subject', message: 'An SMS template has no subject' }]);

    const cleared = await api(owner, 'PATCH /v1/templates/{templateId}', { params, body: { text: null } });
    expect(cleared.status).toBe(400);
    expect(cleared.body.errors[0].path).toBe('body.text');

    expect((await api(owner, 'GET /v1/templates/{templateId}', { params })).body).toMatchObject({ text: 'Hi', version: 1 });
  });
});

describe('delete', () => {
  it('deletes, then the template is gone', async () => {
    const created = await createTemplate(owner, { channel: 'sms', name: 'Temporary', text: 'x' });
    const params = { templateId: created.templateId };
    expect((await api(manager, 'DELETE /v1/templates/{templateId}', { params })).status).toBe(204);
    expect((await api(owner, 'GET /v1/templates/{templateId}', { params })).status).toBe(404);
    expect((await api(owner, 'DELETE /v1/templates/{templateId}', { params })).status).toBe(404);
  });

  it('refuses to delete a template something still uses (the references hook) with 409', async () => {
    const created = await createTemplate(owner, { channel: 'sms', name: 'In use', text: 'x' });
    const usedByCampaign = async (tenantId: string, templateId: string) =>
      tenantId === tenantA && templateId === created.templateId ? [{ kind: 'campaign' as const, id: 'CAMP1', name: 'Spring sale' }] : [];
    const error = await deleteTemplate(owner, created.templateId, { referenceChecks: [usedByCampaign] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProblemError);
    expect((error as ProblemError).status).toBe(409);
    expect((error as ProblemError).extensions.references).toEqual([{ kind: 'campaign', id: 'CAMP1', name: 'Spring sale' }]);
    expect((await api(owner, 'GET /v1/templates/{templateId}', { params: { templateId: created.templateId } })).status).toBe(200);
  });
});

describe('variable catalogue', () => {
  it('lists every variable with its kind and availability', async () => {
    const res = await api(salesperson, 'GET /v1/template-variables');
    expect(res.status).toBe(200);
    expect(res.body.items).toContainEqual(expect.objectContaining({ path: 'customer.first_name', kind: 'text', availability: 'always' }));
    expect(res.body.items).toContainEqual(expect.objectContaining({ path: 'unsubscribe_url', availability: 'send' }));
  });
});
