import { describe, expect, it } from 'vitest';
import { scrubFreeText } from '../../shared/domain/customers/erasure';

describe('scrubFreeText', () => {
  it('blanks free text at any depth and keeps amounts, ids and dates', () => {
    const purchase = {
      purchaseId: 'P1',
      purchasedAt: '2026-01-01T00:00:00.000Z',
      lines: [{ department: 'rings', metal: 'platinum', description: 'Engraved "Anna, forever"', amount: 100_000 }],
      refunds: [{ refundId: 'R1', amount: 10, reason: 'Anna changed her mind', lines: [{ lineIndex: 0, amount: 10 }] }],
      total: 100_000,
    };
    const clean = scrubFreeText(purchase);
    expect(clean).toEqual({
      ...purchase,
      lines: [{ ...purchase.lines[0], description: '' }],
      refunds: [{ ...purchase.refunds[0], reason: '' }],
    });
    expect(purchase.lines[0]!.description).toContain('Anna');
  });

  it('drops contact objects a record may have copied', () => {
    expect(scrubFreeText({ id: 'M1', to: 'a@example.com', address: { line1: '1 High St' }, status: 'sent' })).toEqual({
      id: 'M1',
      to: '',
      status: 'sent',
    });
  });

  it('returns the same object when there is nothing to blank', () => {
    const record = { repairId: 'R1', status: 'ready', history: [{ status: 'ready', at: 'x' }] };
    expect(scrubFreeText(record)).toBe(record);
  });
});
