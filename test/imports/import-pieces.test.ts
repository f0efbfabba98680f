import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instant, money, monthDay, consentStatus, list } from '../../shared/domain/imports/cells';
import { chunkUnits, splitBySize, unitBytes } from '../../shared/domain/imports/chunking';
import { canonicalJson, importFingerprint } from '../../shared/domain/imports/fingerprint';
import { summariseImport, type ChunkProgress } from '../../shared/domain/imports/import-status';
import { repairPath } from '../../shared/domain/imports/import-targets';
import type { ImportUnit } from '../../shared/domain/imports/import-kinds';

const aud = { timeZone: 'Australia/Sydney', currency: 'AUD' };

describe('cell readers', () => {
  it('reads prices in the currency into minor units', () => {
    expect(money('1250', aud)).toEqual({ value: 125000 });
    expect(money(' $1,250.5 ', aud)).toEqual({ value: 125050 });
    expect(money('0.07', aud)).toEqual({ value: 7 });
    expect(money('1250', { ...aud, currency: 'JPY' })).toEqual({ value: 1250 });
    expect(money('12.345', aud)).toEqual({ error: 'Use at most 2 decimals for AUD' });
    expect(money('twelve', aud)).toHaveProperty('error');
  });

  it('reads a bare date as midday in the tenant zone, a local time in that zone, and keeps explicit offsets', () => {
    expect(instant('2024-07-01', aud)).toEqual({ value: '2024-07-01T02:00:00.000Z' });
    expect(instant('2024-01-01 09:30', aud)).toEqual({ value: '2023-12-31T22:30:00.000Z' });
    expect(instant('2024-01-01T09:30:00+02:00', aud)).toEqual({ value: '2024-01-01T09:30:00+02:00' });
    expect(instant('2024-02-30', aud)).toHaveProperty('error');
    expect(instant('soon', aud)).toHaveProperty('error');
  });

  it('reads month-days with and without a year, consent words and lists', () => {
    expect(monthDay('02-29', aud)).toEqual({ value: { month: 2, day: 29 } });
    expect(monthDay('1990-2-3', aud)).toEqual({ value: { year: 1990, month: 2, day: 3 } });
    expect(monthDay('3 Feb', aud)).toHaveProperty('error');
    expect(consentStatus('Yes', aud)).toEqual({ value: 'granted' });
    expect(consentStatus('withdrawn', aud)).toEqual({ value: 'withdrawn' });
    expect(consentStatus('maybe', aud)).toHaveProperty('error');
    expect(list(' a ;b| |c', aud)).toEqual({ value: ['a', 'b', 'c'] });
  });

  it('round-trips any amount in cents written with two decimals (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), (cents) => {
        const text = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
        expect(money(text, aud)).toEqual({ value: cents });
      }),
    );
  });
});

describe('chunking', () => {
  const unit = (row: number, size = 10): ImportUnit => ({ row, record: { notes: 'x'.repeat(size) } });

  it('cuts units into chunks of at most the chunk size, in order', () => {
    const chunks = chunkUnits(Array.from({ length: 450 }, (_, i) => unit(i + 2)));
    expect(chunks.map((c) => c.length)).toEqual([200, 200, 50]);
    expect(chunks.flat().map((u) => u.row)).toEqual(Array.from({ length: 450 }, (_, i) => i + 2));
  });

  it('splits a chunk into parts under the byte limit without losing or reordering units (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 60 }), (sizes) => {
        const units = sizes.map((size, i) => unit(i + 1, size));
        const limit = 12_000;
        const parts = splitBySize(units, limit);
        expect(parts.flat()).toEqual(units);
        for (const part of parts) {
          if (part.length > 1) expect(Buffer.byteLength(JSON.stringify(part))).toBeLessThanOrEqual(limit);
        }
        expect(parts.every((part) => part.length > 0)).toBe(true);
        expect(unitBytes(units[0]!)).toBe(Buffer.byteLength(JSON.stringify(units[0])));
      }),
    );
  });
});

describe('fingerprints', () => {
  it('do not depend on key order, and differ by tenant and content', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined, e: null }] })).toBe('{"a":[{"d":2,"e":null}],"b":1}');
    const record = { lastName: 'X', tags: ['a'] };
    expect(importFingerprint('t1', 'customers', record)).toBe(importFingerprint('t1', 'customers', { tags: ['a'], lastName: 'X' }));
    expect(importFingerprint('t1', 'customers', record)).not.toBe(importFingerprint('t2', 'customers', record));
    expect(importFingerprint('t1', 'customers', record)).not.toBe(importFingerprint('t1', 'customers', { ...record, tags: ['b'] }));
  });
});

describe('import status', () => {
  const chunk = (state: ChunkProgress['state'], counters: Partial<ChunkProgress> = {}): ChunkProgress => ({
    chunk: 0,
    rows: 10,
    state,
    processed: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    failed: 0,
    ...counters,
  });
  const job = { totalRows: 20, chunkCount: 2 };

  it('goes queued → processing → completed, summing the chunk counters', () => {
    expect(summariseImport(job, [chunk('queued'), chunk('queued')]).status).toBe('queued');
    expect(summariseImport(job, [chunk('processing', { processed: 3, created: 3 }), chunk('queued')])).toMatchObject({
      status: 'processing',
      totals: { rows: 20, processed: 3, created: 3 },
    });
    expect(
      summariseImport(job, [chunk('done', { processed: 10, created: 7, unchanged: 3 }), chunk('done', { processed: 10, updated: 10 })]),
    ).toEqual({
      status: 'completed',
      totals: { rows: 20, processed: 20, created: 7, updated: 10, unchanged: 3, failed: 0 },
      chunksDone: 2,
    });
  });

  it('completes with errors when rows were refused, and fails when a chunk could not be processed', () => {
    expect(summariseImport(job, [chunk('done', { processed: 10, failed: 1 }), chunk('done', { processed: 10 })]).status).toBe(
      'completed_with_errors',
    );
    expect(summariseImport(job, [chunk('failed'), chunk('processing')]).status).toBe('processing');
    expect(summariseImport(job, [chunk('failed'), chunk('done')]).status).toBe('failed');
    expect(summariseImport({ ...job, enqueueFailed: true }, [chunk('queued'), chunk('queued')]).status).toBe('failed');
  });
});

describe('repair paths', () => {
  it('walks the workshop transitions to the imported status, and knows when there is no way', () => {
    expect(repairPath('received', 'collected')).toEqual(['in_progress', 'ready', 'collected']);
    expect(repairPath('received', 'cancelled')).toEqual(['cancelled']);
    expect(repairPath('ready', 'ready')).toEqual([]);
    expect(repairPath('collected', 'ready')).toBeUndefined();
  });
});
