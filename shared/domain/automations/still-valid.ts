/**
 * The sender's last look: between the moment an occurrence was computed (or scheduled) and the moment it is sent, the
 * record it is about may have changed. The sender re-reads that record (`recordToReread`) and drops the occurrence,
 * as `skipped` with the reason, when it no longer holds:
 *  - repair: no longer `ready` (collected or cancelled);
 *  - appointment: cancelled, or moved (its start differs from the start in the key);
 *  - lay-by: settled, or its due date changed;
 *  - purchase: fully refunded;
 *  - lapse: the customer bought again (the lapse it was counted from is over);
 *  - yearly dates: the date was corrected (the customer's birthday no longer falls on the occurrence's day);
 *  - any: the record is gone, or the customer was erased or may not be contacted.
 * Timing (`validUntil`) is checked separately, by the outcome rules (./send-decision.ts).
 */
import type { Appointment } from '../records/appointment';
import type { Layby } from '../records/layby';
import type { Purchase } from '../records/purchase';
import type { Repair } from '../records/repair';
import type { BookCustomer } from '../segments/book-customer';
import { dateInYear, yearOf } from './local-time';
import type { Occurrence } from './occurrence';
import { isUncontactable, yearlyDate, type YearlyDateFields } from './occurrences';

export type CustomerFacts = Pick<BookCustomer, 'erased' | 'status'> & YearlyDateFields & {
  agg: Pick<BookCustomer['agg'], 'firstPurchaseAt' | 'lastPurchaseAt'>;
};

/** The current state of what an occurrence is about; `record: undefined` when it no longer exists. */
export type CurrentRecord =
  | { kind: 'customer'; record: CustomerFacts | undefined }
  | { kind: 'repair'; record: Pick<Repair, 'repairId' | 'status'> | undefined }
  | { kind: 'appointment'; record: Pick<Appointment, 'appointmentId' | 'status' | 'startsAt'> | undefined }
  | { kind: 'layby'; record: Pick<Layby, 'laybyId' | 'balance' | 'dueDate'> | undefined }
  | { kind: 'purchase'; record: Pick<Purchase, 'purchaseId' | 'total' | 'refundedTotal'> | undefined };

export type Staleness =
  | 'record_missing'
  | 'customer_uncontactable'
  | 'date_changed'
  | 'no_longer_lapsed'
  | 'repair_not_ready'
  | 'appointment_cancelled'
  | 'appointment_moved'
  | 'layby_settled'
  | 'layby_changed'
  | 'purchase_refunded';

/** Which record the sender must read before sending: the customer for date-based occurrences, else the record. */
export function recordToReread(occurrence: Pick<Occurrence, 'subject' | 'customerId'>): { kind: CurrentRecord['kind']; id: string } {
  const subject = occurrence.subject;
  switch (subject.kind) {
    case 'repair':
      return { kind: 'repair', id: subject.repairId };
    case 'appointment':
      return { kind: 'appointment', id: subject.appointmentId };
    case 'layby':
      return { kind: 'layby', id: subject.laybyId };
    case 'purchase':
      return { kind: 'purchase', id: subject.purchaseId };
    default:
      return { kind: 'customer', id: occurrence.customerId };
  }
}

/** Undefined when the occurrence still holds against the current record, else why it does not. */
export function stillValid(occurrence: Pick<Occurrence, 'subject'>, current: CurrentRecord, timeZone: string): Staleness | undefined {
  const subject = occurrence.subject;
  if (current.record === undefined) return 'record_missing';
  switch (subject.kind) {
    case 'annual':
    case 'seasonal':
    case 'lapse': {
      if (current.kind !== 'customer') return 'record_missing';
      const customer = current.record as CustomerFacts;
      if (isUncontactable(customer)) return 'customer_uncontactable';
      if (subject.kind === 'lapse') {
        const last = customer.agg.lastPurchaseAt;
        return last !== null && Date.parse(last) === Date.parse(subject.lastPurchaseAt) ? undefined : 'no_longer_lapsed';
      }
      if (subject.kind === 'annual') {
        const yearly = yearlyDate(customer, subject.source, timeZone);
        const year = yearOf(subject.date);
        return yearly && dateInYear(year, yearly.month, yearly.day) === subject.date ? undefined : 'date_changed';
      }
      return undefined;
    }
    case 'repair': {
      if (current.kind !== 'repair' || current.record.repairId !== subject.repairId) return 'record_missing';
      return current.record.status === 'ready' ? undefined : 'repair_not_ready';
    }
    case 'appointment': {
      if (current.kind !== 'appointment' || current.record.appointmentId !== subject.appointmentId) return 'record_missing';
      if (current.record.status !== 'scheduled') return 'appointment_cancelled';
      return Date.parse(current.record.startsAt) === Date.parse(subject.startsAt) ? undefined : 'appointment_moved';
    }
    case 'layby': {
      if (current.kind !== 'layby' || current.record.laybyId !== subject.laybyId) return 'record_missing';
      if (current.record.balance <= 0) return 'layby_settled';
      return current.record.dueDate === subject.dueDate ? undefined : 'layby_changed';
    }
    case 'purchase': {
      if (current.kind !== 'purchase' || current.record.purchaseId !== subject.purchaseId) return 'record_missing';
      return current.record.refundedTotal < current.record.total ? undefined : 'purchase_refunded';
    }
  }
}

export const isStillValid = (occurrence: Pick<Occurrence, 'subject'>, current: CurrentRecord, timeZone: string): boolean =>
  stillValid(occurrence, current, timeZone) === undefined;
