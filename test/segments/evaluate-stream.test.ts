import { describe, expect, it } from 'vitest';
import { bookCustomerFromItem } from '../../shared/domain/segments/book-customer';
import { compileRule } from '../../shared/domain/segments/compile-rule';
import { customerPredicate } from '../../shared/domain/segments/customer-predicate';
import { evaluateStream } from '../../shared/domain/segments/evaluate-stream';
import { aggregates, at, buyer, customer, evaluate, pagesOf, sale, valid } from './book-fixtures';

const SYDNEY = 'Australia/Sydney';
const context = { ...at('2025-06-10T09:00', SYDNEY), currency: 'AUD' };

describe('evaluateStream', () => {
  const book = [
    customer({ city: 'Sydney', agg: aggregates({ purchaseCount: 1, totalSpent: 900_000, largestPurchase: 900_000 }) }),
    customer({ city: 'Perth', agg: aggregates({ purchaseCount: 1, totalSpent: 600_000, largestPurchase: 600_000 }) }),
    customer({ city: 'Perth' }),
    ...Array.from({ length: 17 }, (_, i) => customer({ city: 'Hobart', agg: aggregates({ purchaseCount: 1, totalSpent: 1_000 + i, largestPurchase: 1_000 + i }) })),
  ];

  it('answers "VIP or high value, not in Sydney" in one request, explaining each match', async () => {
    // 5% of 19 buyers is one: the Sydney customer is the only VIP.
    const rule = { and: [{ or: [{ type: 'vip', percent: 5 }, { type: 'high_value', amount: 500_000 }] }, { not: { type: 'city', city: 'Sydney' } }] };
    const result = await evaluate(rule, book, context);
    expect(result.customerIds).toEqual([book[1]?.customerId]);
    expect(result.matches[0]?.why).toEqual([
      { path: 'rule.and[0].or[1]', leaf: 'high_value', holds: true, detail: 'largest purchase A$6,000.00' },
      { path: 'rule.and[1].not', leaf: 'city', holds: false, detail: 'city Perth' },
    ]);
  });

  it('explains with the first holding branch of an or, and every failing branch under a not', async () => {
    const rule = { not: { or: [{ type: 'city', city: 'Sydney' }, { type: 'never_purchased' }] } };
    const result = await evaluate(rule, [book[1]!], context);
    expect(result.matches[0]?.why.map((w) => [w.path, w.holds])).toEqual([
      ['rule.not.or[0]', false],
      ['rule.not.or[1]', false],
    ]);
    const vip = await evaluate({ or: [{ type: 'vip' }, { type: 'never_purchased' }] }, [book[0]!], context);
    expect(vip.matches[0]?.why[0]?.detail).toBe('total spent A$9,000.00; the top 10% start at A$9,000.00');
  });

  it('keeps ids and explained matches only up to their limits, and counts them all', async () => {
    const seen: string[] = [];
    const result = await evaluateStream(compileRule(valid({ and: [] })), pagesOf(book, 7).pages, context, {
      idLimit: 5,
      explainLimit: 2,
      onMatch: (c) => seen.push(c.customerId),
    });
    expect(result.count).toBe(20);
    expect(result.customerIds).toHaveLength(5);
    expect(result.idsComplete).toBe(false);
    expect(result.matches).toHaveLength(2);
    expect(seen).toHaveLength(20);
    expect(result.counters).toMatchObject({ passes: 1, pagesRead: 3, customersRead: 20, customersEvaluated: 20, purchaseReads: 0 });
  });

  it('takes the pages as a plain async iterable when one pass is enough', async () => {
    const once = pagesOf(book, 6).pages();
    const result = await evaluateStream(compileRule(valid({ type: 'city', city: 'Perth' })), once, context);
    expect(result.count).toBe(2);
    await expect(evaluateStream(compileRule(valid({ type: 'vip' })), pagesOf(book).pages(), context)).rejects.toThrow(/two passes/);
  });

  it('reads an empty book once and matches no one', async () => {
    const result = await evaluate({ type: 'lapsed' }, [], context);
    expect(result).toMatchObject({ count: 0, customerIds: [], idsComplete: true, matches: [] });
    expect(result.counters.passes).toBe(1);
  });

  it('tells the adapter which attributes the rule reads', () => {
    const plan = compileRule(valid({ and: [{ type: 'city', city: 'x' }, { type: 'birthday', when: 'today' }] }));
    expect([...plan.needs.attributes].sort()).toEqual(['birthday', 'city', 'customerId', 'erased']);
    expect(plan.needs).toMatchObject({ spendDistribution: false, purchases: false, rankedSteps: [] });
    const ranked = compileRule(valid({ or: [{ type: 'vip' }, { not: { type: 'best_customers', limit: 3, during: { lastDays: 30 } } }] }));
    expect(ranked.needs).toMatchObject({
      spendDistribution: true,
      purchases: true,
      rankedSteps: [{ index: 0, path: 'rule.or[1].not', type: 'best_customers', limit: 3 }],
    });
  });
});

describe('customerPredicate (one customer, e.g. the automation runner)', () => {
  it('decides a customer without reading the book, and asks for purchases when a boundary month is open', () => {
    const rule = valid({ and: [{ type: 'tags', tags: ['vip'] }, { type: 'purchases', during: { lastDays: 10 }, min: 100 }] });
    const purchases = [sale('2025-05-25T00:00:00Z', 500), sale('2025-06-05T00:00:00Z', 50)];
    const shopper = buyer(SYDNEY, purchases, { tags: ['vip'] });
    const predicate = customerPredicate(compileRule(rule), context);
    expect(predicate.test(shopper)).toBe('needs_purchases');
    expect(predicate.test(shopper, purchases)).toBe('no_match');
    expect(predicate.test({ ...shopper, erased: true })).toBe('no_match');
    // The last 10 days start on 31 May (Sydney): only that day of May is open.
    expect(predicate.purchaseSpan).toEqual({ from: '2025-05-30T14:00:00.000Z', to: '2025-05-31T14:00:00.000Z' });
  });

  it('refuses top-N rules, which compare a customer with the whole book', () => {
    expect(() => customerPredicate(compileRule(valid({ type: 'best_customers', limit: 3 })), context)).toThrow(/whole book/);
  });
});

describe('bookCustomerFromItem', () => {
  it('fills what an older item lacks so the predicates need no guards', () => {
    const c = bookCustomerFromItem({ customerId: 'c1', agg: { totalSpent: 5 }, city: 'Perth', extra: 'ignored' });
    expect(c).toMatchObject({ customerId: 'c1', tags: [], categories: [], erased: false, loyalty: { member: false }, city: 'Perth' });
    expect(c.agg.repairs.ready).toBe(0);
    expect(c.agg.totalSpent).toBe(5);
    expect('extra' in c).toBe(false);
  });
});
