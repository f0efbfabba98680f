import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAppointmentRoute,
  createLaybyRoute,
  createRepairRoute,
  getPurchaseRoute,
  getRecordsSummaryRoute,
  listPurchasesRoute,
  recordPurchaseRoute,
  refundPurchaseRoute,
} from '../../shared/api/records/contract';
import { recordPurchase } from '../../shared/domain/records/purchase-service';
import { createTenant } from '../../shared/domain/tenants/tenant-repository';
import { logger } from '../../shared/observability/logger';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { newCustomer, outboxEvents, principalOf, send } from './records-support';

let stack: TestEmulators;
let tenantId: string;
let otherTenantId: string;

beforeAll(async () => {
  logger.setLogLevel('CRITICAL');
  stack = await startEmulators();
  tenantId = (await createTenant({ name: 'Aurora Test', timeZone: 'Australia/Sydney', owner: { name: 'O', email: 'o@example.com' } })).tenantId;
  otherTenantId = (await createTenant({ name: 'Other', owner: { name: 'P', email: 'p@example.org' } })).tenantId;
});
afterAll(async () => {
  await stack?.stop();
});

const owner = () => principalOf(tenantId, 'owner');

const ringSale = {
  // 00:30 on 1 June in Sydney: a June sale for the tenant, although it is still 31 May in UTC.
  purchasedAt: '2024-05-31T14:30:00.000Z',
  storeLocation: 'George St',
  lines: [
    { department: 'Engagement Rings', metal: 'Platinum', description: 'Solitaire 1.2ct', amount: 1_250_000 },
    { department: 'wedding band', metal: 'platinum', description: 'Matching band', quantity: 2, amount: 180_000 },
  ],
};

async function summary(customerId: string) {
  const response = await send(getRecordsSummaryRoute, { customerId }, { principal: owner() });
  expect(response.status).toBe(200);
  return response.body.aggregates;
}

describe('purchases through the API', () => {
  it("records a purchase and the customer's aggregates change; a refund of all of it changes them back", async () => {
    const customerId = await newCustomer(tenantId);
    const before = await summary(customerId);

    const created = await send(recordPurchaseRoute, { customerId }, { principal: owner(), body: ringSale });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ total: 1_430_000, netTotal: 1_430_000, refundedTotal: 0 });
    expect(created.body.lines[0]).toMatchObject({ department: 'engagement_rings', metal: 'platinum', quantity: 1, refunded: 0 });
    expect(created.body.lines[1]).toMatchObject({ department: 'wedding_bands', quantity: 2 });

    const after = await summary(customerId);
    expect(after).toMatchObject({
      totalSpent: 1_430_000,
      purchaseCount: 1,
      largestPurchase: 1_430_000,
      firstPurchaseAt: '2024-05-31T14:30:00.000Z',
      lastPurchaseAt: '2024-05-31T14:30:00.000Z',
    });
    expect(after.monthlySpend['2024-06']).toEqual({
      total: { count: 1, sum: 1_430_000, max: 1_430_000 },
      byDepartment: {
        engagement_rings: { count: 1, sum: 1_250_000, max: 1_250_000 },
        wedding_bands: { count: 1, sum: 180_000, max: 180_000 },
      },
      byMetal: { platinum: { count: 1, sum: 1_430_000, max: 1_430_000 } },
      byDepartmentAndMetal: {
        'engagement_rings|platinum': { count: 1, sum: 1_250_000, max: 1_250_000 },
        'wedding_bands|platinum': { count: 1, sum: 180_000, max: 180_000 },
      },
    });

    const refund = await send(
      refundPurchaseRoute,
      { customerId, purchaseId: created.body.purchaseId },
      { principal: owner(), body: { amount: 1_430_000, reason: 'Engagement called off' } },
    );
    expect(refund.status).toBe(201);
    expect(refund.body.refund.lines).toEqual([
      { lineIndex: 0, amount: 1_250_000 },
      { lineIndex: 1, amount: 180_000 },
    ]);
    expect(refund.body.purchase).toMatchObject({ refundedTotal: 1_430_000, netTotal: 0 });

    expect(await summary(customerId)).toEqual(before);

    const events = await outboxEvents(stack.tableName, customerId);
    expect(events.map((e) => e.type)).toEqual(['purchase.recorded', 'purchase.refunded']);
    expect(events[0]).toMatchObject({ source: 'api', amount: 1_430_000, departments: ['engagement_rings', 'wedding_bands'] });
    expect(events[1]).toMatchObject({ purchaseId: created.body.purchaseId, amount: 1_430_000 });
  });

  it('recomputes the largest, first and last purchase after a partial refund of a line', async () => {
    const customerId = await newCustomer(tenantId);
    const watch = await send(recordPurchaseRoute, { customerId }, {
      principal: owner(),
      body: {
        purchasedAt: '2024-08-01T01:00:00.000Z',
        lines: [
          { department: 'watches', metal: 'stainless steel', amount: 900_000 },
          { department: 'charms', metal: 'silver', amount: 20_000 },
        ],
      },
    });
    await send(recordPurchaseRoute, { customerId }, {
      principal: owner(),
      body: { purchasedAt: '2023-02-01T01:00:00.000Z', lines: [{ department: 'pearls', amount: 150_000 }] },
    });

    const returned = await send(refundPurchaseRoute, { customerId, purchaseId: watch.body.purchaseId }, {
      principal: owner(),
      body: { lines: [{ lineIndex: 0, amount: 900_000 }], reason: 'Returned the watch' },
    });
    expect(returned.status).toBe(201);

    const agg = await summary(customerId);
    expect(agg).toMatchObject({ totalSpent: 170_000, purchaseCount: 2, largestPurchase: 150_000 });
    expect(agg.monthlySpend['2024-08'].byDepartment).toEqual({ charms: { count: 1, sum: 20_000, max: 20_000 } });

    // The pearls were the only thing left of the earlier sale... refund them too: first and last purchase move.
    const pearls = (await send(listPurchasesRoute, { customerId }, { principal: owner() })).body.items[1];
    await send(refundPurchaseRoute, { customerId, purchaseId: pearls.purchaseId }, {
      principal: owner(),
      body: { amount: 150_000, reason: 'Faulty clasp' },
    });
    expect(await summary(customerId)).toMatchObject({
      firstPurchaseAt: '2024-08-01T01:00:00.000Z',
      lastPurchaseAt: '2024-08-01T01:00:00.000Z',
      largestPurchase: 20_000,
      purchaseCount: 1,
    });
  });

  it('refuses to refund more than was paid (422) and a fully refunded purchase (409)', async () => {
    const customerId = await newCustomer(tenantId);
    const sale = await send(recordPurchaseRoute, { customerId }, {
      principal: owner(),
      body: { lines: [{ department: 'charms', metal: 'silver', amount: 5_000 }] },
    });
    const purchaseId = sale.body.purchaseId;
    const tooMuch = await send(refundPurchaseRoute, { customerId, purchaseId }, { principal: owner(), body: { amount: 5_001, reason: 'x' } });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.headers['content-type']).toBe('application/problem+json');
    expect(tooMuch.body).toMatchObject({ refundable: 5_000, errors: [{ path: 'body.amount' }] });

    const badLine = await send(refundPurchaseRoute, { customerId, purchaseId }, {
      principal: owner(),
      body: { lines: [{ lineIndex: 3, amount: 1 }], reason: 'x' },
    });
    expect(badLine.status).toBe(422);
    expect(badLine.body.errors).toEqual([{ path: 'body.lines[0].lineIndex', message: 'No such line in this purchase' }]);

    const backdated = await send(refundPurchaseRoute, { customerId, purchaseId }, {
      principal: owner(),
      body: { amount: 1, reason: 'x', refundedAt: '2001-01-01T00:00:00.000Z' },
    });
    expect(backdated.status).toBe(422);
    expect(backdated.body.errors[0].path).toBe('body.refundedAt');

    expect((await send(refundPurchaseRoute, { customerId, purchaseId }, { principal: owner(), body: { amount: 5_000, reason: 'x' } })).status).toBe(201);
    const again = await send(refundPurchaseRoute, { customerId, purchaseId }, { principal: owner(), body: { amount: 1, reason: 'x' } });
    expect(again.status).toBe(409);
  });

  it('counts every one of concurrent purchases on the same customer (no lost update)', async () => {
    const customerId = await newCustomer(tenantId);
    const amounts = [10_000, 20_000, 30_000, 40_000, 50_000, 60_000];
    const responses = await Promise.all(
      amounts.map((amount, i) =>
        send(recordPurchaseRoute, { customerId }, {
          principal: owner(),
          body: { purchasedAt: `2024-0${i + 1}-15T00:00:00.000Z`, lines: [{ department: 'diamonds', amount }] },
        }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(amounts.map(() => 201));
    const agg = await summary(customerId);
    expect(agg.purchaseCount).toBe(amounts.length);
    expect(agg.totalSpent).toBe(amounts.reduce((a, b) => a + b, 0));
    expect(Object.keys(agg.monthlySpend)).toHaveLength(amounts.length);
  });

  it('never refunds more than was paid when refunds of the same purchase race', async () => {
    const customerId = await newCustomer(tenantId);
    const sale = await send(recordPurchaseRoute, { customerId }, { principal: owner(), body: { lines: [{ department: 'rings', amount: 10_000 }] } });
    const params = { customerId, purchaseId: sale.body.purchaseId };
    const responses = await Promise.all(
      [1, 2, 3, 4].map(() => send(refundPurchaseRoute, params, { principal: owner(), body: { amount: 4_000, reason: 'x' } })),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([201, 201, 422, 422]);
    const purchase = await send(getPurchaseRoute, params, { principal: owner() });
    expect(purchase.body).toMatchObject({ refundedTotal: 8_000, netTotal: 2_000 });
    expect(await summary(customerId)).toMatchObject({ totalSpent: 2_000, purchaseCount: 1 });
  });

  it('keeps every aggregate when a purchase, a repair, a lay-by and an appointment land at the same moment', async () => {
    const customerId = await newCustomer(tenantId);
    const startsAt = new Date(Date.now() + 86_400_000).toISOString();
    const responses = await Promise.all([
      send(recordPurchaseRoute, { customerId }, { principal: owner(), body: { lines: [{ department: 'watches', amount: 70_000 }] } }),
      send(createRepairRoute, { customerId }, { principal: owner(), body: { itemDescription: 'Battery' } }),
      send(createRepairRoute, { customerId }, { principal: owner(), body: { itemDescription: 'Clasp' } }),
      send(createLaybyRoute, { customerId }, { principal: owner(), body: { items: [{ description: 'Ring', amount: 50_000 }], dueDate: '2099-01-01' } }),
      send(createAppointmentRoute, { customerId }, { principal: owner(), body: { startsAt, purpose: 'Fitting' } }),
    ]);
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    const agg = await summary(customerId);
    expect(agg).toMatchObject({ totalSpent: 70_000, outstandingBalance: 50_000, openLaybys: 1, nextAppointmentAt: startsAt });
    expect(agg.repairsByStatus.received).toBe(2);
  });

  it('lists purchases newest first by purchase date, page by page', async () => {
    const customerId = await newCustomer(tenantId);
    for (const day of ['2022-03-01', '2024-03-01', '2023-03-01']) {
      await send(recordPurchaseRoute, { customerId }, {
        principal: owner(),
        body: { purchasedAt: `${day}T00:00:00.000Z`, lines: [{ department: 'gifts', amount: 100 }] },
      });
    }
    const first = await send(listPurchasesRoute, { customerId }, { principal: owner(), query: { limit: '2' } });
    expect(first.status).toBe(200);
    expect(first.body.items.map((p: { purchasedAt: string }) => p.purchasedAt.slice(0, 4))).toEqual(['2024', '2023']);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await send(listPurchasesRoute, { customerId }, { principal: owner(), query: { limit: '2', cursor: first.body.nextCursor } });
    expect(second.body.items.map((p: { purchasedAt: string }) => p.purchasedAt.slice(0, 4))).toEqual(['2022']);

    const single = await send(getPurchaseRoute, { customerId, purchaseId: first.body.items[0].purchaseId }, { principal: principalOf(tenantId, 'workshop') });
    expect(single.status).toBe(200);
  });

  it('answers 409 naming the existing purchase for an external id the tenant already used; the importer gets "duplicate"', async () => {
    const customerId = await newCustomer(tenantId);
    const body = { externalId: 'POS-1001', lines: [{ department: 'rings', amount: 1_000 }] };
    const first = await send(recordPurchaseRoute, { customerId }, { principal: owner(), body });
    expect(first.status).toBe(201);
    const again = await send(recordPurchaseRoute, { customerId }, { principal: owner(), body });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ existingId: first.body.purchaseId, errors: [{ path: 'body.externalId' }] });

    const imported = await recordPurchase(
      { tenantId, actor: { tenantId, staffId: 'system', role: 'system' }, source: 'import', publisher: undefined },
      customerId,
      { externalId: 'POS-1001', lines: [{ department: 'rings', metal: 'none', description: '', quantity: 1, amount: 1_000 }] },
    );
    expect(imported).toEqual({ outcome: 'duplicate', existing: { customerId, recordId: first.body.purchaseId } });
    expect((await summary(customerId)).purchaseCount).toBe(1);
  });

  it('marks purchases recorded by the importer with source import on their event', async () => {
    const customerId = await newCustomer(tenantId);
    const outcome = await recordPurchase(
      { tenantId, actor: { tenantId, staffId: 'system', role: 'system' }, source: 'import', publisher: undefined },
      customerId,
      { purchasedAt: '2019-12-20T00:00:00.000Z', lines: [{ department: 'watches', metal: 'none', description: '', quantity: 1, amount: 300_000 }] },
    );
    expect(outcome.outcome).toBe('created');
    const [event] = await outboxEvents(stack.tableName, customerId);
    expect(event).toMatchObject({ type: 'purchase.recorded', source: 'import' });
  });

  it('is 403 for a workshop user, with the roles that can', async () => {
    const customerId = await newCustomer(tenantId);
    const response = await send(recordPurchaseRoute, { customerId }, {
      principal: principalOf(tenantId, 'workshop'),
      body: { lines: [{ department: 'rings', amount: 1 }] },
    });
    expect(response.status).toBe(403);
    expect(response.body.detail).toBe('Only owner, manager or salesperson can record purchases.');
  });

  it("is 404 for another tenant's customer, on writes and on reads", async () => {
    const customerId = await newCustomer(tenantId);
    const stranger = principalOf(otherTenantId, 'owner');
    const write = await send(recordPurchaseRoute, { customerId }, { principal: stranger, body: { lines: [{ department: 'rings', amount: 1 }] } });
    expect(write.status).toBe(404);
    expect(write.body.detail).toBe('Customer was not found.');
    expect((await send(listPurchasesRoute, { customerId }, { principal: stranger })).status).toBe(404);
    expect((await send(getRecordsSummaryRoute, { customerId }, { principal: stranger })).status).toBe(404);
  });

  it('gives 400 with field paths for a bad purchase', async () => {
    const customerId = await newCustomer(tenantId);
    const response = await send(recordPurchaseRoute, { customerId }, {
      principal: owner(),
      body: { purchasedAt: 'yesterday', lines: [{ department: '  ', amount: -5 }, { department: 'rings', amount: 1.5, colour: 'red' }] },
    });
    expect(response.status).toBe(400);
    const paths = (response.body.errors as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['body.purchasedAt', 'body.lines[0].department', 'body.lines[0].amount', 'body.lines[1].amount', 'body.lines[1]']),
    );
  });
});
