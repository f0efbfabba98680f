import { describe, expect, it } from 'vitest';
import { isStillValid, reactToEvent, stillValid, POST_PURCHASE_VALID_DAYS } from '../../shared/domain/automations/event-triggers';
import { addDays, localHourInstant } from '../../shared/domain/automations/local-time';
import { dueOccurrences } from '../../shared/domain/automations/occurrences';
import { recordToReread } from '../../shared/domain/automations/still-valid';
import { aggregatesOf } from '../../shared/domain/customers/aggregates';
import type { DomainEvent } from '../../shared/events/domain-events';
import { automation, bookCustomer, clock, days, iso, localAt } from './support/fixtures';

const SYDNEY = 'Australia/Sydney';
const tenant = clock(SYDNEY);
const base = { eventId: 'E1', tenantId: 'T1', customerId: 'C1', source: 'api' as const };

/** The event member whose `type` admits T (appointment events share one member with a union of types). */
type EventOf<T extends DomainEvent['type']> = DomainEvent extends infer E ? (E extends { type: infer U } ? (T extends U ? Omit<E, 'type'> & { type: T } : never) : never) : never;
const event = <T extends DomainEvent['type']>(e: Omit<EventOf<T>, keyof typeof base> & Partial<typeof base>): DomainEvent =>
  ({ ...base, ...e }) as DomainEvent;

describe('repair_ready', () => {
  const repairReady = automation({ type: 'repair_ready', name: 'Ready', timing: { reminderEveryDays: 7, maxReminders: 2 } });
  const ready = event<'repair.status_changed'>({
    type: 'repair.status_changed',
    occurredAt: '2026-05-04T06:30:00.000Z', // 16:30 in Sydney
    repairId: 'R1',
    from: 'in_progress',
    to: 'ready',
  });

  it('schedules the notice at once, then reminders every N days at the send hour, each valid until the next', () => {
    const { schedule, cancel } = reactToEvent(repairReady, ready, tenant);
    expect(cancel).toEqual([]);
    expect(schedule.map((o) => [o.occurrenceKey, o.dueAt, o.validUntil])).toEqual([
      ['A1/C1/repair/R1/0', '2026-05-04T06:30:00.000Z', localAt('2026-05-11', 10, SYDNEY)],
      ['A1/C1/repair/R1/1', localAt('2026-05-11', 10, SYDNEY), localAt('2026-05-18', 10, SYDNEY)],
      ['A1/C1/repair/R1/2', localAt('2026-05-18', 10, SYDNEY), localAt('2026-05-25', 10, SYDNEY)],
    ]);
    expect(schedule[0]?.subject).toEqual({ kind: 'repair', repairId: 'R1', reminder: 0 });
  });

  it('two repairs, two notices: keyed by the repair job', () => {
    const other = { ...ready, repairId: 'R2' } as DomainEvent;
    const keys = [...reactToEvent(repairReady, ready, tenant).schedule, ...reactToEvent(repairReady, other, tenant).schedule].map((o) => o.occurrenceKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('a replayed event yields exactly the same occurrences (the claim then stops a second message)', () => {
    expect(reactToEvent(repairReady, { ...ready, eventId: 'E2' } as DomainEvent, tenant)).toEqual(reactToEvent(repairReady, ready, tenant));
  });

  it('collecting or cancelling the repair cancels its notice and reminders', () => {
    const collected = event<'repair.status_changed'>({ type: 'repair.status_changed', occurredAt: '2026-05-06T00:00:00.000Z', repairId: 'R1', from: 'ready', to: 'collected' });
    const scheduled = reactToEvent(repairReady, ready, tenant).schedule.map((o) => o.occurrenceKey);
    expect(reactToEvent(repairReady, collected, tenant)).toEqual({ schedule: [], cancel: scheduled });
  });

  it('ignores other status changes', () => {
    const started = event<'repair.status_changed'>({ type: 'repair.status_changed', occurredAt: '2026-05-06T00:00:00.000Z', repairId: 'R1', from: 'received', to: 'in_progress' });
    expect(reactToEvent(repairReady, started, tenant)).toEqual({ schedule: [], cancel: [] });
  });

  it('the sender drops a reminder once the repair is collected', () => {
    const [notice] = reactToEvent(repairReady, ready, tenant).schedule;
    expect(recordToReread(notice!)).toEqual({ kind: 'repair', id: 'R1' });
    expect(isStillValid(notice!, { kind: 'repair', record: { repairId: 'R1', status: 'ready' } }, SYDNEY)).toBe(true);
    expect(stillValid(notice!, { kind: 'repair', record: { repairId: 'R1', status: 'collected' } }, SYDNEY)).toBe('repair_not_ready');
    expect(stillValid(notice!, { kind: 'repair', record: undefined }, SYDNEY)).toBe('record_missing');
  });
});

describe('post_purchase', () => {
  const purchase = (purchasedAt: string, departments: string[], occurredAt = purchasedAt) =>
    event<'purchase.recorded'>({ type: 'purchase.recorded', occurredAt, purchaseId: 'P1', purchasedAt, amount: 100_00, departments });

  it('N days after the purchase day at the send hour, keyed by the purchase', () => {
    const care = automation({ type: 'post_purchase', name: 'Care' });
    const [found] = reactToEvent(care, purchase('2026-05-04T06:30:00.000Z', ['rings']), tenant).schedule;
    expect(found).toMatchObject({
      occurrenceKey: 'A1/C1/purchase/P1',
      dueAt: localAt('2026-05-07', 10, SYDNEY),
      dueDate: '2026-05-07',
      validUntil: iso(localHourInstant(addDays('2026-05-07', POST_PURCHASE_VALID_DAYS), 0, SYDNEY)),
    });
  });

  it('only for purchases with a line in one of its departments', () => {
    const pearls = automation({ type: 'post_purchase', name: 'Pearl care', timing: { departments: ['Pearls'] } });
    expect(reactToEvent(pearls, purchase('2026-05-04T06:30:00.000Z', ['rings']), tenant).schedule).toEqual([]);
    expect(reactToEvent(pearls, purchase('2026-05-04T06:30:00.000Z', ['rings', 'pearls']), tenant).schedule).toHaveLength(1);
  });

  it('never before the purchase itself (0 days after, bought after the send hour: at once)', () => {
    const sameDay = automation({ type: 'post_purchase', name: 'Thanks', timing: { daysAfter: 0 } });
    const [found] = reactToEvent(sameDay, purchase('2026-05-04T06:30:00.000Z', ['rings']), tenant).schedule;
    expect(found?.dueAt).toBe('2026-05-04T06:30:00.000Z');
  });

  it('an insurance valuation reminder 11 months later', () => {
    const valuation = automation({ type: 'post_purchase', name: 'Valuation', timing: { daysAfter: 335, departments: ['engagement rings'] } });
    const [found] = reactToEvent(valuation, purchase('2026-05-04T06:30:00.000Z', ['engagement_rings']), tenant).schedule;
    expect(found?.dueDate).toBe('2027-04-04');
  });

  it('no mail for a sale recorded long after the fact, nor for one due before the automation was switched on', () => {
    const care = automation({ type: 'post_purchase', name: 'Care' }, { enabledAt: '2026-05-01T00:00:00.000Z' });
    expect(reactToEvent(care, purchase('2019-03-01T01:00:00.000Z', ['rings'], '2026-05-04T00:00:00.000Z'), tenant).schedule).toEqual([]);
    // Bought on 25 April, due 28 April: before the day it was switched on (1 May, Sydney).
    expect(reactToEvent(care, purchase('2026-04-25T01:00:00.000Z', ['rings'], '2026-05-04T00:00:00.000Z'), tenant).schedule).toEqual([]);
    // Bought on 29 April, due 2 May: fires (late, at once) although recorded after the due moment.
    expect(reactToEvent(care, purchase('2026-04-29T01:00:00.000Z', ['rings'], '2026-05-04T00:00:00.000Z'), tenant).schedule).toHaveLength(1);
  });

  it('the sender drops it once the purchase is fully refunded', () => {
    const care = automation({ type: 'post_purchase', name: 'Care' });
    const [found] = reactToEvent(care, purchase('2026-05-04T06:30:00.000Z', ['rings']), tenant).schedule;
    expect(stillValid(found!, { kind: 'purchase', record: { purchaseId: 'P1', total: 100_00, refundedTotal: 40_00 } }, SYDNEY)).toBeUndefined();
    expect(stillValid(found!, { kind: 'purchase', record: { purchaseId: 'P1', total: 100_00, refundedTotal: 100_00 } }, SYDNEY)).toBe('purchase_refunded');
  });
});

describe('appointment_reminder', () => {
  const reminders = automation({ type: 'appointment_reminder', name: 'Reminder' });
  const created = (startsAt: string, occurredAt: string) =>
    event<'appointment.created'>({ type: 'appointment.created', occurredAt, appointmentId: 'AP1', startsAt });

  it('24 h and 1 h before, valid until the start; the start instant is in the key', () => {
    const { schedule } = reactToEvent(reminders, created('2026-05-10T00:00:00.000Z', '2026-05-01T00:00:00.000Z'), tenant);
    expect(schedule.map((o) => [o.occurrenceKey, o.dueAt, o.validUntil])).toEqual([
      ['A1/C1/appointment/AP1/2026-05-10T00:00:00.000Z/1440', '2026-05-09T00:00:00.000Z', '2026-05-10T00:00:00.000Z'],
      ['A1/C1/appointment/AP1/2026-05-10T00:00:00.000Z/60', '2026-05-09T23:00:00.000Z', '2026-05-10T00:00:00.000Z'],
    ]);
  });

  it('the same start written differently is the same key', () => {
    const a = reactToEvent(reminders, created('2026-05-10T10:00:00+10:00', '2026-05-01T00:00:00.000Z'), tenant).schedule;
    const b = reactToEvent(reminders, created('2026-05-10T00:00:00.000Z', '2026-05-01T00:00:00.000Z'), tenant).schedule;
    expect(a.map((o) => o.occurrenceKey)).toEqual(b.map((o) => o.occurrenceKey));
  });

  it('booked for this afternoon: no "tomorrow" reminder, only the 1 h one', () => {
    const { schedule } = reactToEvent(reminders, created('2026-05-10T05:00:00.000Z', '2026-05-10T01:00:00.000Z'), tenant);
    expect(schedule.map((o) => o.subject)).toEqual([{ kind: 'appointment', appointmentId: 'AP1', startsAt: '2026-05-10T05:00:00.000Z', minutesBefore: 60 }]);
  });

  it('moving it cancels the old reminders and schedules new ones under new keys', () => {
    const original = reactToEvent(reminders, created('2026-05-10T00:00:00.000Z', '2026-05-01T00:00:00.000Z'), tenant).schedule;
    const moved = event<'appointment.moved'>({
      type: 'appointment.moved',
      occurredAt: '2026-05-02T00:00:00.000Z',
      appointmentId: 'AP1',
      startsAt: '2026-05-12T03:00:00.000Z',
      previousStartsAt: '2026-05-10T00:00:00.000Z',
    });
    const { schedule, cancel } = reactToEvent(reminders, moved, tenant);
    expect(cancel).toEqual(original.map((o) => o.occurrenceKey));
    expect(schedule.map((o) => o.dueAt)).toEqual(['2026-05-11T03:00:00.000Z', '2026-05-12T02:00:00.000Z']);
    expect(schedule.some((o) => cancel.includes(o.occurrenceKey))).toBe(false);
    // A reminder of the old time that fires anyway (a racing schedule) is dropped by the sender.
    expect(stillValid(original[0]!, { kind: 'appointment', record: { appointmentId: 'AP1', status: 'scheduled', startsAt: '2026-05-12T03:00:00.000Z' } }, SYDNEY)).toBe('appointment_moved');
    expect(stillValid(schedule[0]!, { kind: 'appointment', record: { appointmentId: 'AP1', status: 'scheduled', startsAt: '2026-05-12T13:00:00+10:00' } }, SYDNEY)).toBeUndefined();
  });

  it('cancelling it cancels its reminders, and the sender drops any that fire', () => {
    const original = reactToEvent(reminders, created('2026-05-10T00:00:00.000Z', '2026-05-01T00:00:00.000Z'), tenant).schedule;
    const cancelled = event<'appointment.cancelled'>({ type: 'appointment.cancelled', occurredAt: '2026-05-02T00:00:00.000Z', appointmentId: 'AP1', startsAt: '2026-05-10T00:00:00.000Z' });
    expect(reactToEvent(reminders, cancelled, tenant)).toEqual({ schedule: [], cancel: original.map((o) => o.occurrenceKey) });
    expect(stillValid(original[1]!, { kind: 'appointment', record: { appointmentId: 'AP1', status: 'cancelled', startsAt: '2026-05-10T00:00:00.000Z' } }, SYDNEY)).toBe('appointment_cancelled');
  });

  it('an automation switched off schedules nothing but still cancels', () => {
    const off = { ...reminders, enabled: false };
    expect(reactToEvent(off, created('2026-05-10T00:00:00.000Z', '2026-05-01T00:00:00.000Z'), tenant).schedule).toEqual([]);
    const cancelled = event<'appointment.cancelled'>({ type: 'appointment.cancelled', occurredAt: '2026-05-02T00:00:00.000Z', appointmentId: 'AP1', startsAt: '2026-05-10T00:00:00.000Z' });
    expect(reactToEvent(off, cancelled, tenant).cancel).toHaveLength(2);
  });
});

describe('layby_overdue', () => {
  const overdue = automation({ type: 'layby_overdue', name: 'Lay-by', timing: { everyDays: 14, maxReminders: 2 } });
  const created = event<'layby.created'>({ type: 'layby.created', occurredAt: '2026-03-01T00:00:00.000Z', laybyId: 'L1', dueDate: '2026-04-30' });

  it('the first overdue day (the day after the due date), then every N days, each valid until the next', () => {
    const { schedule } = reactToEvent(overdue, created, tenant);
    expect(schedule.map((o) => [o.occurrenceKey, o.dueDate, o.validUntil])).toEqual([
      ['A1/C1/layby/L1/0', '2026-05-01', localAt('2026-05-15', 10, SYDNEY)],
      ['A1/C1/layby/L1/1', '2026-05-15', localAt('2026-05-29', 10, SYDNEY)],
      ['A1/C1/layby/L1/2', '2026-05-29', localAt('2026-06-12', 10, SYDNEY)],
    ]);
  });

  it('paying it off cancels them; a part payment does not', () => {
    const keys = reactToEvent(overdue, created, tenant).schedule.map((o) => o.occurrenceKey);
    const paid = (balance: number) =>
      event<'layby.paid'>({ type: 'layby.paid', occurredAt: '2026-05-03T00:00:00.000Z', laybyId: 'L1', paymentId: 'PM1', amount: 50_00, balance });
    expect(reactToEvent(overdue, paid(0), tenant)).toEqual({ schedule: [], cancel: keys });
    expect(reactToEvent(overdue, paid(10_00), tenant)).toEqual({ schedule: [], cancel: [] });
  });

  it('the sender drops a reminder for a settled lay-by or a changed due date', () => {
    const [first] = reactToEvent(overdue, created, tenant).schedule;
    expect(stillValid(first!, { kind: 'layby', record: { laybyId: 'L1', balance: 10_00, dueDate: '2026-04-30' } }, SYDNEY)).toBeUndefined();
    expect(stillValid(first!, { kind: 'layby', record: { laybyId: 'L1', balance: 0, dueDate: '2026-04-30' } }, SYDNEY)).toBe('layby_settled');
    expect(stillValid(first!, { kind: 'layby', record: { laybyId: 'L1', balance: 10_00, dueDate: '2026-06-30' } }, SYDNEY)).toBe('layby_changed');
  });
});

describe('imports never trigger', () => {
  const all = [
    automation({ type: 'repair_ready', name: 'R' }),
    automation({ type: 'post_purchase', name: 'P' }),
    automation({ type: 'appointment_reminder', name: 'A' }),
    automation({ type: 'layby_overdue', name: 'L' }),
  ];
  const events: DomainEvent[] = [
    event<'repair.status_changed'>({ type: 'repair.status_changed', occurredAt: '2026-05-04T00:00:00.000Z', repairId: 'R1', from: 'in_progress', to: 'ready' }),
    event<'purchase.recorded'>({ type: 'purchase.recorded', occurredAt: '2026-05-04T00:00:00.000Z', purchaseId: 'P1', purchasedAt: '2026-05-04T00:00:00.000Z', amount: 1, departments: ['rings'] }),
    event<'appointment.created'>({ type: 'appointment.created', occurredAt: '2026-05-04T00:00:00.000Z', appointmentId: 'AP1', startsAt: '2026-05-10T00:00:00.000Z' }),
    event<'layby.created'>({ type: 'layby.created', occurredAt: '2026-05-04T00:00:00.000Z', laybyId: 'L1', dueDate: '2026-06-01' }),
  ];

  it('each event schedules for its type through the API, and nothing through an import', () => {
    for (const [i, e] of events.entries()) {
      expect(reactToEvent(all[i]!, e, tenant).schedule.length).toBeGreaterThan(0);
      expect(reactToEvent(all[i]!, { ...e, source: 'import' } as DomainEvent, tenant)).toEqual({ schedule: [], cancel: [] });
      for (const [j, other] of all.entries()) if (j !== i) expect(reactToEvent(other, e, tenant).schedule).toEqual([]);
    }
  });
});

describe('stillValid for date-based occurrences (the sender re-reads the customer)', () => {
  it('a corrected birthday, a new purchase ending a lapse, an erased customer', () => {
    const window = days('2026-01-01', '2026-12-31', SYDNEY);
    const ana = bookCustomer({ birthday: { month: 3, day: 14 } });
    const [birthday] = dueOccurrences(automation({ type: 'birthday', name: 'B' }), ana, tenant, window);
    expect(recordToReread(birthday!)).toEqual({ kind: 'customer', id: 'C1' });
    expect(stillValid(birthday!, { kind: 'customer', record: ana }, SYDNEY)).toBeUndefined();
    expect(stillValid(birthday!, { kind: 'customer', record: { ...ana, birthday: { month: 3, day: 15 } } }, SYDNEY)).toBe('date_changed');
    expect(stillValid(birthday!, { kind: 'customer', record: { ...ana, erased: true } }, SYDNEY)).toBe('customer_uncontactable');

    const lapsedBuyer = bookCustomer({ agg: aggregatesOf({ purchaseCount: 1, lastPurchaseAt: '2025-12-01T00:00:00.000Z' }) });
    const [lapse] = dueOccurrences(automation({ type: 'reengagement', name: 'R' }), lapsedBuyer, tenant, window);
    expect(stillValid(lapse!, { kind: 'customer', record: lapsedBuyer }, SYDNEY)).toBeUndefined();
    const boughtAgain = { ...lapsedBuyer, agg: aggregatesOf({ purchaseCount: 2, lastPurchaseAt: '2026-06-03T00:00:00.000Z' }) };
    expect(stillValid(lapse!, { kind: 'customer', record: boughtAgain }, SYDNEY)).toBe('no_longer_lapsed');
  });
});
