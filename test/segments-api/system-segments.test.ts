import { describe, expect, it } from 'vitest';
import { majorToMinor, SYSTEM_SEGMENT_IDS, systemSegment, systemSegments } from '../../shared/domain/segments/system-segments';
import { truncateDeepJson } from '../../shared/api/segments/contract';
import { validateRule } from '../../shared/domain/segments/validate-rule';

describe('system segments', () => {
  it('are the eight the product promises, with stable ids and valid rules', () => {
    expect(SYSTEM_SEGMENT_IDS).toEqual([
      'sys_vip',
      'sys_new',
      'sys_lapsed',
      'sys_active_repairs',
      'sys_high_value',
      'sys_birthday_this_month',
      'sys_anniversary_this_month',
      'sys_layby_overdue',
    ]);
    for (const segment of systemSegments('AUD')) expect(validateRule(segment.rule)).toEqual({ ok: true, rule: segment.rule });
    expect(systemSegment('sys_vip', 'AUD')?.rule).toEqual({ type: 'vip', percent: 10 });
    expect(systemSegment('sys_lapsed', 'AUD')?.rule).toEqual({ type: 'lapsed', months: 6 });
    expect(systemSegment('sys_nope', 'AUD')).toBeUndefined();
  });

  it('put "high value" at 5,000 in the tenant currency, in its minor units', () => {
    expect(systemSegment('sys_high_value', 'AUD')?.rule).toEqual({ type: 'high_value', amount: 500_000 });
    expect(systemSegment('sys_high_value', 'JPY')?.rule).toEqual({ type: 'high_value', amount: 5_000 });
    expect(majorToMinor(5_000, 'BHD')).toBe(5_000_000);
  });
});

describe('truncateDeepJson (the rule field before validation)', () => {
  it('leaves rules of any accepted depth alone and cuts absurd nesting', () => {
    const rule = { and: [{ or: [{ not: { type: 'purchases', during: { from: '2024-01-01' } } }] }] };
    expect(truncateDeepJson(rule)).toEqual(rule);
    let deep: unknown = { type: 'vip' };
    for (let i = 0; i < 50_000; i += 1) deep = { not: deep };
    const cut = truncateDeepJson(deep, 10);
    expect(JSON.stringify(cut)).toBe(`${'{"not":'.repeat(10)}null${'}'.repeat(10)}`);
  });
});
