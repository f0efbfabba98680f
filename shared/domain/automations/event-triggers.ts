/**
 * Occurrences of the event-based automations, from the customer book's domain events: what to schedule (one-time
 * schedules, or at once when already due) and which earlier occurrences to cancel. Pure and deterministic in the event:
 * everything is computed from `occurredAt`, never from the moment the event is processed, so a replayed or late event
 * yields exactly the same keys and the claim stops a second message.
 *
 *  - repair_ready: `repair.status_changed` to `ready` → the notice at once, then `maxReminders` reminders every
 *    `reminderEveryDays` days at the send hour, each valid until the next one is due. Leaving `ready` cancels them.
 *  - post_purchase: `purchase.recorded` (with a line in one of `departments`, when set) → `daysAfter` days after the
 *    purchase day at the send hour (never before the purchase itself), valid for POST_PURCHASE_VALID_DAYS.
 *  - appointment_reminder: `appointment.created` → one reminder per offset before the start, valid until the start;
 *    a reminder whose moment had already passed when the appointment was booked is not created (an appointment booked
 *    for this afternoon gets no "tomorrow" reminder). `.moved` cancels the reminders of the old start and schedules
 *    the new ones (the start instant is in the key); `.cancelled` cancels.
 *  - layby_overdue: `layby.created` → the first overdue day (the day after the due date) at the send hour, then
 *    `maxReminders` reminders every `everyDays` days, each valid until the next. `layby.paid` with nothing left to pay
 *    cancels them.
 *
 * Records that arrive through an import (`source: 'import'`) never produce occurrences. Occurrences due before the day
 * the automation was switched on, and those no longer valid when the event happened (a purchase recorded long after
 * the fact), are left out. The sender re-reads the record before sending (./still-valid.ts), which also covers a
 * cancellation that raced with a firing schedule.
 */
import type { DomainEvent } from '../../events/domain-events';
import { sendHourOf, type Automation, type AutomationOf } from './automation-schema';
import { isEligible } from './eligibility';
import { addDays, endOfLocalDay, localDateOf, localHourInstant, toIso, toMs } from './local-time';
import { occurrenceKey, type Occurrence, type OccurrenceSubject } from './occurrence';
import type { TenantClock } from './occurrences';

export { isStillValid, recordToReread, stillValid, type CurrentRecord, type Staleness } from './still-valid';

/** How long a post-purchase message stays worth sending once due. */
export const POST_PURCHASE_VALID_DAYS = 7;

export interface EventReaction {
  /** Occurrences to schedule (at `dueAt`; at once when it has passed). */
  schedule: Occurrence[];
  /** Keys of occurrences scheduled earlier that no longer apply. */
  cancel: string[];
}

const NOTHING: EventReaction = { schedule: [], cancel: [] };

interface Timed {
  dueAt: number;
  validUntil: number;
}

function occurrence(automation: Automation, customerId: string, subject: OccurrenceSubject, timed: Timed, reason: string, timeZone: string): Occurrence {
  return {
    occurrenceKey: occurrenceKey(automation.automationId, customerId, automation.type, subject),
    automationId: automation.automationId,
    customerId,
    type: automation.type,
    dueAt: toIso(timed.dueAt),
    dueDate: localDateOf(timed.dueAt, timeZone),
    validUntil: toIso(timed.validUntil),
    reason,
    subject,
  };
}

const keyOf = (automation: Automation, customerId: string, subject: OccurrenceSubject) =>
  occurrenceKey(automation.automationId, customerId, automation.type, subject);

/** Notice/reminder series: message k is due at `dueOf(k)` and valid until message k+1 is due. */
function series(count: number, dueOf: (k: number) => number): Timed[] {
  return Array.from({ length: count }, (_, k) => ({ dueAt: dueOf(k), validUntil: dueOf(k + 1) }));
}

function repairReaction(automation: AutomationOf<'repair_ready'>, event: Extract<DomainEvent, { type: 'repair.status_changed' }>, clock: TenantClock): EventReaction {
  const { reminderEveryDays, maxReminders } = automation.timing;
  const subjectOf = (reminder: number): OccurrenceSubject => ({ kind: 'repair', repairId: event.repairId, reminder });
  if (event.to !== 'ready') {
    if (event.from !== 'ready') return NOTHING;
    return { schedule: [], cancel: Array.from({ length: maxReminders + 1 }, (_, k) => keyOf(automation, event.customerId, subjectOf(k))) };
  }
  if (event.from === 'ready') return NOTHING;
  const readyAt = toMs(event.occurredAt);
  const readyDate = localDateOf(readyAt, clock.timeZone);
  const hour = sendHourOf(automation, clock.defaultSendHour);
  const dueOf = (k: number) => (k === 0 ? readyAt : localHourInstant(addDays(readyDate, k * reminderEveryDays), hour, clock.timeZone));
  const schedule = series(maxReminders + 1, dueOf).map((timed, k) =>
    occurrence(
      automation,
      event.customerId,
      subjectOf(k),
      timed,
      k === 0 ? `repair ${event.repairId} ready on ${readyDate}` : `repair ${event.repairId} ready since ${readyDate}, reminder ${k}`,
      clock.timeZone,
    ),
  );
  return { schedule, cancel: [] };
}

function purchaseReaction(automation: AutomationOf<'post_purchase'>, event: Extract<DomainEvent, { type: 'purchase.recorded' }>, clock: TenantClock): EventReaction {
  const { daysAfter, departments } = automation.timing;
  if (departments !== undefined && !event.departments.some((department) => departments.includes(department))) return NOTHING;
  const purchasedAt = toMs(event.purchasedAt);
  const purchaseDate = localDateOf(purchasedAt, clock.timeZone);
  const dueDate = addDays(purchaseDate, daysAfter);
  const dueAt = Math.max(localHourInstant(dueDate, sendHourOf(automation, clock.defaultSendHour), clock.timeZone), purchasedAt);
  const validUntil = endOfLocalDay(addDays(localDateOf(dueAt, clock.timeZone), POST_PURCHASE_VALID_DAYS - 1), clock.timeZone);
  const subject: OccurrenceSubject = { kind: 'purchase', purchaseId: event.purchaseId };
  const reason = `purchase ${event.purchaseId} on ${purchaseDate}, ${daysAfter} days after`;
  return { schedule: [occurrence(automation, event.customerId, subject, { dueAt, validUntil }, reason, clock.timeZone)], cancel: [] };
}

type AppointmentEvent = Extract<DomainEvent, { type: 'appointment.created' | 'appointment.moved' | 'appointment.cancelled' }>;

function appointmentReaction(automation: AutomationOf<'appointment_reminder'>, event: AppointmentEvent, clock: TenantClock): EventReaction {
  const offsets = automation.timing.minutesBefore;
  const subjectOf = (startsAt: string, minutesBefore: number): OccurrenceSubject => ({
    kind: 'appointment',
    appointmentId: event.appointmentId,
    startsAt: new Date(startsAt).toISOString(),
    minutesBefore,
  });
  const keysFor = (startsAt: string) => offsets.map((minutes) => keyOf(automation, event.customerId, subjectOf(startsAt, minutes)));
  if (event.type === 'appointment.cancelled') return { schedule: [], cancel: keysFor(event.startsAt) };

  const bookedAt = toMs(event.occurredAt);
  const start = toMs(event.startsAt);
  const schedule = offsets
    .map((minutes) => ({ minutes, dueAt: start - minutes * 60_000 }))
    .filter(({ dueAt }) => dueAt >= bookedAt)
    .map(({ minutes, dueAt }) =>
      occurrence(
        automation,
        event.customerId,
        subjectOf(event.startsAt, minutes),
        { dueAt, validUntil: start },
        `appointment ${event.appointmentId} at ${new Date(start).toISOString()}, ${minutes} minutes before`,
        clock.timeZone,
      ),
    );
  const moved = event.type === 'appointment.moved' && event.previousStartsAt !== undefined && toMs(event.previousStartsAt) !== start;
  return { schedule, cancel: moved ? keysFor(event.previousStartsAt as string) : [] };
}

function laybyReaction(
  automation: AutomationOf<'layby_overdue'>,
  event: Extract<DomainEvent, { type: 'layby.created' | 'layby.paid' }>,
  clock: TenantClock,
): EventReaction {
  const { everyDays, maxReminders } = automation.timing;
  if (event.type === 'layby.paid') {
    if (event.balance > 0) return NOTHING;
    // The paid event does not carry the due date; the key does not need it.
    const keys = Array.from({ length: maxReminders + 1 }, (_, step) =>
      keyOf(automation, event.customerId, { kind: 'layby', laybyId: event.laybyId, dueDate: '', step }),
    );
    return { schedule: [], cancel: keys };
  }
  const firstOverdue = addDays(event.dueDate, 1);
  const hour = sendHourOf(automation, clock.defaultSendHour);
  const dueOf = (step: number) => localHourInstant(addDays(firstOverdue, step * everyDays), hour, clock.timeZone);
  const schedule = series(maxReminders + 1, dueOf).map((timed, step) =>
    occurrence(
      automation,
      event.customerId,
      { kind: 'layby', laybyId: event.laybyId, dueDate: event.dueDate, step },
      timed,
      `lay-by ${event.laybyId} due ${event.dueDate}, ${step === 0 ? 'first overdue day' : `overdue reminder ${step}`}`,
      clock.timeZone,
    ),
  );
  return { schedule, cancel: [] };
}

function reactionFor(automation: Automation, event: DomainEvent, clock: TenantClock): EventReaction {
  switch (automation.type) {
    case 'repair_ready':
      return event.type === 'repair.status_changed' ? repairReaction(automation, event, clock) : NOTHING;
    case 'post_purchase':
      return event.type === 'purchase.recorded' ? purchaseReaction(automation, event, clock) : NOTHING;
    case 'appointment_reminder':
      return event.type === 'appointment.created' || event.type === 'appointment.moved' || event.type === 'appointment.cancelled'
        ? appointmentReaction(automation, event, clock)
        : NOTHING;
    case 'layby_overdue':
      return event.type === 'layby.created' || event.type === 'layby.paid' ? laybyReaction(automation, event, clock) : NOTHING;
    default:
      return NOTHING;
  }
}

/**
 * What one automation does about one domain event. Cancellations are returned even while the automation is off (an
 * occurrence scheduled before it was switched off must not fire later); new occurrences only while it is on.
 */
export function reactToEvent(automation: Automation, event: DomainEvent, clock: TenantClock): EventReaction {
  if (event.source === 'import') return NOTHING;
  const reaction = reactionFor(automation, event, clock);
  const happenedAt = toMs(event.occurredAt);
  const schedule = reaction.schedule.filter(
    (o) => automation.enabled && isEligible(automation, o, clock.timeZone) && toMs(o.validUntil) > happenedAt,
  );
  return { schedule, cancel: reaction.cancel };
}
