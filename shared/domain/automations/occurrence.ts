/**
 * An occurrence: one moment an automation owes one customer one message ("Ana's birthday in 2026", "the second
 * reminder for repair R", "the 1 h reminder for appointment A starting at 10:00"). Its key is what the claim table
 * conditions on, so everything that must fire at most once is in the key, and nothing that may legitimately change
 * while the occurrence stays the same (send hour, time zone, the instant it falls due) is:
 *
 *   {automationId}/{customerId}/birthday/2026
 *   {automationId}/{customerId}/anniversary/2026          (also wedding_anniversary, custom_date)
 *   {automationId}/{customerId}/seasonal/2026
 *   {automationId}/{customerId}/lapse/2026-09-14           (the local day the customer lapsed)
 *   {automationId}/{customerId}/repair/{repairId}/0        (0: the ready notice, 1..M: reminders)
 *   {automationId}/{customerId}/purchase/{purchaseId}
 *   {automationId}/{customerId}/appointment/{appointmentId}/{startsAt}/{minutesBefore}
 *   {automationId}/{customerId}/layby/{laybyId}/{step}     (0: first overdue day, 1..M: reminders)
 *
 * Date-based keys name LOCAL calendar years and days, never instants: a tenant that moves its time zone computes
 * different instants for the same birthday, but the same key, so the claim stops a second message.
 */
import type { AutomationType } from './automation-schema';
import type { SeasonalDate } from './seasonal-dates';

/** The customer attribute a yearly date comes from. */
export type YearlySource = 'birthday' | 'anniversary' | 'wedding_date' | 'customer_since' | 'first_purchase';

export type OccurrenceSubject =
  /** A yearly date of the customer, on `date` this year. `years`: since the original date, when its year is known. */
  | { kind: 'annual'; source: YearlySource; date: string; years?: number }
  | { kind: 'seasonal'; name: SeasonalDate; date: string }
  /** `lastPurchaseAt`: the purchase the lapse is counted from; a newer one ends the lapse. */
  | { kind: 'lapse'; lapseStart: string; lastPurchaseAt: string }
  | { kind: 'repair'; repairId: string; reminder: number }
  | { kind: 'purchase'; purchaseId: string }
  | { kind: 'appointment'; appointmentId: string; startsAt: string; minutesBefore: number }
  | { kind: 'layby'; laybyId: string; dueDate: string; step: number };

export interface Occurrence {
  occurrenceKey: string;
  automationId: string;
  customerId: string;
  type: AutomationType;
  /** The instant it falls due (UTC ISO): never sent before. */
  dueAt: string;
  /** The local calendar day it falls due (tenant time zone): switching on fires only occurrences due from that day. */
  dueDate: string;
  /** Exclusive: from this instant on, sending would be pointless (the birthday is over), and it is `missed`. */
  validUntil: string;
  /** Why it fires, for previews and run logs (dates and ids, no names). */
  reason: string;
  subject: OccurrenceSubject;
  /** Automation-only merge variables (`anniversary_years`). */
  merge?: { anniversaryYears?: number };
}

/** The part of the key after automation and customer. */
export function occurrencePart(subject: OccurrenceSubject, type: AutomationType): string {
  switch (subject.kind) {
    case 'annual':
      return `${type === 'birthday' ? 'birthday' : 'anniversary'}/${subject.date.slice(0, 4)}`;
    case 'seasonal':
      return `seasonal/${subject.date.slice(0, 4)}`;
    case 'lapse':
      return `lapse/${subject.lapseStart}`;
    case 'repair':
      return `repair/${subject.repairId}/${subject.reminder}`;
    case 'purchase':
      return `purchase/${subject.purchaseId}`;
    case 'appointment':
      return `appointment/${subject.appointmentId}/${new Date(subject.startsAt).toISOString()}/${subject.minutesBefore}`;
    case 'layby':
      return `layby/${subject.laybyId}/${subject.step}`;
  }
}

export function occurrenceKey(automationId: string, customerId: string, type: AutomationType, subject: OccurrenceSubject): string {
  return `${automationId}/${customerId}/${occurrencePart(subject, type)}`;
}
