import type { Message } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../shared/auth/roles';
import { allRecords } from '../../shared/domain/records/record-store';
import { createTenant } from '../../shared/domain/tenants/tenant-repository';
import type { DomainEvent } from '../../shared/events/domain-events';
import { logger } from '../../shared/observability/logger';
import { receiveAll } from '../events/sqs-messages';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { customerByExternalId, getImport, postImport, runImportWorker } from './import-support';

let stack: TestEmulators;
let owner: Principal;
let otherOwner: Principal;

beforeAll(async () => {
  logger.setLogLevel((process.env.TEST_LOG_LEVEL ?? 'CRITICAL') as 'CRITICAL');
  stack = await startEmulators({ sqs: true });
  const tenant = await createTenant({ name: 'Aurora Import', timeZone: 'Australia/Sydney', currency: 'AUD', owner: { name: 'O', email: 'o@example.com' } });
  owner = { tenantId: tenant.tenantId, staffId: tenant.ownerStaffId, role: 'owner' };
  const other = await createTenant({ name: 'Other', owner: { name: 'P', email: 'p@example.org' } });
  otherOwner = { tenantId: other.tenantId, staffId: other.ownerStaffId, role: 'owner' };
});
afterAll(async () => {
  await stack?.stop();
});

const domainEvents = async () =>
  (await receiveAll(stack.queueUrls.domainEvents)).map((m: Message) => JSON.parse(m.Body ?? '{}') as DomainEvent);

const CUSTOMERS_CSV = [
  'external_id,first_name,last_name,email,phone,birthday,city,tags,email_marketing',
  'POS-1,Ada,Lovelace,ada@example.com,+61 412 345 678,12-10,Sydney,vip;gold,yes',
  'POS-2,Grace,Hopper,not-an-email,+61412000002,1906-12-09,Melbourne,,no',
  'POS-3,Alan,Turing,alan@example.com,+61412000003,06-23,Perth,,',
  'POS-4,Edsger,Dijkstra,edsger@example.com,+61412000004,13-45,Hobart,,',
  'POS-5,Barbara,Liskov,barbara@example.com,+61412000005,,Darwin,,yes',
].join('\r\n');

describe('customers CSV import, end to end through the queue', () => {
  let importId: string;

  it('answers 202 with a job id and a link, and shows the import queued', async () => {
    const accepted = await postImport(owner, 'customers', CUSTOMERS_CSV);
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ status: 'queued', kind: 'customers', rows: 5, links: { self: expect.stringMatching(/^\/v1\/imports\//) } });
    importId = (accepted.body as { importId: string }).importId;
    expect(accepted.headers.location).toBe(`/v1/imports/${importId}`);

    const queued = await getImport(owner, importId);
    expect(queued.status).toBe(200);
    expect(queued.body).toMatchObject({ status: 'queued', totals: { rows: 5, processed: 0 } });
  });

  it('lands the good rows and reports both bad rows with row, column and message', async () => {
    const { failures } = await runImportWorker(stack.queueUrls.imports);
    expect(failures).toEqual([]);
    const done = await getImport(owner, importId);
    expect(done.body).toMatchObject({
      status: 'completed_with_errors',
      totals: { rows: 5, processed: 5, created: 3, updated: 0, unchanged: 0, failed: 2 },
      chunks: { total: 1, done: 1 },
    });
    const errors = (done.body as { errors: { items: { row: number; field: string; message: string }[] } }).errors.items;
    expect(errors).toEqual([
      { row: 3, field: 'email', message: expect.stringMatching(/email/i) },
      { row: 5, field: 'birthday', message: expect.any(String) },
    ]);

    const ada = await customerByExternalId(owner.tenantId, 'POS-1');
    expect(ada).toMatchObject({ firstName: 'Ada', phone: '+61412345678', birthday: { month: 12, day: 10 }, tags: ['vip', 'gold'], city: 'Sydney' });
    expect(ada?.consent.email.marketing).toMatchObject({ status: 'granted', source: 'import' });
    expect(await customerByExternalId(owner.tenantId, 'POS-2')).toBeUndefined();
    expect(await customerByExternalId(owner.tenantId, 'POS-5')).toMatchObject({ lastName: 'Liskov' });

    const events = await domainEvents();
    expect(events.filter((e) => e.type === 'customer.created')).toHaveLength(3);
    expect(events.every((e) => e.source === 'import')).toBe(true);
  });

  it('pages through the row errors', async () => {
    const first = await getImport(owner, importId, { limit: '1' });
    const body = first.body as { errors: { items: { row: number }[]; nextCursor: string | null } };
    expect(body.errors.items.map((e) => e.row)).toEqual([3]);
    expect(body.errors.nextCursor).not.toBeNull();
    const second = await getImport(owner, importId, { limit: '1', cursor: body.errors.nextCursor! });
    expect((second.body as typeof body).errors.items.map((e) => e.row)).toEqual([5]);
  });

  it('changes nothing when the same file is imported again', async () => {
    const before = await customerByExternalId(owner.tenantId, 'POS-1');
    const again = await postImport(owner, 'customers', CUSTOMERS_CSV);
    await runImportWorker(stack.queueUrls.imports);
    const report = await getImport(owner, (again.body as { importId: string }).importId);
    expect(report.body).toMatchObject({ status: 'completed_with_errors', totals: { created: 0, updated: 0, unchanged: 3, failed: 2 } });
    expect(await customerByExternalId(owner.tenantId, 'POS-1')).toEqual(before);
    expect(await domainEvents()).toEqual([]);
  });

  it('updates only what a changed row changes, keeping fields the file has no column for', async () => {
    // Every row is a whole customer as the POS knows it (a name is required, as on create); columns it lacks are kept.
    const csv = 'external_id,first_name,last_name,phone,sms_marketing\nPOS-1,Ada,Lovelace,+61499999999,granted\n';
    const accepted = await postImport(owner, 'customers', csv);
    await runImportWorker(stack.queueUrls.imports);
    expect((await getImport(owner, (accepted.body as { importId: string }).importId)).body).toMatchObject({
      status: 'completed',
      totals: { updated: 1 },
    });
    const ada = await customerByExternalId(owner.tenantId, 'POS-1');
    expect(ada).toMatchObject({ phone: '+61499999999', firstName: 'Ada', tags: ['vip', 'gold'] });
    expect(ada?.consent.sms.marketing).toMatchObject({ status: 'granted', source: 'import' });
    expect((await domainEvents()).map((e) => [e.type, e.source])).toEqual([['consent.changed', 'import']]);
  });

  it('is not visible to another tenant', async () => {
    expect((await getImport(otherOwner, importId)).status).toBe(404);
  });
});

describe('purchases CSV import', () => {
  const csv = [
    'purchase_external_id,customer_external_id,purchased_at,department,metal,description,amount',
    'S-100,POS-3,2019-05-03,Engagement Rings,Platinum,Solitaire,"4,500.00"',
    'S-101,POS-5,2020-02-14 15:30,Watches,,Dress watch,1200',
    'S-100,POS-3,2019-05-03,Wedding Bands,Platinum,Band,800.50',
    'S-102,POS-404,2021-01-01,Charms,Silver,Charm,45',
  ].join('\n');

  it('records grouped purchases with source import, updates aggregates, and re-runs as a no-op', async () => {
    const accepted = await postImport(owner, 'purchases', csv);
    expect(accepted.body).toMatchObject({ rows: 3 });
    await runImportWorker(stack.queueUrls.imports);
    const report = await getImport(owner, (accepted.body as { importId: string }).importId);
    expect(report.body).toMatchObject({
      status: 'completed_with_errors',
      totals: { rows: 3, created: 2, failed: 1 },
      errors: { items: [{ row: 5, field: 'customer_external_id', message: expect.stringMatching(/import the customers first/) }] },
    });

    const alan = await customerByExternalId(owner.tenantId, 'POS-3');
    const purchases = await allRecords(owner.tenantId, alan!.customerId, 'PURCHASE');
    expect(purchases).toHaveLength(1);
    expect(purchases[0]).toMatchObject({ externalId: 'S-100', total: 530_050, source: 'import', purchasedAt: '2019-05-03T02:00:00.000Z' });
    expect(purchases[0]!.lines.map((l) => [l.department, l.metal])).toEqual([
      ['engagement_rings', 'platinum'],
      ['wedding_bands', 'platinum'],
    ]);
    expect(alan!.agg).toMatchObject({ totalSpent: 530_050, purchaseCount: 1 });

    const recorded = (await domainEvents()).filter((e) => e.type === 'purchase.recorded');
    expect(recorded).toHaveLength(2);
    expect(recorded.every((e) => e.source === 'import')).toBe(true);

    const again = await postImport(owner, 'purchases', csv);
    await runImportWorker(stack.queueUrls.imports);
    expect((await getImport(owner, (again.body as { importId: string }).importId)).body).toMatchObject({
      totals: { created: 0, unchanged: 2, failed: 1 },
    });
    expect((await customerByExternalId(owner.tenantId, 'POS-3'))!.agg.totalSpent).toBe(530_050);
    expect(await domainEvents()).toEqual([]);
  });

  it('refuses a purchase that comes back with other content, leaving the recorded one alone', async () => {
    const changed = 'purchase_external_id,customer_external_id,department,amount\nS-101,POS-5,Watches,999\n';
    const accepted = await postImport(owner, 'purchases', changed);
    await runImportWorker(stack.queueUrls.imports);
    expect((await getImport(owner, (accepted.body as { importId: string }).importId)).body).toMatchObject({
      totals: { failed: 1 },
      errors: { items: [{ row: 2, field: 'purchase_external_id' }] },
    });
  });
});

describe('JSON imports of records', () => {
  it('creates a repair already further along in the workshop, and an appointment', async () => {
    const repairs = await postImport(
      owner,
      'repairs',
      [{ externalId: 'R-1', customerExternalId: 'POS-1', itemDescription: 'Resize ring', receivedAt: '2024-03-01T01:00:00Z', status: 'ready' }],
      'application/json',
    );
    expect(repairs.status).toBe(202);
    const appointments = await postImport(
      owner,
      'appointments',
      [
        { externalId: 'A-1', customerExternalId: 'POS-1', startsAt: '2030-01-02T00:00:00Z', purpose: 'Valuation' },
        { externalId: 'A-2', customerExternalId: 'POS-1', startsAt: 'tomorrow', purpose: 'Sizing' },
      ],
      'application/json',
    );
    await runImportWorker(stack.queueUrls.imports);

    expect((await getImport(owner, (repairs.body as { importId: string }).importId)).body).toMatchObject({ status: 'completed', totals: { created: 1 } });
    expect((await getImport(owner, (appointments.body as { importId: string }).importId)).body).toMatchObject({
      status: 'completed_with_errors',
      totals: { created: 1, failed: 1 },
      errors: { items: [{ row: 2, field: 'startsAt' }] },
    });
    const ada = await customerByExternalId(owner.tenantId, 'POS-1');
    const [repair] = await allRecords(owner.tenantId, ada!.customerId, 'REPAIR');
    expect(repair).toMatchObject({ status: 'ready', source: 'import' });
    expect(ada!.agg.repairs).toMatchObject({ ready: 1 });

    const events = await domainEvents();
    expect(events.filter((e) => e.type === 'repair.status_changed').map((e) => (e as { to: string }).to)).toEqual(['received', 'in_progress', 'ready']);
    expect(events.every((e) => e.source === 'import')).toBe(true);
  });
});

describe('the imports API', () => {
  it('lets only owners and managers import', async () => {
    const salesperson: Principal = { ...owner, staffId: 'sp', role: 'salesperson' };
    const refused = await postImport(salesperson, 'customers', CUSTOMERS_CSV);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ detail: 'Only owner or manager can import records.' });
  });

  it('refuses a file with unknown columns, or with no rows, before queueing anything', async () => {
    const unknown = await postImport(owner, 'customers', 'external_id,frist_name\nX,Y\n');
    expect(unknown.status).toBe(400);
    expect(unknown.headers['content-type']).toBe('application/problem+json');
    expect(unknown.body).toMatchObject({ errors: [{ path: 'body', message: expect.stringContaining('Unknown column "frist_name"') }] });
    expect((await postImport(owner, 'customers', 'external_id\n')).status).toBe(400);
    expect((await postImport(owner, 'cats', 'external_id\nX\n')).body).toMatchObject({ status: 400, errors: [{ path: 'query.kind' }] });
    expect(await receiveAll(stack.queueUrls.imports)).toEqual([]);
  });

  it('answers 413 problem+json above 5 MB and 415 for other media types', async () => {
    const big = 'external_id,notes\n' + `X,${'a'.repeat(5 * 1024 * 1024)}\n`;
    const tooBig = await postImport(owner, 'customers', big);
    expect(tooBig.status).toBe(413);
    expect(tooBig.headers['content-type']).toBe('application/problem+json');
    expect((await postImport(owner, 'customers', '<xml/>', 'application/xml')).status).toBe(415);
  });

  it('parks a chunk too big for one SQS message in the table and still imports it', async () => {
    const records = Array.from({ length: 90 }, (_, i) => ({ externalId: `BIG-${i}`, lastName: `Big ${i}`, notes: 'n'.repeat(3500) }));
    const accepted = await postImport(owner, 'customers', records, 'application/json');
    expect(accepted.status).toBe(202);
    const { messages } = await runImportWorker(stack.queueUrls.imports);
    expect(messages).toHaveLength(1);
    expect(Buffer.byteLength(messages[0]!.Body ?? '')).toBeLessThan(2_000);
    expect((await getImport(owner, (accepted.body as { importId: string }).importId)).body).toMatchObject({
      status: 'completed',
      totals: { rows: 90, created: 90 },
    });
    await domainEvents();
  });

  it('skips a duplicate delivery of a chunk already done', async () => {
    const accepted = await postImport(owner, 'customers', 'external_id,last_name\nDUP-1,Twice\n');
    const { messages } = await runImportWorker(stack.queueUrls.imports);
    await runImportWorker(stack.queueUrls.imports, messages);
    expect((await getImport(owner, (accepted.body as { importId: string }).importId)).body).toMatchObject({
      status: 'completed',
      totals: { processed: 1, created: 1, unchanged: 0 },
    });
  });
});

describe('erasure', () => {
  it("drops an erased customer's import fingerprints, and a re-import creates a new customer", async () => {
    const { eraseCustomer } = await import('../../shared/domain/customers/customer-privacy');
    const { handler: domainEventsConsumer } = await import('../../functions/queue/domain-events');
    const { lambdaContext } = await import('../support/http');
    const { toSqsEvent } = await import('../events/sqs-messages');
    const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
    const { documentClient } = await import('../../shared/store/dynamo');
    const { keys } = await import('../../shared/store/keys');
    const { eventPublisher } = await import('../../shared/events/publisher');

    const csv = 'external_id,first_name,last_name,email\nERASE-1,Eve,Example,eve@example.com\n';
    await postImport(owner, 'customers', csv);
    await runImportWorker(stack.queueUrls.imports);
    const eve = await customerByExternalId(owner.tenantId, 'ERASE-1');
    await receiveAll(stack.queueUrls.domainEvents);

    const fingerprints = async () =>
      (
        await documentClient.send(
          new QueryCommand({
            TableName: stack.tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': keys.customerCollection(owner.tenantId, eve!.customerId).pk, ':prefix': 'IMPORTED#' },
            ConsistentRead: true,
          }),
        )
      ).Items ?? [];
    expect(await fingerprints()).toHaveLength(1);

    await eraseCustomer(owner, eve!.customerId, { publisher: eventPublisher });
    const erasure = await receiveAll(stack.queueUrls.domainEvents);
    expect(erasure.map((m) => (JSON.parse(m.Body ?? '{}') as DomainEvent).type)).toContain('customer.erased');
    const result = await domainEventsConsumer(toSqsEvent(erasure), lambdaContext('domain-events'));
    expect(result.batchItemFailures).toEqual([]);
    expect(await fingerprints()).toEqual([]);

    const again = await postImport(owner, 'customers', csv);
    await runImportWorker(stack.queueUrls.imports);
    expect((await getImport(owner, (again.body as { importId: string }).importId)).body).toMatchObject({ totals: { created: 1 } });
    expect((await customerByExternalId(owner.tenantId, 'ERASE-1'))!.customerId).not.toBe(eve!.customerId);
  });
});
