/**
 * Guards for the engine's fast paths, property-based: a straightforward reference evaluation, from the purchases
 * themselves, of rules that take them (top N by spend in a period, all-time spend on one department, a window's cheap
 * ceiling), and the reader's shaping of items compared with a plain definition of it. Customers go through the wire
 * format (marshall / unmarshall) and `bookCustomerFromItem`, as a DynamoDB read hands them to the engine.
 */
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { aggregatesOf, type CustomerAggregates } from '../../shared/domain/customers/aggregates';
import { emptyConsentState } from '../../shared/domain/customers/consent';
import type { PurchaseFacts } from '../../shared/domain/records/purchase';
import { bookCustomerFromItem, type BookCustomer } from '../../shared/domain/segments/book-customer';
import { compileRule } from '../../shared/domain/segments/compile-rule';
import { evaluateStream } from '../../shared/domain/segments/evaluate-stream';
import { monthColumnsOf } from '../../shared/domain/segments/month-columns';
import { emptySpendRange, monthWindow, periodDays, spendSelector, WindowSpend } from '../../shared/domain/segments/spend-window';
import { tenantCalendar } from '../../shared/domain/segments/tenant-calendar';
import { at, buyer, pagesOf, sale, valid } from './book-fixtures';

const ZONE = 'Australia/Sydney';
const CONTEXT = at('2025-06-15T09:00', ZONE);
const TODAY = '2025-06-15';
const DEPARTMENTS = ['diamonds', 'watches', 'charms'];

interface Book {
  customers: BookCustomer[];
  purchases: Map<string, PurchaseFacts[]>;
}

/** As a DynamoDB read hands a stored customer to the engine. */
const asRead = (customer: BookCustomer): BookCustomer =>
  bookCustomerFromItem(unmarshall(marshall(customer, { removeUndefinedValues: true, convertClassInstanceToMap: false })));

const purchaseArb = fc.record({
  at: fc.integer({ min: Date.UTC(2023, 0, 1), max: Date.UTC(2025, 5, 14) }),
  lines: fc.array(fc.record({ department: fc.constantFrom(...DEPARTMENTS), amount: fc.integer({ min: 1, max: 5_000 }) }), {
    minLength: 1,
    maxLength: 2,
  }),
});

const bookArb: fc.Arbitrary<Book> = fc
  .array(
    fc.record({
      purchases: fc.array(purchaseArb, { maxLength: 6 }),
      birthdayMonth: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
      erased: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    }),
    { maxLength: 30 },
  )
  .map((drafts) => {
    const purchases = new Map<string, PurchaseFacts[]>();
    const customers = drafts.map((draft) => {
      const facts = draft.purchases.map((p) => sale(new Date(p.at).toISOString(), p.lines));
      const c = asRead(
        buyer(ZONE, facts, {
          erased: draft.erased,
          ...(draft.birthdayMonth === undefined ? {} : { birthday: { month: draft.birthdayMonth, day: 1 } }),
        }),
      );
      purchases.set(c.customerId, facts);
      return c;
    });
    return { customers, purchases };
  });

/** Periods as the rules give them, and the first day each covers (purchases are never in the future). */
const periodArb = fc.oneof(
  fc.constant({ period: undefined, from: null }),
  fc.constantFrom('2024-01-01', '2025-03-01', '2025-05-01').map((from) => ({ period: { from }, from })),
  fc.integer({ min: 1, max: 400 }).map((days) => ({
    period: { lastDays: days },
    from: DateTime.fromISO(TODAY, { zone: ZONE }).minus({ days }).toISODate() as string,
  })),
);

const localDay = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toISODate() as string;

/** The reference: sum the matching lines of the purchases dated on or after `from` in the tenant's calendar. */
function spentFrom(purchases: readonly PurchaseFacts[], from: string | null, departments: readonly string[] | undefined): number {
  return purchases
    .filter((p) => from === null || localDay(p.purchasedAt) >= from)
    .flatMap((p) => p.lines)
    .filter((line) => departments === undefined || departments.includes(line.department))
    .reduce((sum, line) => sum + line.amount, 0);
}

/** The reference top N: customers who spent anything, by spend, ties by the smaller id. */
function topN(book: Book, limit: number, from: string | null, departments: readonly string[] | undefined): Set<string> {
  const ranked = book.customers
    .filter((c) => !c.erased)
    .map((c) => ({ id: c.customerId, spent: spentFrom(book.purchases.get(c.customerId) ?? [], from, departments) }))
    .filter((entry) => entry.spent > 0)
    .sort((a, b) => b.spent - a.spent || (a.id < b.id ? -1 : 1));
  return new Set(ranked.slice(0, limit).map((entry) => entry.id));
}

async function matchingIds(rule: unknown, book: Book): Promise<string[]> {
  const result = await evaluateStream(compileRule(valid(rule)), pagesOf(book.customers, 4).pages, CONTEXT, {
    purchases: async ({ customerId, from, to }) =>
      (book.purchases.get(customerId) ?? []).filter((p) => p.purchasedAt >= from && p.purchasedAt < to),
  });
  return [...result.customerIds].sort();
}

const departmentsArb = fc.option(fc.subarray(DEPARTMENTS, { minLength: 1 }), { nil: undefined });

describe('engine fast paths against a reference evaluation (property-based)', () => {
  it('best customers (top N in a period, cheap ceilings skipping most customers) match the reference top N', async () => {
    await fc.assert(
      fc.asyncProperty(bookArb, periodArb, fc.integer({ min: 1, max: 8 }), departmentsArb, async (book, { period, from }, limit, departments) => {
        const rule = { type: 'best_customers', limit, ...(period ? { during: period } : {}), ...(departments ? { departments } : {}) };
        expect(await matchingIds(rule, book)).toEqual([...topN(book, limit, from, departments)].sort());
      }),
      { numRuns: 120 },
    );
  });

  it('the bench composite: top N, or all-time spend on one department at least a minimum, or a birthday month', async () => {
    await fc.assert(
      fc.asyncProperty(
        bookArb,
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom(...DEPARTMENTS),
        fc.integer({ min: 1, max: 8_000 }),
        async (book, limit, department, min) => {
          const rule = {
            or: [
              { type: 'best_customers', limit, during: { from: '2025-03-01' }, departments: ['diamonds'] },
              { type: 'purchases', departments: [department], min },
              { type: 'birthday', when: 'month', month: 6 },
            ],
          };
          const best = topN(book, limit, '2025-03-01', ['diamonds']);
          const expected = book.customers
            .filter((c) => !c.erased)
            .filter(
              (c) =>
                best.has(c.customerId) ||
                spentFrom(book.purchases.get(c.customerId) ?? [], null, [department]) >= min ||
                c.birthday?.month === 6,
            )
            .map((c) => c.customerId)
            .sort();
          expect(await matchingIds(rule, book)).toEqual(expected);
        },
      ),
      { numRuns: 120 },
    );
  });

  it("a window's ceiling bounds its spend, and is 0 only when nothing in the window can have been bought", () => {
    fc.assert(
      fc.property(bookArb, periodArb, departmentsArb, (book, { period }, departments) => {
        const calendar = tenantCalendar(CONTEXT.now, ZONE);
        const spend = new WindowSpend(monthWindow(periodDays(period, calendar), calendar), spendSelector(departments, undefined), ZONE);
        for (const c of book.customers) {
          const range = emptySpendRange();
          spend.compute(c.agg, c.monthly, undefined, range);
          const ceiling = spend.ceiling(c.agg);
          expect(ceiling).toBeGreaterThanOrEqual(range.hi);
          if (ceiling === 0) expect(range.mayHaveBought).toBe(false);
        }
      }),
      { numRuns: 150 },
    );
  });
});

/** Shaping as plainly defined: the item's attributes, defaults for missing ones, aggregates by `aggregatesOf`. */
function plainShape(item: Record<string, unknown>): BookCustomer {
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  const { months, ...agg } = aggregatesOf(item.agg as Partial<CustomerAggregates> | undefined);
  const customer: BookCustomer = {
    customerId: text(item.customerId),
    firstName: text(item.firstName),
    lastName: text(item.lastName),
    tags: strings(item.tags),
    status: (typeof item.status === 'string' ? item.status : 'active') as BookCustomer['status'],
    categories: strings(item.categories),
    loyalty: (item.loyalty as BookCustomer['loyalty'] | undefined) ?? { member: false },
    customerSince: text(item.customerSince),
    consent: (item.consent as BookCustomer['consent'] | undefined) ?? emptyConsentState(),
    agg,
    monthly: monthColumnsOf(months),
    erased: item.erased === true,
  };
  for (const attribute of ['email', 'phone', 'city', 'postcode', 'addressLine', 'weddingDate'] as const) {
    if (typeof item[attribute] === 'string') customer[attribute] = item[attribute] as string;
  }
  if (item.birthday) customer.birthday = item.birthday as BookCustomer['birthday'];
  if (item.anniversary) customer.anniversary = item.anniversary as BookCustomer['anniversary'];
  return customer;
}

describe('bookCustomerFromItem (property-based)', () => {
  const itemArb = fc.record(
    {
      customerId: fc.string({ minLength: 1, maxLength: 8 }),
      firstName: fc.string(),
      lastName: fc.string(),
      city: fc.constantFrom('Sydney', 'Perth'),
      postcode: fc.constantFrom('2000', '6000'),
      tags: fc.array(fc.oneof(fc.constantFrom('vip', 'bridal'), fc.integer())),
      categories: fc.array(fc.string({ maxLength: 4 })),
      status: fc.constantFrom('active', 'inactive'),
      loyalty: fc.record({ member: fc.boolean() }),
      customerSince: fc.constantFrom('2020-01-01', '2025-06-01'),
      birthday: fc.record({ month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 28 }) }),
      weddingDate: fc.constantFrom('2019-02-03'),
      erased: fc.boolean(),
      agg: fc.record(
        {
          totalSpent: fc.integer({ min: 0, max: 10_000 }),
          purchaseCount: fc.integer({ min: 0, max: 5 }),
          lastPurchaseAt: fc.constantFrom('2025-01-02T03:04:05.000Z', null),
          laybyEarliestDue: fc.constantFrom('2025-07-01', null),
          repairs: fc.record({ received: fc.integer({ min: 0, max: 2 }), ready: fc.integer({ min: 0, max: 2 }) }, { requiredKeys: [] }),
          upcomingAppointments: fc.array(fc.constantFrom('2025-06-20T00:00:00.000Z')),
          months: fc.constantFrom({}, { '2025-01': { t: { c: 1, s: 10, m: 10 }, d: {}, m: {}, dm: {} } }),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ['customerId'] },
  );

  it('gives what the plain definition gives, and every customer the same layout', () => {
    fc.assert(
      fc.property(fc.array(itemArb, { minLength: 1, maxLength: 5 }), (items) => {
        const shaped = items.map((item) => bookCustomerFromItem(unmarshall(marshall(item, { removeUndefinedValues: true }))));
        items.forEach((item, i) => expect(shaped[i]).toEqual(plainShape(unmarshall(marshall(item, { removeUndefinedValues: true })))));
        const layouts = new Set(shaped.map((c) => `${Object.keys(c).join()}|${Object.keys(c.agg).join()}|${Object.keys(c.agg.repairs).join()}`));
        expect(layouts.size).toBe(1);
      }),
      { numRuns: 200 },
    );
  });
});
