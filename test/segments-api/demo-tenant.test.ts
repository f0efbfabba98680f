/**
 * The segments as a new user meets them: against the demo tenant (Aurora Fine Jewellery, 2,000 customers), seeded the
 * way `npm start` seeds it. Every count through the API (DynamoDB, book index, parallel shards, projections) must
 * equal the same engine reading the generated book from memory, and be plausible for the cohorts the demo guarantees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoBookItems } from '../../local/seed/demo-items';
import { COHORTS, generateDemoBook, type DemoBook } from '../../local/seed/generate-demo-book';
import { seedDemoTenant } from '../../local/seed/seed-demo-tenant';
import type { PurchaseFacts } from '../../shared/domain/records/purchase';
import { bookCustomerFromItem, type BookCustomer } from '../../shared/domain/segments/book-customer';
import { memoryBookReader } from '../../shared/domain/segments/book-reader';
import { compileRule } from '../../shared/domain/segments/compile-rule';
import { memoryPurchaseReader } from '../../shared/domain/segments/purchase-reader';
import { evaluateBook } from '../../shared/domain/segments/segment-evaluation';
import { SYSTEM_SEGMENT_IDS, systemSegment } from '../../shared/domain/segments/system-segments';
import { validateRule } from '../../shared/domain/segments/validate-rule';
import { logger } from '../../shared/observability/logger';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { segments, staff } from './segments-support';

let stack: TestEmulators;
let tenantId: string;
let book: DemoBook;
const anchor = new Date();

beforeAll(async () => {
  logger.setLogLevel('ERROR');
  stack = await startEmulators();
  tenantId = (await seedDemoTenant({ anchor, stage: 'local' })).tenantId;
  book = generateDemoBook({ anchor });
}, 180_000);

afterAll(async () => stack?.stop());

let inMemory: { customers: BookCustomer[]; purchases: Map<string, PurchaseFacts[]> } | undefined;

/** The same rule over the generated book, read from memory. */
async function inMemoryCount(rule: unknown): Promise<number> {
  const validation = validateRule(rule);
  if (!validation.ok) throw new Error('invalid rule');
  inMemory ??= {
    customers: demoBookItems(book, tenantId)
      .filter((item) => item.type === 'Customer')
      .map(bookCustomerFromItem),
    purchases: new Map(book.customers.map((c) => [c.customerId, c.purchases])),
  };
  const { result } = await evaluateBook(
    { reader: memoryBookReader(inMemory.customers), purchases: memoryPurchaseReader(inMemory.purchases) },
    { plan: compileRule(validation.rule), context: { now: new Date(), timeZone: book.tenant.timeZone, currency: book.tenant.currency } },
  );
  return result.count;
}

const owner = () => staff(tenantId);

describe('segments on the demo tenant', () => {
  it('every system segment returns a plausible count, the same as reading the book from memory', async () => {
    const counts: Record<string, number> = {};
    for (const segmentId of SYSTEM_SEGMENT_IDS) {
      const response = await segments(owner(), 'GET /v1/segments/{segmentId}/count', { params: { segmentId } });
      expect(response.status, segmentId).toBe(200);
      counts[segmentId] = response.body.count;
      expect(response.body.count, segmentId).toBe(await inMemoryCount(systemSegment(segmentId, 'AUD')?.rule));
      expect(response.body.customersRead, segmentId).toBe(segmentId === 'sys_vip' ? 4_000 : 2_000);
      expect(response.body.readUnits, segmentId).toBeGreaterThan(0);
    }
    console.log(`demo tenant system segment counts: ${JSON.stringify(counts)}`);
    // About a tenth of the buyers (fully refunded and erased customers are not buyers; ties at the boundary are in).
    const buyers = book.customers.filter((c) => c.purchases.length > 0).length;
    expect(counts.sys_vip).toBeGreaterThan(buyers * 0.08);
    expect(counts.sys_vip).toBeLessThan(buyers * 0.15);
    expect(counts.sys_birthday_this_month).toBeGreaterThanOrEqual(COHORTS.birthdayToday.length + COHORTS.birthdayThisMonth.length);
    expect(counts.sys_anniversary_this_month).toBeGreaterThanOrEqual(COHORTS.anniversaryToday.length);
    expect(counts.sys_layby_overdue).toBeGreaterThanOrEqual(COHORTS.overdueLayby.length);
    expect(counts.sys_active_repairs).toBeGreaterThanOrEqual(COHORTS.repairReady.length);
    for (const [segmentId, count] of Object.entries(counts)) {
      expect(count, segmentId).toBeGreaterThan(0);
      expect(count, segmentId).toBeLessThan(book.customers.length);
    }
  });

  it('"lapsed but only watch customers" and "VIP or high value, not in Sydney" are one request each, every match explained', async () => {
    const cohorts = {
      lapsedWatch: { and: [{ type: 'lapsed' }, { type: 'purchases', departments: ['watches'] }] },
      vipOrHighValueNotSydney: { and: [{ or: [{ type: 'vip' }, { type: 'high_value', amount: 500_000 }] }, { not: { type: 'city', city: 'Sydney' } }] },
    };
    for (const [name, rule] of Object.entries(cohorts)) {
      const preview = await segments(owner(), 'POST /v1/segments/preview', { body: { rule, limit: 100 } });
      expect(preview.status, name).toBe(200);
      expect(preview.body.count, name).toBe(await inMemoryCount(rule));
      expect(preview.body.count, name).toBeGreaterThan(0);
      expect(preview.body.customers.length, name).toBe(Math.min(100, preview.body.count));
      for (const customer of preview.body.customers as { name: string; why: { holds: boolean; leaf: string; detail: string }[] }[]) {
        expect(customer.name).not.toBe('');
        expect(customer.why.length).toBeGreaterThanOrEqual(2);
        for (const entry of customer.why) expect(entry.detail).not.toBe('');
      }
    }
  });

  it('a top-N rule with a day-exact period, through DynamoDB, agrees with memory', async () => {
    const rule = { type: 'purchases', departments: ['diamonds', 'engagement_rings'], during: { lastDays: 45 }, min: 10_000, limit: 25 };
    const preview = await segments(owner(), 'POST /v1/segments/preview', { body: { rule } });
    expect(preview.status).toBe(200);
    expect(preview.body.count).toBe(await inMemoryCount(rule));
  });
});
