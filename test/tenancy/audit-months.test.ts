import { describe, expect, it } from 'vitest';
import { auditMonthsNewestFirst, auditRange } from '../../shared/domain/tenants/audit-months';

describe('audit partitions for a range', () => {
  it('lists months newest first across a year boundary', () => {
    expect(auditMonthsNewestFirst('2024-11-15T00:00:00.000Z', '2025-02-01T00:00:00.000Z')).toEqual([
      '2025-02',
      '2025-01',
      '2024-12',
      '2024-11',
    ]);
    expect(auditMonthsNewestFirst('2025-03-01T00:00:00.000Z', '2025-03-31T23:59:59.999Z')).toEqual(['2025-03']);
  });

  it('defaults to the last 90 days and makes dates whole UTC days', () => {
    const now = new Date('2025-06-30T12:00:00.000Z');
    expect(auditRange(undefined, undefined, now)).toEqual({ from: '2025-04-01T12:00:00.000Z', to: '2025-06-30T12:00:00.000Z' });
    expect(auditRange('2025-01-01', '2025-01-31', now)).toEqual({ from: '2025-01-01T00:00:00.000Z', to: '2025-01-31T23:59:59.999Z' });
    expect(auditRange('2025-01-01T10:00:00+10:00', undefined, now)).toMatchObject({ from: '2025-01-01T00:00:00.000Z' });
  });

  it('refuses inverted and overlong ranges', () => {
    const now = new Date('2025-06-30T12:00:00.000Z');
    expect(auditRange('2025-02-01', '2025-01-01', now)).toHaveProperty('error');
    expect(auditRange('2020-01-01', '2025-01-01', now)).toHaveProperty('error');
  });
});
