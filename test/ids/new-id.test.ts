import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { newId } from '../../shared/ids';

describe('newId', () => {
  it('sorts by creation order, even for ids made in one millisecond', () => {
    const at = Date.UTC(2026, 10, 23, 9, 0, 0);
    const ids = Array.from({ length: 500 }, () => newId(at));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('sorts by time first: an id of a later millisecond sorts after every id of an earlier one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 47 }), fc.integer({ min: 1, max: 1_000_000 }), (earlier, gap) => {
        const first = newId(earlier);
        const second = newId(earlier + gap);
        expect(first < second).toBe(true);
        expect(first).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
      }),
    );
  });
});
