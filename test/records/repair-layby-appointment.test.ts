import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  activeRepairCount,
  aggregatesOf,
  emptyAggregates,
  hasOverdueLayby,
  nextAppointmentAfter,
  REPAIR_STATUSES,
} from '../../shared/domain/customers/aggregates';
import { appointmentAggregates } from '../../shared/domain/records/appointment';
import { isLaybyOverdue, laybyAggregates, todayIn } from '../../shared/domain/records/layby';
import { canTransitionRepair, isFinalRepairStatus, repairCounts } from '../../shared/domain/records/repair';

describe('repair transitions', () => {
  it('follows received → in_progress → ready → collected', () => {
    expect(canTransitionRepair('received', 'in_progress')).toBe(true);
    expect(canTransitionRepair('in_progress', 'ready')).toBe(true);
    expect(canTransitionRepair('ready', 'collected')).toBe(true);
  });

  it('refuses skipping, going back, repeating and leaving a final state', () => {
    expect(canTransitionRepair('received', 'ready')).toBe(false);
    expect(canTransitionRepair('ready', 'in_progress')).toBe(false);
    expect(canTransitionRepair('ready', 'ready')).toBe(false);
    expect(canTransitionRepair('collected', 'cancelled')).toBe(false);
    expect(canTransitionRepair('cancelled', 'received')).toBe(false);
  });

  it('allows cancelling exactly from the states that are not final', () => {
    for (const status of REPAIR_STATUSES) {
      expect(canTransitionRepair(status, 'cancelled')).toBe(!isFinalRepairStatus(status));
    }
  });

  it('counts repairs by status, and the counts add up to the number of repairs', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...REPAIR_STATUSES)), (statuses) => {
        const counts = repairCounts(statuses.map((status) => ({ status })));
        expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(statuses.length);
        expect(counts.ready).toBe(statuses.filter((s) => s === 'ready').length);
        expect(activeRepairCount({ repairs: counts })).toBe(statuses.filter((s) => s === 'received' || s === 'in_progress' || s === 'ready').length);
      }),
    );
  });
});

describe('lay-bys', () => {
  it('keeps the earliest due date, the open count and the outstanding balance of unpaid lay-bys only', () => {
    expect(
      laybyAggregates([
        { dueDate: '2024-09-01', balance: 500 },
        { dueDate: '2024-06-01', balance: 0 },
        { dueDate: '2024-07-15', balance: 250 },
      ]),
    ).toEqual({ laybyEarliestDue: '2024-07-15', openLaybys: 2, outstandingBalance: 750 });
    expect(laybyAggregates([])).toEqual({ laybyEarliestDue: null, openLaybys: 0, outstandingBalance: 0 });
  });

  it('is overdue from the day after the due date in the tenant time zone, and only while something is owed', () => {
    expect(isLaybyOverdue({ dueDate: '2024-07-15', balance: 1 }, '2024-07-15')).toBe(false);
    expect(isLaybyOverdue({ dueDate: '2024-07-15', balance: 1 }, '2024-07-16')).toBe(true);
    expect(isLaybyOverdue({ dueDate: '2024-07-15', balance: 0 }, '2024-08-01')).toBe(false);
    expect(hasOverdueLayby({ laybyEarliestDue: '2024-07-15' }, '2024-07-16')).toBe(true);
    expect(hasOverdueLayby({ laybyEarliestDue: null }, '2024-07-16')).toBe(false);
  });

  it("takes today from the tenant's time zone", () => {
    const instant = new Date('2024-07-15T15:00:00.000Z');
    expect(todayIn('Australia/Sydney', instant)).toBe('2024-07-16');
    expect(todayIn('America/Los_Angeles', instant)).toBe('2024-07-15');
  });
});

describe('appointments', () => {
  const now = new Date('2024-07-15T00:00:00.000Z');

  it('keeps the scheduled appointments after now, soonest first', () => {
    const agg = appointmentAggregates(
      [
        { startsAt: '2024-07-20T00:00:00.000Z', status: 'scheduled' },
        { startsAt: '2024-07-16T00:00:00.000Z', status: 'cancelled' },
        { startsAt: '2024-07-14T00:00:00.000Z', status: 'scheduled' },
        { startsAt: '2024-07-17T00:00:00.000Z', status: 'scheduled' },
      ],
      now,
    );
    expect(agg).toEqual({ nextAppointmentAt: '2024-07-17T00:00:00.000Z', upcomingAppointments: ['2024-07-17T00:00:00.000Z', '2024-07-20T00:00:00.000Z'] });
  });

  it('answers "next appointment" at read time, after the stored next one has passed', () => {
    const agg = { ...emptyAggregates(), ...appointmentAggregates([
      { startsAt: '2024-07-17T00:00:00.000Z', status: 'scheduled' },
      { startsAt: '2024-07-20T00:00:00.000Z', status: 'scheduled' },
    ], now) };
    expect(nextAppointmentAfter(agg, now)).toBe('2024-07-17T00:00:00.000Z');
    expect(nextAppointmentAfter(agg, new Date('2024-07-18T00:00:00.000Z'))).toBe('2024-07-20T00:00:00.000Z');
    expect(nextAppointmentAfter(agg, new Date('2024-07-21T00:00:00.000Z'))).toBeNull();
  });

  it('reads items written before a field existed with its default', () => {
    const agg = aggregatesOf({ totalSpent: 5, nextAppointmentAt: '2024-07-17T00:00:00.000Z', repairs: { ready: 1 } as never });
    expect(agg.repairs).toEqual({ received: 0, in_progress: 0, ready: 1, collected: 0, cancelled: 0 });
    expect(agg.upcomingAppointments).toEqual([]);
  });
});
