/**
 * Appointments: booked, moved, cancelled. The customer item keeps the upcoming start times (as of the last write), so
 * "has an appointment in the next 24 hours" is answered at read time even after an earlier appointment has passed.
 */
import type { CustomerAggregates } from '../customers/aggregates';
import type { RecordMeta } from './record-meta';

export type AppointmentStatus = 'scheduled' | 'cancelled';

export interface AppointmentChange {
  kind: 'created' | 'moved' | 'updated' | 'cancelled';
  at: string;
  by: string;
  startsAt: string;
  /** Why (a cancellation's reason). Free text: blanked when the customer is erased. */
  note?: string;
}

export interface Appointment extends RecordMeta {
  appointmentId: string;
  customerId: string;
  /** UTC ISO instant. */
  startsAt: string;
  durationMinutes: number;
  purpose: string;
  staffId?: string;
  notes?: string;
  status: AppointmentStatus;
  externalId?: string;
  history: AppointmentChange[];
}

/** How many upcoming start times the customer item keeps; more than enough for any "within N days" rule. */
export const UPCOMING_APPOINTMENTS_KEPT = 10;

export type AppointmentAggregates = Pick<CustomerAggregates, 'nextAppointmentAt' | 'upcomingAppointments'>;

/** Appointment aggregates recomputed from the customer's appointments: scheduled ones starting after `now`. */
export function appointmentAggregates(
  appointments: readonly Pick<Appointment, 'startsAt' | 'status'>[],
  now: Date,
): AppointmentAggregates {
  const upcoming = appointments
    .filter((a) => a.status === 'scheduled' && Date.parse(a.startsAt) > now.getTime())
    .map((a) => a.startsAt)
    .sort((a, b) => Date.parse(a) - Date.parse(b))
    .slice(0, UPCOMING_APPOINTMENTS_KEPT);
  return { nextAppointmentAt: upcoming[0] ?? null, upcomingAppointments: upcoming };
}
