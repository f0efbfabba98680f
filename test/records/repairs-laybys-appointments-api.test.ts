import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cancelAppointmentRoute,
  changeRepairStatusRoute,
  createAppointmentRoute,
  createLaybyRoute,
  createRepairRoute,
  getLaybyRoute,
  getRecordsSummaryRoute,
  getRepairRoute,
  listAppointmentsRoute,
  listLaybysRoute,
  recordLaybyPaymentRoute,
  recordPurchaseRoute,
  updateAppointmentRoute,
  updateRepairRoute,
} from '../../shared/api/records/contract';
import { createTenant } from '../../shared/domain/tenants/tenant-repository';
import { logger } from '../../shared/observability/logger';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { newCustomer, outboxEvents, principalOf, send } from './records-support';

const ZONE = 'Pacific/Auckland';
let stack: TestEmulators;
let tenantId: string;
let otherTenantId: string;

beforeAll(async () => {
  logger.setLogLevel('CRITICAL');
  stack = await startEmulators();
  tenantId = (await createTenant({ name: 'Kiwi Test', timeZone: ZONE, owner: { name: 'O', email: 'o@example.com' } })).tenantId;
  otherTenantId = (await createTenant({ name: 'Other', owner: { name: 'P', email: 'p@example.org' } })).tenantId;
});
afterAll(async () => {
  await stack?.stop();
});

const as = (role: 'owner' | 'manager' | 'salesperson' | 'workshop' | 'accountant') => principalOf(tenantId, role);
const daysFromToday = (days: number) => DateTime.now().setZone(ZONE).plus({ days }).toISODate()!;

async function summary(customerId: string) {
  const response = await send(getRecordsSummaryRoute, { customerId }, { principal: as('owner') });
  expect(response.status).toBe(200);
  return response.body;
}

describe('repairs', () => {
  it('a workshop user takes in a repair (201) but cannot record a purchase (403)', async () => {
    const customerId = await newCustomer(tenantId);
    const repair = await send(createRepairRoute, { customerId }, {
      principal: as('workshop'),
      body: { itemDescription: 'Resize ring to N', promisedDate: daysFromToday(7), estimate: 8_500 },
    });
    expect(repair.status).toBe(201);
    expect(repair.body).toMatchObject({ status: 'received', estimate: 8_500, createdBy: 'staff-workshop' });

    const purchase = await send(recordPurchaseRoute, { customerId }, {
      principal: as('workshop'),
      body: { lines: [{ department: 'repairs', amount: 8_500 }] },
    });
    expect(purchase.status).toBe(403);
  });

  it('moves through received → in_progress → ready → collected, refusing other moves with 409 and the current status', async () => {
    const customerId = await newCustomer(tenantId);
    const { body: repair } = await send(createRepairRoute, { customerId }, { principal: as('workshop'), body: { itemDescription: 'Re-tip claws' } });
    const params = { customerId, repairId: repair.repairId };
    const move = (status: string) => send(changeRepairStatusRoute, params, { principal: as('workshop'), body: { status } });

    const skip = await move('ready');
    expect(skip.status).toBe(409);
    expect(skip.body).toMatchObject({ currentStatus: 'received', allowedStatuses: ['in_progress', 'cancelled'] });

    expect((await move('in_progress')).status).toBe(200);
    expect((await summary(customerId)).aggregates.repairsByStatus).toMatchObject({ received: 0, in_progress: 1 });
    const ready = await move('ready');
    expect(ready.status).toBe(200);
    expect((await summary(customerId)).activeRepairs).toBe(1);
    expect((await move('collected')).body.status).toBe('collected');

    const afterFinal = await move('cancelled');
    expect(afterFinal.status).toBe(409);
    expect(afterFinal.body).toMatchObject({ currentStatus: 'collected', allowedStatuses: [] });

    const read = await send(getRepairRoute, params, { principal: as('accountant') });
    expect(read.body.history.map((h: { status: string }) => h.status)).toEqual(['received', 'in_progress', 'ready', 'collected']);
    const s = await summary(customerId);
    expect(s.aggregates.repairsByStatus).toEqual({ received: 0, in_progress: 0, ready: 0, collected: 1, cancelled: 0 });
    expect(s.activeRepairs).toBe(0);

    const events = await outboxEvents(stack.tableName, customerId);
    expect(events.map((e) => (e.type === 'repair.status_changed' ? `${e.from}->${e.to}` : e.type))).toEqual([
      'null->received',
      'received->in_progress',
      'in_progress->ready',
      'ready->collected',
    ]);
  });

  it('cancels from a state that is not final, and edits details without touching the status', async () => {
    const customerId = await newCustomer(tenantId);
    const { body: repair } = await send(createRepairRoute, { customerId }, { principal: as('salesperson'), body: { itemDescription: 'Watch service', notes: 'Scratched case' } });
    const params = { customerId, repairId: repair.repairId };
    const edited = await send(updateRepairRoute, params, { principal: as('workshop'), body: { estimate: 45_000, notes: null } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ estimate: 45_000, status: 'received' });
    expect(edited.body.notes).toBeUndefined();

    const cancelled = await send(changeRepairStatusRoute, params, { principal: as('workshop'), body: { status: 'cancelled', note: 'Customer changed mind' } });
    expect(cancelled.status).toBe(200);
    expect((await summary(customerId)).aggregates.repairsByStatus.cancelled).toBe(1);
  });

  it('rejects an unknown status with 400 and its path', async () => {
    const customerId = await newCustomer(tenantId);
    const { body: repair } = await send(createRepairRoute, { customerId }, { principal: as('workshop'), body: { itemDescription: 'Chain' } });
    const response = await send(changeRepairStatusRoute, { customerId, repairId: repair.repairId }, { principal: as('workshop'), body: { status: 'done' } });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].path).toBe('body.status');
  });
});

describe('lay-bys', () => {
  it('is overdue when read after its due day with a balance, and not once paid off', async () => {
    const customerId = await newCustomer(tenantId);
    const created = await send(createLaybyRoute, { customerId }, {
      principal: as('accountant'),
      body: {
        items: [{ description: 'Pearl strand', department: 'Pearls', amount: 240_000 }],
        deposit: 40_000,
        dueDate: daysFromToday(-1),
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ total: 240_000, paid: 40_000, balance: 200_000, status: 'open', overdue: true });
    expect(created.body.items[0].department).toBe('pearls');

    const dueToday = await send(createLaybyRoute, { customerId }, {
      principal: as('manager'),
      body: { items: [{ description: 'Charm', amount: 9_000 }], total: 9_000, dueDate: daysFromToday(0) },
    });
    expect(dueToday.body.overdue).toBe(false);

    let s = await summary(customerId);
    expect(s.aggregates).toMatchObject({ openLaybys: 2, outstandingBalance: 209_000, earliestLaybyDue: daysFromToday(-1) });
    expect(s.laybyOverdue).toBe(true);

    const laybyId = created.body.laybyId;
    const tooMuch = await send(recordLaybyPaymentRoute, { customerId, laybyId }, { principal: as('accountant'), body: { amount: 200_001 } });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body).toMatchObject({ balance: 200_000, errors: [{ path: 'body.amount' }] });

    const paid = await send(recordLaybyPaymentRoute, { customerId, laybyId }, { principal: as('accountant'), body: { amount: 200_000, method: 'card' } });
    expect(paid.status).toBe(201);
    expect(paid.body.layby).toMatchObject({ balance: 0, status: 'paid', overdue: false });

    const again = await send(recordLaybyPaymentRoute, { customerId, laybyId }, { principal: as('accountant'), body: { amount: 1 } });
    expect(again.status).toBe(409);

    s = await summary(customerId);
    expect(s.aggregates).toMatchObject({ openLaybys: 1, outstandingBalance: 9_000, earliestLaybyDue: daysFromToday(0) });
    expect(s.laybyOverdue).toBe(false);

    expect((await send(getLaybyRoute, { customerId, laybyId }, { principal: as('salesperson') })).body.overdue).toBe(false);
    const list = await send(listLaybysRoute, { customerId }, { principal: as('workshop') });
    expect(list.body.items).toHaveLength(2);

    const events = await outboxEvents(stack.tableName, customerId);
    expect(events.map((e) => e.type)).toEqual(['layby.created', 'layby.created', 'layby.paid']);
    expect(events[2]).toMatchObject({ laybyId, amount: 200_000, balance: 0 });
  });

  it('is only for owner, manager or accountant to write, and checks the total against the items', async () => {
    const customerId = await newCustomer(tenantId);
    const body = { items: [{ description: 'Ring', amount: 100_000 }], total: 90_000, deposit: 120_000, dueDate: daysFromToday(30) };
    const refused = await send(createLaybyRoute, { customerId }, { principal: as('salesperson'), body });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toBe('Only owner, manager or accountant can record lay-bys.');
    const invalid = await send(createLaybyRoute, { customerId }, { principal: as('owner'), body });
    expect(invalid.status).toBe(400);
    expect((invalid.body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['body.deposit', 'body.total']);
  });
});

describe('appointments', () => {
  it('books, moves and cancels, emitting created, moved and cancelled, and keeps the next appointment current', async () => {
    const customerId = await newCustomer(tenantId);
    const tomorrow = DateTime.now().plus({ days: 1 }).startOf('hour').toUTC().toISO()!;
    const nextWeek = DateTime.now().plus({ days: 7 }).startOf('hour').toUTC().toISO()!;
    const inTwoWeeks = DateTime.now().plus({ days: 14 }).startOf('hour').toUTC().toISO()!;

    const booked = await send(createAppointmentRoute, { customerId }, {
      principal: as('salesperson'),
      body: { startsAt: tomorrow, purpose: 'Engagement ring consultation', staffId: 'staff-manager' },
    });
    expect(booked.status).toBe(201);
    expect(booked.body).toMatchObject({ status: 'scheduled', durationMinutes: 30 });
    const later = await send(createAppointmentRoute, { customerId }, { principal: as('owner'), body: { startsAt: inTwoWeeks, purpose: 'Ring pick-up' } });
    expect((await summary(customerId)).aggregates.nextAppointmentAt).toBe(tomorrow);

    const params = { customerId, appointmentId: booked.body.appointmentId };
    const moved = await send(updateAppointmentRoute, params, { principal: as('salesperson'), body: { startsAt: nextWeek, notes: 'Bring the sketch' } });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ startsAt: nextWeek, notes: 'Bring the sketch' });
    expect((await summary(customerId)).aggregates.nextAppointmentAt).toBe(nextWeek);

    const cancelled = await send(cancelAppointmentRoute, params, { principal: as('salesperson'), body: { reason: 'Travelling' } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.history.at(-1)).toMatchObject({ kind: 'cancelled', note: 'Travelling', startsAt: nextWeek });
    expect((await summary(customerId)).aggregates.nextAppointmentAt).toBe(inTwoWeeks);

    expect((await send(cancelAppointmentRoute, params, { principal: as('salesperson') })).status).toBe(409);
    expect((await send(updateAppointmentRoute, params, { principal: as('salesperson'), body: { startsAt: tomorrow } })).status).toBe(409);

    const events = await outboxEvents(stack.tableName, customerId);
    expect(events.map((e) => e.type)).toEqual(['appointment.created', 'appointment.created', 'appointment.moved', 'appointment.cancelled']);
    expect(events[2]).toMatchObject({ appointmentId: booked.body.appointmentId, startsAt: nextWeek, previousStartsAt: tomorrow });
    expect(events[3]).toMatchObject({ appointmentId: booked.body.appointmentId });

    const list = await send(listAppointmentsRoute, { customerId }, { principal: as('workshop') });
    expect(list.body.items.map((a: { appointmentId: string }) => a.appointmentId)).toEqual([later.body.appointmentId, booked.body.appointmentId]);
  });

  it('changing only the notes is not a move', async () => {
    const customerId = await newCustomer(tenantId);
    const startsAt = DateTime.now().plus({ days: 3 }).startOf('hour').toUTC().toISO()!;
    const booked = await send(createAppointmentRoute, { customerId }, { principal: as('owner'), body: { startsAt, purpose: 'Valuation' } });
    await send(updateAppointmentRoute, { customerId, appointmentId: booked.body.appointmentId }, { principal: as('owner'), body: { notes: 'Two rings' } });
    const events = await outboxEvents(stack.tableName, customerId);
    expect(events.map((e) => e.type)).toEqual(['appointment.created']);
  });

  it("is 404 for another tenant's customer and for an unknown appointment", async () => {
    const customerId = await newCustomer(tenantId);
    const startsAt = DateTime.now().plus({ days: 3 }).toUTC().toISO()!;
    const foreign = await send(createAppointmentRoute, { customerId }, { principal: principalOf(otherTenantId, 'owner'), body: { startsAt, purpose: 'x' } });
    expect(foreign.status).toBe(404);
    const unknown = await send(cancelAppointmentRoute, { customerId, appointmentId: 'nope' }, { principal: as('owner') });
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toBe('Appointment was not found.');
  });
});
