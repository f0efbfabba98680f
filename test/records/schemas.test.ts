import { describe, expect, it } from 'vitest';
import { laybyCreateSchema, purchaseCreateSchema, refundCreateSchema } from '../../shared/domain/records/schemas';

const paths = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  (result.error?.issues ?? []).map((issue) => issue.path.join('.'));

describe('record schemas', () => {
  it('normalises a purchase: departments, metals, defaults and the instant in UTC', () => {
    const parsed = purchaseCreateSchema.parse({
      purchasedAt: '2024-06-01T10:00:00+10:00',
      lines: [{ department: 'Wedding Bands', metal: 'Rose Gold', amount: 100 }],
    });
    expect(parsed.purchasedAt).toBe('2024-06-01T00:00:00.000Z');
    expect(parsed.lines[0]).toEqual({ department: 'wedding_bands', metal: 'rose_gold', description: '', quantity: 1, amount: 100 });
  });

  it('refuses a purchase in the future, of nothing, or with fractional cents', () => {
    const future = new Date(Date.now() + 3 * 86_400_000).toISOString();
    expect(paths(purchaseCreateSchema.safeParse({ purchasedAt: future, lines: [{ department: 'rings', amount: 1 }] }))).toEqual(['purchasedAt']);
    expect(paths(purchaseCreateSchema.safeParse({ lines: [{ department: 'rings', amount: 0 }] }))).toEqual(['lines']);
    expect(paths(purchaseCreateSchema.safeParse({ lines: [{ department: 'rings', amount: 9.99 }] }))).toEqual(['lines.0.amount']);
  });

  it('takes a refund as an amount or as lines, not both and not neither', () => {
    expect(refundCreateSchema.safeParse({ amount: 5, reason: 'x' }).success).toBe(true);
    expect(refundCreateSchema.safeParse({ lines: [{ lineIndex: 0, amount: 5 }], reason: 'x' }).success).toBe(true);
    expect(paths(refundCreateSchema.safeParse({ reason: 'x' }))).toEqual(['amount']);
    expect(paths(refundCreateSchema.safeParse({ amount: 5, lines: [{ lineIndex: 0, amount: 5 }], reason: 'x' }))).toEqual(['amount']);
  });

  it('checks a lay-by total against its items and the deposit against the total', () => {
    const ok = laybyCreateSchema.parse({ items: [{ description: 'Ring', amount: 1_000 }], deposit: 200, dueDate: '2030-01-01' });
    expect(ok.deposit).toBe(200);
    expect(laybyCreateSchema.parse({ items: [{ description: 'Ring', amount: 1_000 }], dueDate: '2030-01-01' }).deposit).toBe(0);
    expect(
      paths(laybyCreateSchema.safeParse({ items: [{ description: 'Ring', amount: 1_000 }], total: 999, deposit: 1_001, dueDate: '2030-01-01' })).sort(),
    ).toEqual(['deposit', 'total']);
  });
});
