/**
 * New records from validated create inputs (the API's and the importer's schemas). Pure: ids and clock come in, so the
 * demo seeder can build a deterministic book, and the services use the very same construction.
 */
import { newId } from '../../ids';
import type { RepairStatus } from '../customers/aggregates';
import type { Appointment } from './appointment';
import { laybyStatusFor, type Layby } from './layby';
import type { Purchase, Refund } from './purchase';
import { newRecordMeta, type RecordActor, type RecordSource } from './record-meta';
import type { Repair } from './repair';
import type { AppointmentCreate, LaybyCreate, PurchaseCreate, RepairCreate } from './schemas';

export interface NewRecordContext {
  customerId: string;
  actor: RecordActor;
  source: RecordSource;
  /** ISO instant of the write. */
  now: string;
}

/** Ids sort by the record's own date (a purchase by when it was made), so newest-first listings need no index. */
export const recordIdAt = (instant: string) => newId(Math.max(0, Date.parse(instant)));

export function newPurchase(input: PurchaseCreate, context: NewRecordContext, purchaseId?: string): Purchase {
  const purchasedAt = input.purchasedAt ?? context.now;
  return {
    purchaseId: purchaseId ?? recordIdAt(purchasedAt),
    customerId: context.customerId,
    purchasedAt,
    ...(input.externalId === undefined ? {} : { externalId: input.externalId }),
    ...(input.storeLocation === undefined ? {} : { storeLocation: input.storeLocation }),
    lines: input.lines.map((line) => ({ ...line })),
    total: input.lines.reduce((sum, line) => sum + line.amount, 0),
    refunds: [],
    refundedTotal: 0,
    ...newRecordMeta(context.actor, context.source, context.now),
  };
}

export function newRefund(
  plan: { amount: number; lines: Refund['lines'] },
  input: { reason: string; refundedAt?: string | undefined },
  context: Pick<NewRecordContext, 'actor' | 'now'>,
  refundId: string = newId(),
): Refund {
  return {
    refundId,
    amount: plan.amount,
    lines: plan.lines,
    reason: input.reason,
    refundedAt: input.refundedAt ?? context.now,
    recordedAt: context.now,
    recordedBy: context.actor.staffId,
  };
}

/** A new repair, `received` unless an import brings one already further along. */
export function newRepair(input: RepairCreate, context: NewRecordContext, status: RepairStatus = 'received', repairId?: string): Repair {
  const receivedAt = input.receivedAt ?? context.now;
  return {
    repairId: repairId ?? recordIdAt(receivedAt),
    customerId: context.customerId,
    itemDescription: input.itemDescription,
    status,
    receivedAt,
    ...(input.promisedDate === undefined ? {} : { promisedDate: input.promisedDate }),
    ...(input.estimate === undefined ? {} : { estimate: input.estimate }),
    ...(input.notes === undefined ? {} : { notes: input.notes }),
    ...(input.externalId === undefined ? {} : { externalId: input.externalId }),
    history: [{ status, at: context.now, by: context.actor.staffId }],
    ...newRecordMeta(context.actor, context.source, context.now),
  };
}

export function newLayby(input: LaybyCreate, context: NewRecordContext, laybyId?: string): Layby {
  const openedAt = input.openedAt ?? context.now;
  const total = input.items.reduce((sum, item) => sum + item.amount, 0);
  const balance = total - input.deposit;
  return {
    laybyId: laybyId ?? recordIdAt(openedAt),
    customerId: context.customerId,
    items: input.items.map((item) => ({ ...item })),
    total,
    deposit: input.deposit,
    payments: [],
    paid: input.deposit,
    balance,
    status: laybyStatusFor(balance),
    dueDate: input.dueDate,
    openedAt,
    ...(input.externalId === undefined ? {} : { externalId: input.externalId }),
    ...newRecordMeta(context.actor, context.source, context.now),
  };
}

export function newAppointment(input: AppointmentCreate, context: NewRecordContext, appointmentId?: string): Appointment {
  return {
    appointmentId: appointmentId ?? recordIdAt(context.now),
    customerId: context.customerId,
    startsAt: input.startsAt,
    durationMinutes: input.durationMinutes,
    purpose: input.purpose,
    ...(input.staffId === undefined ? {} : { staffId: input.staffId }),
    ...(input.notes === undefined ? {} : { notes: input.notes }),
    status: 'scheduled',
    ...(input.externalId === undefined ? {} : { externalId: input.externalId }),
    history: [{ kind: 'created', at: context.now, by: context.actor.staffId, startsAt: input.startsAt }],
    ...newRecordMeta(context.actor, context.source, context.now),
  };
}
