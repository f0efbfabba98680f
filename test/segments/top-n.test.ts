import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TopN } from '../../shared/domain/segments/top-n';

const ranksAbove = (a: { id: string; score: number }, b: { id: string; score: number }) =>
  a.score > b.score || (a.score === b.score && a.id < b.id);

describe('TopN', () => {
  it('answers membership from offer (re-offers included) as a lookup would, and ends with the best N by score then id', () => {
    // Each customer has one score (as in a run) and may be offered more than once, in any order.
    const offersArb = fc
      .tuple(
        fc.integer({ min: 1, max: 6 }),
        fc.uniqueArray(fc.record({ id: fc.stringMatching(/^c[0-9]{2}$/), score: fc.integer({ min: 0, max: 8 }) }), {
          selector: (c) => c.id,
          maxLength: 30,
        }),
      )
      .chain(([limit, customers]) =>
        fc.tuple(fc.constant(limit), fc.constant(customers), customers.length === 0 ? fc.constant([]) : fc.array(fc.nat(customers.length - 1), { maxLength: 60 })),
      );
    fc.assert(
      fc.property(offersArb, ([limit, customers, order]) => {
        const top = new TopN(limit);
        const offered = new Set<string>();
        for (const index of order) {
          const customer = customers[index] as { id: string; score: number };
          const wasMember = top.has(customer.id);
          const member = top.offer(customer.id, customer.score);
          offered.add(customer.id);
          expect(member).toBe(top.has(customer.id));
          if (wasMember) expect(member).toBe(true);
          if (top.evicted !== null) expect(top.has(top.evicted)).toBe(false);
        }
        const expected = customers
          .filter((c) => offered.has(c.id))
          .sort((a, b) => (ranksAbove(a, b) ? -1 : 1))
          .slice(0, limit)
          .map((c) => ({ customerId: c.id, score: c.score }));
        expect(top.ranked()).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('says who was pushed out, and nothing when no one was', () => {
    const top = new TopN(2);
    expect(top.offer('b', 5)).toBe(true);
    expect(top.offer('c', 5)).toBe(true);
    expect(top.evicted).toBeNull();
    // Tied with the weakest but a larger id: cannot enter, is not a member.
    expect(top.offer('d', 5)).toBe(false);
    expect(top.evicted).toBeNull();
    // The weakest offered again stays a member.
    expect(top.offer('c', 5)).toBe(true);
    expect(top.offer('a', 5)).toBe(true);
    expect(top.evicted).toBe('c');
    expect(top.offer('x', 1)).toBe(false);
    expect(top.evicted).toBeNull();
  });
});
