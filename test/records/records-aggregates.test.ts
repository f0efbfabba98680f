import { describe, expect, it } from 'vitest';
import { emptyAggregates } from '../../shared/domain/customers/aggregates';
import { aggregatesFromRecords } from '../../shared/domain/records/records-aggregates';

describe('aggregatesFromRecords', () => {
  it('is the empty aggregates for a customer without records', () => {
    expect(aggregatesFromRecords({}, 'UTC', new Date())).toEqual(emptyAggregates());
  });

  it('fills every part from its records', () => {
    const agg = aggregatesFromRecords(
      {
        purchases: [{ purchasedAt: '2024-01-05T00:00:00.000Z', refunds: [], lines: [{ department: 'watches', metal: 'none', description: '', quantity: 1, amount: 500 }] }],
        repairs: [{ status: 'ready' }, { status: 'collected' }],
        laybys: [{ dueDate: '2024-03-01', balance: 700 }],
        appointments: [{ startsAt: '2024-02-01T00:00:00.000Z', status: 'scheduled' }],
      },
      'UTC',
      new Date('2024-01-10T00:00:00.000Z'),
    );
    expect(agg).toMatchObject({
      totalSpent: 500,
      purchaseCount: 1,
      openLaybys: 1,
      outstandingBalance: 700,
      laybyEarliestDue: '2024-03-01',
      nextAppointmentAt: '2024-02-01T00:00:00.000Z',
      repairs: { received: 0, in_progress: 0, ready: 1, collected: 1, cancelled: 0 },
    });
    expect(Object.keys(agg.months)).toEqual(['2024-01']);
  });
});
