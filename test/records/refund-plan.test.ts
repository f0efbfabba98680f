import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateProportionally, netLineAmounts, planRefund, type PurchaseLine } from '../../shared/domain/records/purchase';

const line = (amount: number): PurchaseLine => ({ department: 'rings', metal: 'none', description: 'x', quantity: 1, amount });

describe('allocateProportionally', () => {
  it('splits exactly the amount, never more than a line has left, never a negative share', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000_000_000 }), { minLength: 1, maxLength: 8 }).filter((r) => r.some((x) => x > 0)),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (remaining, fraction) => {
          const total = remaining.reduce((a, b) => a + b, 0);
          const amount = Math.floor(total * fraction);
          const lines = allocateProportionally(remaining, amount);
          expect(lines.reduce((sum, l) => sum + l.amount, 0)).toBe(amount);
          for (const l of lines) {
            expect(l.amount).toBeGreaterThan(0);
            expect(l.amount).toBeLessThanOrEqual(remaining[l.lineIndex]!);
          }
        },
      ),
    );
  });

  it('gives the odd cent to the line with the largest remainder, ties to the earlier line', () => {
    expect(allocateProportionally([100, 100, 100], 100)).toEqual([
      { lineIndex: 0, amount: 34 },
      { lineIndex: 1, amount: 33 },
      { lineIndex: 2, amount: 33 },
    ]);
  });
});

describe('planRefund', () => {
  const purchase = { lines: [line(1000), line(500)], refunds: [] };

  it('refuses more than what is left of the purchase', () => {
    expect(planRefund(purchase, { amount: 1501 })).toEqual({ ok: false, problem: 'exceeds_refundable', refundable: 1500, requested: 1501 });
  });

  it('refuses more than what is left of a line, naming the field', () => {
    expect(planRefund(purchase, { lines: [{ lineIndex: 1, amount: 501 }] })).toMatchObject({
      ok: false,
      problem: 'exceeds_line',
      path: 'body.lines[0].amount',
      refundable: 500,
    });
  });

  it('refuses an unknown or repeated line', () => {
    expect(planRefund(purchase, { lines: [{ lineIndex: 2, amount: 1 }] })).toMatchObject({ problem: 'unknown_line', path: 'body.lines[0].lineIndex' });
    expect(
      planRefund(purchase, { lines: [{ lineIndex: 0, amount: 1 }, { lineIndex: 0, amount: 1 }] }),
    ).toMatchObject({ problem: 'duplicate_line', path: 'body.lines[1].lineIndex' });
  });

  it('says a fully refunded purchase is fully refunded', () => {
    const refunded = {
      ...purchase,
      refunds: [{ refundId: 'r', amount: 1500, lines: [{ lineIndex: 0, amount: 1000 }, { lineIndex: 1, amount: 500 }], reason: 'x', refundedAt: '', recordedAt: '', recordedBy: '' }],
    };
    expect(netLineAmounts(refunded)).toEqual([0, 0]);
    expect(planRefund(refunded, { amount: 1 })).toEqual({ ok: false, problem: 'fully_refunded', refundable: 0 });
  });

  it('takes later refunds from what earlier ones left', () => {
    const first = planRefund(purchase, { lines: [{ lineIndex: 0, amount: 1000 }] });
    if (!first.ok) throw new Error('expected a plan');
    const after = { ...purchase, refunds: [{ refundId: 'r', amount: first.amount, lines: first.lines, reason: 'x', refundedAt: '', recordedAt: '', recordedBy: '' }] };
    expect(planRefund(after, { amount: 500 })).toEqual({ ok: true, amount: 500, lines: [{ lineIndex: 1, amount: 500 }] });
    expect(planRefund(after, { amount: 501 })).toMatchObject({ ok: false, problem: 'exceeds_refundable', refundable: 500 });
  });
});
