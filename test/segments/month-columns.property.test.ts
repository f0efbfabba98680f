/**
 * The month columns (shared/domain/segments/month-columns.ts) against the bucket objects they are built from, for
 * aggregates folded by the write path's own `applyPurchase`; and the book reader's wire decoding against unmarshalling
 * and shaping: both ways must give the same customer.
 */
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyAggregates, type CustomerAggregates, type Stat } from '../../shared/domain/customers/aggregates';
import { emptyConsentState } from '../../shared/domain/customers/consent';
import type { PurchaseFacts } from '../../shared/domain/records/purchase';
import { applyPurchase } from '../../shared/domain/records/purchase-aggregates';
import { bookCustomerFromItem, bookCustomerFromWire } from '../../shared/domain/segments/book-customer';
import {
  monthColumnsOf,
  monthColumnsOfWire,
  monthIndexOf,
  monthNumberOfKey,
  statKeyId,
  type MonthColumns,
  type StatKind,
  type WireValue,
} from '../../shared/domain/segments/month-columns';

const ZONES = ['Australia/Sydney', 'America/New_York', 'UTC'];
const DEPARTMENTS = ['watches', 'diamonds', 'pearls', 'repairs'];
const METALS = ['platinum', 'yellow_gold', 'silver'];

const purchaseArb: fc.Arbitrary<PurchaseFacts> = fc.record({
  purchasedAt: fc.integer({ min: Date.parse('2023-01-01'), max: Date.parse('2026-06-30') }).map((ms) => new Date(ms).toISOString()),
  lines: fc.array(
    fc.record({
      department: fc.constantFrom(...DEPARTMENTS),
      metal: fc.constantFrom(...METALS),
      description: fc.constant('item'),
      quantity: fc.constant(1),
      amount: fc.integer({ min: 100, max: 2_000_000 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  refunds: fc.constant([]),
});

const aggregatesArb = fc
  .tuple(fc.array(purchaseArb, { maxLength: 8 }), fc.constantFrom(...ZONES))
  .map(([purchases, zone]) => purchases.reduce((agg: CustomerAggregates, purchase) => applyPurchase(agg, purchase, zone), emptyAggregates()));

/** Month by month, what the columns hold: totals, and each stat by (kind, key). */
function readBack(columns: MonthColumns, month: number): { t: Stat | undefined; stats: Map<number, { c: number; s: number }> } {
  const index = monthIndexOf(columns, month);
  const stats = new Map<number, { c: number; s: number }>();
  if (index < 0) return { t: undefined, stats };
  for (let j = columns.entryStarts[index] as number; j < (columns.entryStarts[index + 1] as number); j += 1) {
    stats.set(columns.entryKeys[j] as number, { c: columns.entryCounts[j] as number, s: columns.entrySums[j] as number });
  }
  return { t: { c: columns.totalCounts[index] as number, s: columns.totalSums[index] as number, m: 0 }, stats };
}

describe('month columns', () => {
  it('hold every bucket of the aggregates, months ascending, totals and every stat', () => {
    fc.assert(
      fc.property(aggregatesArb, (agg) => {
        const columns = monthColumnsOf(agg.months);
        const keys = Object.keys(agg.months).sort();
        expect(columns.months).toEqual(keys.map(monthNumberOfKey));
        expect(columns.entryStarts).toHaveLength(keys.length + 1);
        for (const key of keys) {
          const bucket = agg.months[key]!;
          const { t, stats } = readBack(columns, monthNumberOfKey(key));
          expect(t).toMatchObject({ c: bucket.t.c, s: bucket.t.s });
          const expected = new Map<number, { c: number; s: number }>();
          for (const kind of ['d', 'm', 'dm'] as StatKind[]) {
            for (const [name, stat] of Object.entries(bucket[kind])) expected.set(statKeyId(kind, name), { c: stat.c, s: stat.s });
          }
          expect(stats).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('come out the same from the wire format as from the unmarshalled buckets', () => {
    fc.assert(
      fc.property(aggregatesArb, (agg) => {
        const wire = marshall({ months: agg.months }).months as WireValue;
        expect(monthColumnsOfWire(wire)).toEqual(monthColumnsOf(agg.months));
      }),
      { numRuns: 300 },
    );
  });

  it('are empty for no buckets, and a month not held is not found', () => {
    expect(monthColumnsOf(undefined)).toEqual(monthColumnsOfWire(undefined));
    expect(monthColumnsOf({}).months).toEqual([]);
    expect(monthIndexOf(monthColumnsOf({}), monthNumberOfKey('2025-01'))).toBe(-1);
    expect(monthNumberOfKey('2025-01')).toBe(2025 * 12);
    expect(monthNumberOfKey('1999-12')).toBe(1999 * 12 + 11);
  });
});

describe('bookCustomerFromWire', () => {
  it('gives the customer that unmarshalling and shaping give, whole or projected', () => {
    const itemArb = fc.record(
      {
        customerId: fc.string({ minLength: 1, maxLength: 8 }),
        firstName: fc.string(),
        tags: fc.array(fc.constantFrom('vip', 'bridal')),
        email: fc.constantFrom('a@example.com', undefined),
        consent: fc.constant(emptyConsentState()),
        agg: aggregatesArb,
        erased: fc.boolean(),
      },
      { requiredKeys: ['customerId'] },
    );
    fc.assert(
      fc.property(itemArb, (item) => {
        const wire = marshall(item, { removeUndefinedValues: true });
        expect(bookCustomerFromWire(wire)).toEqual(bookCustomerFromItem(unmarshall(wire)));
      }),
      { numRuns: 300 },
    );
  });
});
