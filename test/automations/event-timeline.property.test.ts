/**
 * Event-based automations as properties: appointments booked, moved and cancelled, purchases (some refunded later),
 * repairs made ready and collected, some of them imported; their domain events delivered late, twice, out of order;
 * one-time schedules firing on time, late, twice or never; send workers crashing, throttled, handed duplicates; the
 * sweeper running now and then. Once settled:
 *  - every occurrence ever scheduled or claimed ends in exactly one terminal outcome; imported records have none;
 *  - at most one message per occurrence, a message exactly when `sent` (or possibly `unknown`);
 *  - no message before its due moment or from `validUntil` on, without consent, for a cancelled or since-moved
 *    appointment, a fully refunded purchase or a repair no longer ready, or closer than the re-entry spacing;
 *  - every reminder of an appointment's final start that fell due after it was booked or moved was scheduled.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { automationDefinitionSchema, type Automation } from '../../shared/domain/automations/automation-schema';
import { isTerminal } from '../../shared/domain/automations/outcomes';
import type { CurrentRecord } from '../../shared/domain/automations/still-valid';
import type { DomainEvent } from '../../shared/events/domain-events';
import { ClaimStore } from './support/claim-store';
import { bookCustomer } from './support/fixtures';
import { drain, fire, handleEvent, prng, Queue, sweep, Timers, type SendFault, type TimerFate, type World } from './support/runner-model';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-03-30T00:00:00.000Z'); // Sydney leaves DST on 5 April: send hours cross it
const ZONE = 'Australia/Sydney';
const SPAN = 12 * DAY;

interface AppointmentPlan {
  customer: number;
  bookedAfter: number;
  leadMinutes: number;
  changes: { afterMinutes: number; kind: 'move' | 'cancel'; leadMinutes: number }[];
  imported: boolean;
}
interface PurchasePlan {
  customer: number;
  atMinutes: number;
  departments: string[];
  refundAfterMinutes: number | null;
  imported: boolean;
}
interface RepairPlan {
  customer: number;
  readyAtMinutes: number;
  collectedAfterMinutes: number | null;
}

const appointmentPlan = fc.record<AppointmentPlan>({
  customer: fc.integer({ min: 0, max: 2 }),
  bookedAfter: fc.integer({ min: 0, max: 4 * 24 * 60 }),
  leadMinutes: fc.integer({ min: 20, max: 3 * 24 * 60 }),
  changes: fc.array(
    fc.record({ afterMinutes: fc.integer({ min: 1, max: 2 * 24 * 60 }), kind: fc.constantFrom<'move' | 'cancel'>('move', 'move', 'cancel'), leadMinutes: fc.integer({ min: 20, max: 2 * 24 * 60 }) }),
    { maxLength: 2 },
  ),
  imported: fc.constantFrom(false, false, false, true),
});
const purchasePlan = fc.record<PurchasePlan>({
  customer: fc.integer({ min: 0, max: 2 }),
  atMinutes: fc.integer({ min: 0, max: 4 * 24 * 60 }),
  departments: fc.subarray(['rings', 'pearls', 'watches'], { minLength: 1 }),
  refundAfterMinutes: fc.option(fc.integer({ min: 0, max: 5 * 24 * 60 }), { nil: null }),
  imported: fc.constantFrom(false, false, false, true),
});
const repairPlan = fc.record<RepairPlan>({
  customer: fc.integer({ min: 0, max: 2 }),
  readyAtMinutes: fc.integer({ min: 0, max: 4 * 24 * 60 }),
  collectedAfterMinutes: fc.option(fc.integer({ min: 1, max: 4 * 24 * 60 }), { nil: null }),
});

const timerFate: fc.Arbitrary<TimerFate> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<TimerFate>({ kind: 'on_time' }) },
  { weight: 1, arbitrary: fc.constant<TimerFate>({ kind: 'lost' }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 36 * 60 }).map<TimerFate>((m) => ({ kind: 'late', byMs: m * MINUTE })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 60 }).map<TimerFate>((m) => ({ kind: 'twice', gapMs: m * MINUTE })) },
);

interface Scenario {
  appointments: AppointmentPlan[];
  purchases: PurchasePlan[];
  repairs: RepairPlan[];
  offsets: number[];
  daysAfter: number;
  pearlsOnly: boolean;
  reentryDays: number | undefined;
  reminderEveryDays: number;
  maxReminders: number;
  consentWithdrawnAt: (number | null)[];
  deliveryDelays: number[];
  duplicateDeliveries: boolean[];
  fates: TimerFate[];
  faults: SendFault[];
  seed: number;
}

const scenario = fc.record<Scenario>({
  appointments: fc.array(appointmentPlan, { maxLength: 5, size: 'max' }),
  purchases: fc.array(purchasePlan, { maxLength: 5, size: 'max' }),
  repairs: fc.array(repairPlan, { maxLength: 3 }),
  offsets: fc.subarray([1440, 120, 60, 30], { minLength: 1 }),
  daysAfter: fc.integer({ min: 0, max: 3 }),
  pearlsOnly: fc.boolean(),
  reentryDays: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  reminderEveryDays: fc.integer({ min: 1, max: 2 }),
  maxReminders: fc.integer({ min: 0, max: 2 }),
  consentWithdrawnAt: fc.array(fc.option(fc.integer({ min: 0, max: 8 * 24 * 60 }), { nil: null, freq: 3 }), { minLength: 3, maxLength: 3 }),
  deliveryDelays: fc.array(fc.oneof(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 6 * 60 }), fc.integer({ min: 0, max: 24 * 60 })), {
    minLength: 1,
    maxLength: 20,
  }),
  duplicateDeliveries: fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }),
  fates: fc.array(timerFate, { minLength: 1, maxLength: 20 }),
  faults: fc.array(fc.constantFrom<SendFault>('none', 'none', 'none', 'crash_before_call', 'crash_after_call', 'throttle', 'duplicate'), { minLength: 1, maxLength: 20 }),
  seed: fc.integer(),
});

/** A record's state over time: the latest change at or before an instant. */
class History<S> {
  private readonly changes: { at: number; state: S }[] = [];
  add(at: number, state: S): void {
    this.changes.push({ at, state });
    this.changes.sort((a, b) => a.at - b.at);
  }
  at(instant: number): S | undefined {
    let current: S | undefined;
    for (const change of this.changes) if (change.at <= instant) current = change.state;
    return current;
  }
}

const cycle = <T>(list: readonly T[]) => {
  let i = 0;
  return () => list[i++ % list.length]!;
};

let messagesAcrossRuns = 0;
let appointmentMessagesAcrossRuns = 0;
let skippedStaleAcrossRuns = 0;

function simulate(s: Scenario) {
  const appointmentState = new Map<string, History<{ status: 'scheduled' | 'cancelled'; startsAt: string }>>();
  const purchaseState = new Map<string, History<{ total: number; refundedTotal: number }>>();
  const repairState = new Map<string, History<{ status: 'ready' | 'collected' }>>();
  const events: { event: DomainEvent; at: number }[] = [];
  const imported = new Set<string>();
  /** Per appointment: when its final start was set, and that start, if it ends scheduled. */
  const finalStarts = new Map<string, { customerId: string; setAt: number; startsAt: number }>();
  let eventId = 0;
  const emit = (event: Omit<DomainEvent, 'eventId' | 'tenantId'>) => events.push({ event: { ...event, eventId: `E${eventId++}`, tenantId: 'T1' } as DomainEvent, at: Date.parse(event.occurredAt) });
  const isoAt = (ms: number) => new Date(ms).toISOString();

  s.appointments.forEach((plan, i) => {
    const id = `AP${i}`;
    const customerId = `C${plan.customer}`;
    const source = plan.imported ? 'import' : 'api';
    if (plan.imported) imported.add(id);
    const history = new History<{ status: 'scheduled' | 'cancelled'; startsAt: string }>();
    appointmentState.set(id, history);
    let at = T0 + plan.bookedAfter * MINUTE;
    let start = at + plan.leadMinutes * MINUTE;
    history.add(at, { status: 'scheduled', startsAt: isoAt(start) });
    emit({ type: 'appointment.created', customerId, occurredAt: isoAt(at), source, appointmentId: id, startsAt: isoAt(start) } as never);
    finalStarts.set(id, { customerId, setAt: at, startsAt: start });
    for (const change of plan.changes) {
      at += change.afterMinutes * MINUTE;
      if (at >= start) break;
      if (change.kind === 'cancel') {
        history.add(at, { status: 'cancelled', startsAt: isoAt(start) });
        emit({ type: 'appointment.cancelled', customerId, occurredAt: isoAt(at), source, appointmentId: id, startsAt: isoAt(start) } as never);
        finalStarts.delete(id);
        break;
      }
      const previous = start;
      start = at + change.leadMinutes * MINUTE;
      history.add(at, { status: 'scheduled', startsAt: isoAt(start) });
      emit({ type: 'appointment.moved', customerId, occurredAt: isoAt(at), source, appointmentId: id, startsAt: isoAt(start), previousStartsAt: isoAt(previous) } as never);
      finalStarts.set(id, { customerId, setAt: at, startsAt: start });
    }
  });
  s.purchases.forEach((plan, i) => {
    const id = `P${i}`;
    if (plan.imported) imported.add(id);
    const at = T0 + plan.atMinutes * MINUTE;
    const history = new History<{ total: number; refundedTotal: number }>();
    history.add(at, { total: 100_00, refundedTotal: 0 });
    if (plan.refundAfterMinutes !== null) history.add(at + plan.refundAfterMinutes * MINUTE, { total: 100_00, refundedTotal: 100_00 });
    purchaseState.set(id, history);
    emit({
      type: 'purchase.recorded',
      customerId: `C${plan.customer}`,
      occurredAt: isoAt(at),
      source: plan.imported ? 'import' : 'api',
      purchaseId: id,
      purchasedAt: isoAt(at),
      amount: 100_00,
      departments: plan.departments,
    } as never);
  });
  s.repairs.forEach((plan, i) => {
    const id = `R${i}`;
    const customerId = `C${plan.customer}`;
    const at = T0 + plan.readyAtMinutes * MINUTE;
    const history = new History<{ status: 'ready' | 'collected' }>();
    history.add(at, { status: 'ready' });
    emit({ type: 'repair.status_changed', customerId, occurredAt: isoAt(at), source: 'api', repairId: id, from: 'in_progress', to: 'ready' } as never);
    if (plan.collectedAfterMinutes !== null) {
      history.add(at + plan.collectedAfterMinutes * MINUTE, { status: 'collected' });
      emit({ type: 'repair.status_changed', customerId, occurredAt: isoAt(at + plan.collectedAfterMinutes * MINUTE), source: 'api', repairId: id, from: 'ready', to: 'collected' } as never);
    }
    repairState.set(id, history);
  });

  const parse = (input: unknown, id: string): Automation => ({ ...automationDefinitionSchema.parse(input), automationId: id, enabledAt: isoAt(T0 - DAY) }) as Automation;
  const automations = [
    parse({ type: 'appointment_reminder', name: 'Reminders', enabled: true, timing: { minutesBefore: s.offsets } }, 'AR'),
    parse(
      {
        type: 'post_purchase',
        name: 'Care',
        enabled: true,
        timing: { daysAfter: s.daysAfter, ...(s.pearlsOnly ? { departments: ['pearls'] } : {}) },
        ...(s.reentryDays === undefined ? {} : { reentry: { minDaysBetween: s.reentryDays } }),
      },
      'PP',
    ),
    parse({ type: 'repair_ready', name: 'Ready', enabled: true, timing: { reminderEveryDays: s.reminderEveryDays, maxReminders: s.maxReminders } }, 'RR'),
  ];

  let now = T0;
  const consentAt = (customerId: string, at: number) => {
    const withdrawn = s.consentWithdrawnAt[Number(customerId.slice(1))];
    return withdrawn === null || withdrawn === undefined || at < T0 + withdrawn * MINUTE;
  };
  const world: World = {
    clock: { timeZone: ZONE, country: 'AU', defaultSendHour: 10 },
    automations,
    customers: [0, 1, 2].map((i) => bookCustomer({ customerId: `C${i}` })),
    consent: (customerId, _purpose, at) => consentAt(customerId, at),
    currentRecord(occurrence): CurrentRecord {
      const subject = occurrence.subject;
      if (subject.kind === 'appointment') {
        const state = appointmentState.get(subject.appointmentId)?.at(now);
        return { kind: 'appointment', record: state && { appointmentId: subject.appointmentId, ...state } };
      }
      if (subject.kind === 'purchase') {
        const state = purchaseState.get(subject.purchaseId)?.at(now);
        return { kind: 'purchase', record: state && { purchaseId: subject.purchaseId, ...state } };
      }
      if (subject.kind === 'repair') {
        const state = repairState.get(subject.repairId)?.at(now);
        return { kind: 'repair', record: state && { repairId: subject.repairId, ...state } };
      }
      throw new Error(`unexpected ${subject.kind}`);
    },
  };

  // Deliveries: each event at least once, after a delay, sometimes twice; delays reorder events.
  const delay = cycle(s.deliveryDelays);
  const duplicate = cycle(s.duplicateDeliveries);
  const deliveries = events.flatMap(({ event, at }) => {
    const first = { event, at: at + delay() * MINUTE };
    return duplicate() ? [first, { event, at: first.at + delay() * MINUTE }] : [first];
  });
  deliveries.sort((a, b) => a.at - b.at);

  const random = prng(s.seed);
  const store = new ClaimStore();
  const queue = new Queue(random);
  const timers = new Timers(cycle(s.fates));
  const nextFault = cycle(s.faults);
  /** Each drain's first few messages meet the scenario's faults; the rest go through (a fault-only list would livelock). */
  const faults = () => {
    let taken = 0;
    return () => (taken++ < 3 ? nextFault() : 'none');
  };
  let next = 0;
  for (let step = 0; now < T0 + SPAN; step += 1, now += 15 * MINUTE) {
    while (next < deliveries.length && deliveries[next]!.at <= now) handleEvent(world, store, timers, deliveries[next++]!.event, now);
    for (const occurrence of timers.due(now)) fire(store, queue, occurrence, now);
    drain(world, store, queue, now, faults(), random);
    if (step % 4 === 3) sweep(store, queue, now);
  }
  for (const later of [now + HOUR, now + 2 * HOUR]) {
    now = later;
    for (const occurrence of timers.due(now)) fire(store, queue, occurrence, now);
    sweep(store, queue, now);
    drain(world, store, queue, now, () => 'none', random);
  }
  return { store, world, appointmentState, purchaseState, repairState, imported, finalStarts, automations, consentAt, settledAt: now };
}

describe('event-based automations over random timelines', () => {
  it('every scheduled occurrence ends in one outcome, with at most one message, never stale, early, late or without consent', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { store, appointmentState, purchaseState, repairState, imported, finalStarts, consentAt } = simulate(s);

        const messagesByKey = new Map<string, number>();
        for (const m of store.messages) messagesByKey.set(m.occurrenceKey, (messagesByKey.get(m.occurrenceKey) ?? 0) + 1);
        for (const [key, record] of store.records) {
          expect(isTerminal(record.status.state), `${key} ended ${record.status.state}`).toBe(true);
          const subject = record.occurrence.subject;
          const recordId = subject.kind === 'appointment' ? subject.appointmentId : subject.kind === 'purchase' ? subject.purchaseId : '';
          expect(imported.has(recordId), `${key} is about an imported record`).toBe(false);
          const count = messagesByKey.get(key) ?? 0;
          if (record.status.state === 'sent') expect(count).toBe(1);
          else if (record.status.state === 'unknown') expect(count).toBeLessThanOrEqual(1);
          else expect(count).toBe(0);
          if (record.status.state === 'missed') expect(record.history.at(-1)!.at).toBeGreaterThanOrEqual(Date.parse(record.occurrence.validUntil));
          if (record.status.state === 'skipped' && record.status.reason !== 'no_consent') skippedStaleAcrossRuns += 1;
        }

        for (const m of store.messages) {
          const { occurrence } = store.records.get(m.occurrenceKey)!;
          expect(m.at).toBeGreaterThanOrEqual(Date.parse(occurrence.dueAt));
          expect(m.at).toBeLessThan(Date.parse(occurrence.validUntil));
          expect(consentAt(m.customerId, m.at)).toBe(true);
          const subject = occurrence.subject;
          if (subject.kind === 'appointment') {
            const state = appointmentState.get(subject.appointmentId)!.at(m.at)!;
            expect(state.status).toBe('scheduled');
            expect(Date.parse(state.startsAt)).toBe(Date.parse(subject.startsAt));
            appointmentMessagesAcrossRuns += 1;
          } else if (subject.kind === 'purchase') {
            const state = purchaseState.get(subject.purchaseId)!.at(m.at)!;
            expect(state.refundedTotal).toBeLessThan(state.total);
          } else if (subject.kind === 'repair') {
            expect(repairState.get(subject.repairId)!.at(m.at)!.status).toBe('ready');
          }
          messagesAcrossRuns += 1;
        }

        if (s.reentryDays !== undefined) {
          for (const customerId of ['C0', 'C1', 'C2']) {
            const dues = store.messages
              .filter((m) => m.automationId === 'PP' && m.customerId === customerId)
              .map((m) => Date.parse(store.records.get(m.occurrenceKey)!.occurrence.dueAt))
              .sort((a, b) => a - b);
            for (let i = 1; i < dues.length; i += 1) expect(dues[i]! - dues[i - 1]!).toBeGreaterThanOrEqual(s.reentryDays * DAY);
          }
        }

        // Every reminder of a final start that fell due after the booking or move that set it was scheduled.
        for (const [appointmentId, final] of finalStarts) {
          if (imported.has(appointmentId)) continue;
          for (const minutes of s.offsets) {
            const due = final.startsAt - minutes * MINUTE;
            if (due < final.setAt) continue;
            const key = `AR/${final.customerId}/appointment/${appointmentId}/${new Date(final.startsAt).toISOString()}/${minutes}`;
            expect(store.records.has(key), `${key} was never scheduled`).toBe(true);
          }
        }
      }),
      { numRuns: 100 },
    );
    expect(messagesAcrossRuns).toBeGreaterThan(30);
    expect(appointmentMessagesAcrossRuns).toBeGreaterThan(10);
    expect(skippedStaleAcrossRuns).toBeGreaterThan(0);
  });
});
