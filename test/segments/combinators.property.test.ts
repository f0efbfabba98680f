/**
 * Property tests of the combinators over random books and random rule trees, ranked (top N), percentile (vip) and
 * day-exact (purchase-reading) leaves included: the engine's single pass with held customers must give exactly the
 * set algebra of the leaves evaluated one by one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PurchaseFacts } from '../../shared/domain/records/purchase';
import type { BookCustomer } from '../../shared/domain/segments/book-customer';
import { compileRule } from '../../shared/domain/segments/compile-rule';
import { evaluateStream, type PurchaseReader } from '../../shared/domain/segments/evaluate-stream';
import type { Rule } from '../../shared/domain/segments/rule-schema';
import { at, buyer, pagesOf, sale, valid } from './book-fixtures';

const ZONE = 'Australia/Sydney';
const CONTEXT = at('2025-06-15T09:00', ZONE);
const DEPARTMENTS = ['diamonds', 'watches', 'charms'];

interface Book {
  customers: BookCustomer[];
  purchases: Map<string, PurchaseFacts[]>;
}

const purchaseArb = fc.record({
  at: fc.integer({ min: Date.UTC(2024, 9, 1), max: Date.UTC(2025, 5, 15) }),
  lines: fc.array(fc.record({ department: fc.constantFrom(...DEPARTMENTS), amount: fc.integer({ min: 1, max: 5_000 }) }), {
    minLength: 1,
    maxLength: 2,
  }),
});

const customerArb = fc.record({
  purchases: fc.array(purchaseArb, { maxLength: 4 }),
  city: fc.constantFrom('Sydney', 'Perth', undefined),
  tags: fc.subarray(['vip', 'bridal', 'watch']),
  erased: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
});

const bookArb: fc.Arbitrary<Book> = fc.array(customerArb, { maxLength: 25 }).map((drafts) => {
  const purchases = new Map<string, PurchaseFacts[]>();
  const customers = drafts.map((draft) => {
    const facts = draft.purchases.map((p) => sale(new Date(p.at).toISOString(), p.lines));
    const c = buyer(ZONE, facts, {
      tags: draft.tags,
      erased: draft.erased,
      ...(draft.city === undefined ? {} : { city: draft.city }),
    });
    purchases.set(c.customerId, facts);
    return c;
  });
  return { customers, purchases };
});

/** Leaves of every kind of evaluation: plain, percentile, ranked, and day-exact (reads purchases). */
const leafArb: fc.Arbitrary<Rule> = fc
  .oneof(
    fc.record({ type: fc.constant('city'), city: fc.constantFrom('Sydney', 'Perth') }),
    fc.record({ type: fc.constant('tags'), tags: fc.subarray(['vip', 'bridal', 'watch'], { minLength: 1 }), match: fc.constantFrom('any', 'all') }),
    fc.record({ type: fc.constant('lapsed'), months: fc.integer({ min: 1, max: 8 }) }),
    fc.record({ type: fc.constant('never_purchased') }),
    fc.record({ type: fc.constant('high_value'), amount: fc.integer({ min: 1, max: 8_000 }) }),
    fc.record({ type: fc.constant('vip'), percent: fc.integer({ min: 1, max: 60 }) }),
    fc.record({ type: fc.constant('best_customers'), limit: fc.integer({ min: 1, max: 6 }), during: fc.constant({ lastDays: 45 }) }),
    fc.record({
      type: fc.constant('purchases'),
      departments: fc.subarray(DEPARTMENTS, { minLength: 1 }),
      min: fc.integer({ min: 1, max: 6_000 }),
      during: fc.constantFrom({ lastDays: 20 }, { from: '2025-02-10', to: '2025-04-20' }, { lastMonths: 3 }),
    }),
    fc.record({ type: fc.constant('purchases'), limit: fc.integer({ min: 1, max: 4 }), during: fc.constant({ lastMonths: 2 }) }),
  )
  .map((leaf) => valid(leaf));

const ruleArb: fc.Arbitrary<Rule> = fc.letrec<{ rule: Rule }>((tie) => ({
  rule: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.array(tie('rule'), { maxLength: 3 }).map((and) => ({ and })),
    fc.array(tie('rule'), { maxLength: 3 }).map((or) => ({ or })),
    tie('rule').map((not) => ({ not })),
  ),
})).rule;

function readerOf(book: Book): PurchaseReader {
  return async ({ customerId, from, to }) => (book.purchases.get(customerId) ?? []).filter((p) => p.purchasedAt >= from && p.purchasedAt < to);
}

async function ids(rule: Rule, book: Book, customers = book.customers): Promise<string[]> {
  const result = await evaluateStream(compileRule(rule), pagesOf(customers, 4).pages, CONTEXT, { purchases: readerOf(book) });
  expect(result.count).toBe(result.customerIds.length);
  return [...result.customerIds].sort();
}

const everyone = (book: Book) => book.customers.filter((c) => !c.erased).map((c) => c.customerId).sort();
const runs = { numRuns: 60 };

describe('combinators (property-based)', () => {
  it('and is intersection, or is union, not is complement (among customers not erased)', async () => {
    await fc.assert(
      fc.asyncProperty(bookArb, ruleArb, ruleArb, async (book, a, b) => {
        const [sa, sb] = [new Set(await ids(a, book)), new Set(await ids(b, book))];
        expect(await ids({ and: [a, b] }, book)).toEqual([...sa].filter((id) => sb.has(id)).sort());
        expect(await ids({ or: [a, b] }, book)).toEqual([...new Set([...sa, ...sb])].sort());
        expect(await ids({ not: a }, book)).toEqual(everyone(book).filter((id) => !sa.has(id)));
      }),
      runs,
    );
  });

  it("De Morgan: not (a and b) = not a or not b, and not (a or b) = not a and not b", async () => {
    await fc.assert(
      fc.asyncProperty(bookArb, ruleArb, ruleArb, async (book, a, b) => {
        expect(await ids({ not: { and: [a, b] } }, book)).toEqual(await ids({ or: [{ not: a }, { not: b }] }, book));
        expect(await ids({ not: { or: [a, b] } }, book)).toEqual(await ids({ and: [{ not: a }, { not: b }] }, book));
      }),
      runs,
    );
  });

  it('not not r = r', async () => {
    await fc.assert(
      fc.asyncProperty(bookArb, ruleArb, async (book, r) => {
        expect(await ids({ not: { not: r } }, book)).toEqual(await ids(r, book));
      }),
      runs,
    );
  });

  it('the empty and matches everyone, the empty or no one; both are identities', async () => {
    await fc.assert(
      fc.asyncProperty(bookArb, ruleArb, async (book, r) => {
        expect(await ids({ and: [] }, book)).toEqual(everyone(book));
        expect(await ids({ or: [] }, book)).toEqual([]);
        const plain = await ids(r, book);
        expect(await ids({ and: [r, { and: [] }] }, book)).toEqual(plain);
        expect(await ids({ or: [r, { or: [] }] }, book)).toEqual(plain);
        expect(await ids({ and: [r] }, book)).toEqual(plain);
      }),
      runs,
    );
  });

  it('does not depend on the order the book is read in (top N ties are broken by id)', async () => {
    await fc.assert(
      fc.asyncProperty(bookArb, ruleArb, async (book, r) => {
        expect(await ids(r, book, [...book.customers].reverse())).toEqual(await ids(r, book));
      }),
      runs,
    );
  });

  it('manual: the count is the number of distinct listed ids that exist (and are not erased)', async () => {
    await fc.assert(
      fc.asyncProperty(
        bookArb.filter((book) => book.customers.length > 0),
        fc.array(fc.oneof(fc.nat(), fc.constantFrom('unknown-1', 'unknown-2')), { minLength: 1, maxLength: 30 }),
        async (book, picks) => {
          const listed = picks.map((pick) => (typeof pick === 'number' ? (book.customers[pick % book.customers.length] as BookCustomer).customerId : pick));
          const existing = new Set(book.customers.filter((c) => !c.erased).map((c) => c.customerId));
          const expected = new Set(listed.filter((id) => existing.has(id)));
          const result = await evaluateStream(compileRule(valid({ type: 'manual', customerIds: listed })), pagesOf(book.customers).pages, CONTEXT);
          expect(result.count).toBe(expected.size);
          expect([...result.customerIds].sort()).toEqual([...expected].sort());
        },
      ),
      runs,
    );
  });
});

describe('day-exact periods (property-based)', () => {
  it('agree to the cent with summing the purchases dated in the period, by the tenant calendar', async () => {
    const dayArb = fc.integer({ min: Date.UTC(2024, 10, 1), max: Date.UTC(2025, 5, 15) }).map((ms) => new Date(ms).toISOString().slice(0, 10));
    await fc.assert(
      fc.asyncProperty(bookArb, dayArb, dayArb, fc.integer({ min: 1, max: 8_000 }), fc.constantFrom(...DEPARTMENTS), async (book, d1, d2, min, department) => {
        const [from, to] = d1 <= d2 ? [d1, d2] : [d2, d1];
        const rule = valid({ type: 'purchases', departments: [department], min, during: { from, to } });
        const localDay = (iso: string) => new Date(iso).toLocaleDateString('en-CA', { timeZone: ZONE });
        const expected = book.customers
          .filter((c) => !c.erased)
          .filter((c) => {
            const spent = (book.purchases.get(c.customerId) ?? [])
              .filter((p) => localDay(p.purchasedAt) >= from && localDay(p.purchasedAt) <= to)
              .flatMap((p) => p.lines)
              .filter((line) => line.department === department)
              .reduce((sum, line) => sum + line.amount, 0);
            return spent >= min;
          })
          .map((c) => c.customerId)
          .sort();
        expect(await ids(rule, book)).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });
});
