import { describe, expect, it } from 'vitest';
import { emptyAggregates } from '../../shared/domain/customers/aggregates';
import { emptyConsentState } from '../../shared/domain/customers/consent';
import type { BookCustomer } from '../../shared/domain/segments/book-customer';
import { monthColumnsOf } from '../../shared/domain/segments/month-columns';
import { marshall } from '@aws-sdk/util-dynamodb';
import { applyPurchase } from '../../shared/domain/records/purchase-aggregates';
import { bookCustomerFromItem } from '../../shared/domain/segments/book-customer';
import { compileRule } from '../../shared/domain/segments/compile-rule';
import { evaluateBook } from '../../shared/domain/segments/segment-evaluation';
import { validateRule } from '../../shared/domain/segments/validate-rule';
import { bookFinished, emptyReadStats, memoryBookReader, memoryStoredBookReader, projectionOf, streamBook, type ShardCursors } from '../../shared/domain/segments/book-reader';

const book: BookCustomer[] = Array.from({ length: 1_000 }, (_, i) => ({
  customerId: `C${String(i).padStart(5, '0')}`,
  firstName: 'Ada',
  lastName: 'Lovelace',
  tags: [],
  status: 'active',
  categories: [],
  loyalty: { member: false },
  customerSince: '2020-01-01',
  consent: emptyConsentState(),
  agg: emptyAggregates(),
  monthly: monthColumnsOf(undefined),
  erased: false,
}));

async function idsOf(pages: AsyncIterable<BookCustomer[]>): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of pages) ids.push(...page.map((c) => c.customerId));
  return ids;
}

describe('streamBook over the in-memory adapter', () => {
  it('reads every customer exactly once across the shards, counting pages', async () => {
    const stats = emptyReadStats();
    const ids = await idsOf(streamBook(memoryBookReader(book, { pageSize: 7 }), { stats }));
    expect(ids).toHaveLength(book.length);
    expect(new Set(ids).size).toBe(book.length);
    expect(stats.customers).toBe(book.length);
    expect(stats.pages).toBeGreaterThan(book.length / 7);
  });

  it('limits the queries in flight', async () => {
    const reader = memoryBookReader(book, { pageSize: 50 });
    let inFlight = 0;
    let peak = 0;
    const counting = {
      shards: reader.shards,
      async readPage(...args: Parameters<typeof reader.readPage>) {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight -= 1;
        return reader.readPage(...args);
      },
    };
    expect(await idsOf(streamBook(counting, { concurrency: 3 }))).toHaveLength(book.length);
    expect(peak).toBe(3);
  });

  it('stops between pages and resumes from the cursors without losing or repeating anyone', async () => {
    const reader = memoryBookReader(book, { pageSize: 9 });
    const cursors: ShardCursors = Array.from({ length: reader.shards }, () => undefined);
    const seen: string[] = [];
    let slices = 0;
    while (!bookFinished(cursors)) {
      slices += 1;
      let pages = 0;
      // Each slice asks for a stop after a few pages; the pages already in flight are still handed on.
      for await (const page of streamBook(reader, { cursors, shouldStop: () => pages >= 5, concurrency: 4 })) {
        pages += 1;
        seen.push(...page.map((c) => c.customerId));
      }
    }
    expect(slices).toBeGreaterThan(3);
    expect(seen.sort()).toEqual(book.map((c) => c.customerId));
  });

  it('reads an empty book as no pages', async () => {
    expect(await idsOf(streamBook(memoryBookReader([])))).toEqual([]);
  });
});

describe('projectionOf', () => {
  it('aliases every name, nested paths included, once each', () => {
    expect(projectionOf(['customerId', 'agg.totalSpent', 'agg.purchaseCount', 'customerId'])).toEqual({
      expression: '#p0, #p1.#p2, #p1.#p3',
      names: { '#p0': 'customerId', '#p1': 'agg', '#p2': 'totalSpent', '#p3': 'purchaseCount' },
    });
  });
});

describe('memoryStoredBookReader (the book held as the table holds it)', () => {
  const stored = Array.from({ length: 60 }, (_, i) => {
    const purchase = { purchasedAt: `2025-0${1 + (i % 9)}-15T02:00:00.000Z`, lines: [{ department: 'watches', metal: 'silver', description: 'x', quantity: 1, amount: 1_000 * (i + 1) }], refunds: [] };
    return {
      customerId: `C${String(i).padStart(5, '0')}`,
      firstName: 'Ada',
      lastName: `Lovelace${i}`,
      tags: i % 3 === 0 ? ['vip'] : [],
      status: 'active',
      categories: [],
      loyalty: { member: i % 2 === 0 },
      customerSince: '2020-01-01',
      consent: emptyConsentState(),
      agg: i % 4 === 0 ? emptyAggregates() : applyPurchase(emptyAggregates(), purchase, 'Australia/Sydney'),
      erased: false,
    };
  });
  const wire = stored.map((item) => marshall(item, { removeUndefinedValues: true }));

  it('hands on, shard by shard and page by page, the customers the shaped book holds', async () => {
    const shaped = stored.map((item) => bookCustomerFromItem(item));
    const fromStore: BookCustomer[] = [];
    const fromShaped: BookCustomer[] = [];
    for await (const page of streamBook(memoryStoredBookReader(wire, { pageSize: 7 }), { concurrency: 1 })) fromStore.push(...page);
    for await (const page of streamBook(memoryBookReader(shaped, { pageSize: 7 }), { concurrency: 1 })) fromShaped.push(...page);
    expect(fromStore).toEqual(fromShaped);
    expect(fromStore).toHaveLength(stored.length);
  });

  it('counts a rule (a VIP pass, then a projected evaluation pass) as the shaped book does', async () => {
    const validated = validateRule({ or: [{ type: 'vip', percent: 20 }, { and: [{ type: 'tags', tags: ['vip'] }, { type: 'purchases', departments: ['watches'], min: 1 }] }] });
    if (!validated.ok) throw new Error(JSON.stringify(validated.errors));
    const request = { plan: compileRule(validated.rule), context: { now: new Date('2025-12-01T00:00:00Z'), timeZone: 'Australia/Sydney', currency: 'AUD' } };
    const fromStore = await evaluateBook({ reader: memoryStoredBookReader(wire, { pageSize: 7 }) }, request);
    const fromShaped = await evaluateBook({ reader: memoryBookReader(stored.map((item) => bookCustomerFromItem(item)), { pageSize: 7 }) }, request);
    expect(fromStore.result.count).toBe(fromShaped.result.count);
    expect(fromStore.result.count).toBeGreaterThan(0);
    expect(fromStore.result.count).toBeLessThan(stored.length);
  });

  it('reads only the attributes a pass asks for, as a ProjectionExpression does', async () => {
    const page = await memoryStoredBookReader(wire, { shards: 1, pageSize: 100 }).readPage(0, undefined, ['customerId', 'agg.totalSpent']);
    const customer = page.customers.find((c) => c.customerId === 'C00001')!;
    expect(customer.agg.totalSpent).toBe(2_000);
    expect(customer.agg.purchaseCount).toBe(0);
    expect(customer.lastName).toBe('');
    expect(customer.monthly.months).toEqual([]);
  });
});
