/**
 * Appointments: book, change (a new start time is a move), cancel. Each change recomputes the customer's upcoming
 * appointments in the same transaction and emits `appointment.created`, `.moved` or `.cancelled`.
 */
import { problems } from '../../http/problem';
import { aggregatesOf } from '../customers/aggregates';
import { appointmentAggregates, type Appointment, type AppointmentChange } from './appointment';
import type { CreateOutcome } from './create-outcome';
import { clockOf, publisherOf, recordAudit, type RecordContext } from './record-context';
import { newAppointment } from './record-factories';
import { allRecords, externalIdHolder } from './record-store';
import { writeCustomerRecords, type RecordWritePlan } from './record-write';
import { putNewRecord, putRecordVersion } from './record-writes';
import type { AppointmentCreate, AppointmentPatch } from './schemas';

export async function createAppointment(
  context: RecordContext,
  customerId: string,
  input: AppointmentCreate,
): Promise<CreateOutcome<Appointment>> {
  const { tenantId } = context;
  const clock = clockOf(context);
  const now = clock.toISOString();
  const appointment = newAppointment(input, { customerId, actor: context.actor, source: context.source, now });

  const { result } = await writeCustomerRecords<CreateOutcome<Appointment>>({
    tenantId,
    customerId,
    publisher: publisherOf(context),
    plan: async (customer) => {
      if (appointment.externalId !== undefined) {
        const holder = await externalIdHolder(tenantId, 'APPT', appointment.externalId);
        if (holder) return { write: false, result: { outcome: 'duplicate', existing: holder } };
      }
      const appointments = await allRecords(tenantId, customerId, 'APPT');
      return {
        write: true,
        agg: { ...aggregatesOf(customer.agg), ...appointmentAggregates([...appointments, appointment], clock) },
        writes: (uow) => {
          putNewRecord(uow, tenantId, 'APPT', appointment);
          uow.emit({
            type: 'appointment.created',
            tenantId,
            customerId,
            occurredAt: now,
            source: context.source,
            appointmentId: appointment.appointmentId,
            startsAt: appointment.startsAt,
          });
          uow.put(recordAudit(context, { action: 'created', entity: 'appointment', entityId: appointment.appointmentId }, now));
        },
        result: { outcome: 'created', record: appointment },
      };
    },
  });
  return result;
}

/** Changes an appointment; a different `startsAt` is a move (event `appointment.moved`). A cancelled one is final. */
export async function updateAppointment(
  context: RecordContext,
  customerId: string,
  appointmentId: string,
  patch: AppointmentPatch,
): Promise<Appointment> {
  return changeAppointment(context, customerId, appointmentId, (current, at, by) => {
    const next: Appointment = { ...current };
    const fields: string[] = [];
    for (const field of ['startsAt', 'durationMinutes', 'purpose', 'staffId', 'notes'] as const) {
      const value = patch[field];
      if (value === undefined) continue;
      fields.push(field);
      if (value === null) delete next[field];
      else (next as Record<typeof field, unknown>)[field] = value;
    }
    const moved = next.startsAt !== current.startsAt;
    const change: AppointmentChange = { kind: moved ? 'moved' : 'updated', at, by, startsAt: next.startsAt };
    return { next: { ...next, history: [...current.history, change] }, fields, event: moved ? 'appointment.moved' : undefined };
  });
}

export async function cancelAppointment(
  context: RecordContext,
  customerId: string,
  appointmentId: string,
  reason?: string,
): Promise<Appointment> {
  return changeAppointment(context, customerId, appointmentId, (current, at, by) => ({
    next: {
      ...current,
      status: 'cancelled',
      history: [...current.history, { kind: 'cancelled', at, by, startsAt: current.startsAt, ...(reason === undefined ? {} : { note: reason }) }],
    },
    fields: ['status'],
    event: 'appointment.cancelled',
  }));
}

type AppointmentEdit = (
  current: Appointment,
  at: string,
  by: string,
) => { next: Appointment; fields: string[]; event: 'appointment.moved' | 'appointment.cancelled' | undefined };

async function changeAppointment(
  context: RecordContext,
  customerId: string,
  appointmentId: string,
  edit: AppointmentEdit,
): Promise<Appointment> {
  const { tenantId } = context;
  const clock = clockOf(context);
  const now = clock.toISOString();

  const { result } = await writeCustomerRecords<Appointment>({
    tenantId,
    customerId,
    publisher: publisherOf(context),
    plan: async (customer): Promise<RecordWritePlan<Appointment>> => {
      const appointments = await allRecords(tenantId, customerId, 'APPT');
      const current = appointments.find((a) => a.appointmentId === appointmentId);
      if (!current) throw problems.notFound('Appointment');
      if (current.status === 'cancelled') {
        throw problems.conflict('The appointment is cancelled; book a new one instead.', { currentStatus: current.status });
      }
      const { next: edited, fields, event } = edit(current, now, context.actor.staffId);
      const next: Appointment = { ...edited, updatedAt: now, version: current.version + 1 };
      const after = appointments.map((a) => (a.appointmentId === appointmentId ? next : a));
      return {
        write: true,
        agg: { ...aggregatesOf(customer.agg), ...appointmentAggregates(after, clock) },
        writes: (uow) => {
          putRecordVersion(uow, tenantId, 'APPT', next, current.version);
          if (event) {
            uow.emit({
              type: event,
              tenantId,
              customerId,
              occurredAt: now,
              source: context.source,
              appointmentId,
              startsAt: next.startsAt,
              ...(event === 'appointment.moved' ? { previousStartsAt: current.startsAt } : {}),
            });
          }
          uow.put(recordAudit(context, { action: 'updated', entity: 'appointment', entityId: appointmentId, fields }, now));
        },
        result: next,
      };
    },
  });
  return result;
}
