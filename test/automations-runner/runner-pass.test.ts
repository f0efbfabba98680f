/**
 * Runner passes against dynalite and local SQS with in-memory books (the pass's logic, not the worker's): when the
 * book is read at all, catch-up after a gap (`missed` with the reason, today's still sent), no backlog on switching
 * on, checkpointed slices of a big book resumed by the next invocation without reading a customer twice, and the
 * domain-event reaction (imports ignored, scheduled occurrences, cancellations, the sender's re-read).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../shared/auth/roles';
import { createAutomation } from '../../shared/domain/automations/automation-service';
import { automationDefinitionSchema, type AutomationDefinitionInput } from '../../shared/domain/automations/automation-schema';
import { reactToBookEvent } from '../../shared/domain/automations/reaction-service';
import { evaluationNeed, runPass, type RunnerDeps } from '../../shared/domain/automations/runner';
import { loadEnabledMarker } from '../../shared/domain/automations/store/automation-store';
import { memoryBookPort, type BookPort } from '../../shared/domain/automations/store/book-port';
import { loadOccurrence } from '../../shared/domain/automations/store/occurrence-store';
import { listRuns } from '../../shared/domain/automations/store/run-store';
import { bookCustomerFromItem, type BookCustomer } from '../../shared/domain/segments/book-customer';
import type { DomainEvent } from '../../shared/events/domain-events';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { newTenant } from '../sending/pipeline-support';

let stack: TestEmulators;
const books = new Map<string, BookPort>();

beforeAll(async () => {
  stack = await startEmulators({ sqs: true, ses: true });
});
afterAll(async () => stack?.stop());

const customer = (customerId: string, fields: Record<string, unknown> = {}): BookCustomer =>
  bookCustomerFromItem({ customerId, firstName: customerId, lastName: 'Test', email: `${customerId}@x.example`, ...fields });
const birthdayOn = (month: number, day: number) => ({ birthday: { month, day } });

function deps(now: string, overrides: Partial<RunnerDeps> = {}): RunnerDeps {
  return {
    now: new Date(now),
    scheduledAt: new Date(now),
    clockOverride: false,
    deadlineMs: Date.now() + 60_000,
    leaseUntilMs: Date.now() + 120_000,
    book: (tenantId) => books.get(tenantId) ?? memoryBookPort([]),
    ...overrides,
  };
}

async function automation(owner: Principal, input: AutomationDefinitionInput, enabledAt: string): Promise<string> {
  const stored = await createAutomation(owner, automationDefinitionSchema.parse({ enabled: true, ...input }), new Date(enabledAt));
  return stored.automation.automationId;
}

const stateOf = async (owner: Principal, automationId: string, customerId: string, part: string) =>
  (await loadOccurrence(owner.tenantId, { automationId, customerId, occurrenceKey: `${automationId}/${customerId}/${part}` }))?.status;

describe('when a pass reads the book (pure)', () => {
  const base = { automation: { timing: { sendHour: 9 } }, timeZone: 'Australia/Sydney', defaultSendHour: 10 };
  const window = (from: string, to: string) => ({ from: Date.parse(from), to: Date.parse(to) });
  // 09:00 in Sydney (AEST, UTC+10) on 10 June is 23:00 UTC on 9 June.
  const checkpoint = { windowEnd: '2026-06-09T22:45:00.000Z', timeZone: 'Australia/Sydney', evaluatedAt: '2026-06-09T00:00:00.000Z' };

  it('reads it when the send hour came since the last pass, and names that moment', () => {
    const need = evaluationNeed({ ...base, updatedAt: '2026-06-01T00:00:00Z', checkpoint, window: window('2026-06-09T14:00:00Z', '2026-06-09T23:00:30Z') });
    expect(need).toEqual({ evaluate: true, dueAt: Date.parse('2026-06-09T23:00:00Z') });
  });

  it('does not before the send hour, nor in the hour after the last reading', () => {
    const early = { ...checkpoint, evaluatedAt: '2026-06-09T23:05:00.000Z', windowEnd: '2026-06-09T23:05:00.000Z' };
    expect(evaluationNeed({ ...base, updatedAt: '2026-06-01T00:00:00Z', checkpoint, window: window('2026-06-09T14:00:00Z', '2026-06-09T22:50:00Z') }).evaluate).toBe(false);
    expect(evaluationNeed({ ...base, updatedAt: '2026-06-01T00:00:00Z', checkpoint: early, window: window('2026-06-09T14:00:00Z', '2026-06-09T23:20:00Z') }).evaluate).toBe(false);
    // An hour after the last reading, later in the day: customers added since are caught.
    expect(evaluationNeed({ ...base, updatedAt: '2026-06-01T00:00:00Z', checkpoint: early, window: window('2026-06-09T14:00:00Z', '2026-06-10T00:06:00Z') }).evaluate).toBe(true);
  });

  it('reads it after an edit or a time-zone change, and for the first pass', () => {
    const within = window('2026-06-09T14:00:00Z', '2026-06-09T22:50:00Z');
    expect(evaluationNeed({ ...base, updatedAt: '2026-06-09T22:46:00Z', checkpoint, window: within }).evaluate).toBe(true);
    expect(evaluationNeed({ ...base, updatedAt: '2026-06-01T00:00:00Z', checkpoint: { ...checkpoint, timeZone: 'Europe/London' }, window: within }).evaluate).toBe(true);
    expect(evaluationNeed({ ...base, updatedAt: '2026-06-01T00:00:00Z', checkpoint: undefined, window: within }).evaluate).toBe(true);
  });
});

describe('catch-up and switching on', () => {
  it('sends what is still worth sending after a gap, records the rest as missed, and never the backlog', async () => {
    const owner = await newTenant('Gap Jewels');
    const birthdays = [
      customer('before-on', birthdayOn(5, 31)),
      customer('on-day-1', birthdayOn(6, 1)),
      customer('day-2', birthdayOn(6, 2)),
      customer('day-4', birthdayOn(6, 4)),
      customer('day-6', birthdayOn(6, 6)),
      customer('day-7', birthdayOn(6, 7)),
      customer('erased', { ...birthdayOn(6, 6), erased: true }),
    ];
    books.set(owner.tenantId, memoryBookPort(birthdays));
    // Switched on at 10:00 on 1 June in Sydney; send hour 09:00 (23:00 UTC the day before).
    const id = await automation(owner, { type: 'birthday', name: 'Birthdays', timing: { sendHour: 9 } }, '2026-06-01T00:00:00Z');

    await runPass(deps('2026-06-02T00:30:00Z'));
    expect(await stateOf(owner, id, 'before-on', 'birthday/2026')).toBeUndefined();
    // Its send hour had passed when it was switched on: today's still go, at once.
    expect(await stateOf(owner, id, 'on-day-1', 'birthday/2026')).toMatchObject({ state: 'missed', reason: 'runner_gap' });
    expect(await stateOf(owner, id, 'day-2', 'birthday/2026')).toMatchObject({ state: 'enqueued' });

    // Four days without a pass.
    await runPass(deps('2026-06-05T23:30:00Z'));
    const day4 = await stateOf(owner, id, 'day-4', 'birthday/2026');
    expect(day4).toMatchObject({ state: 'missed', reason: 'runner_gap' });
    expect(day4?.detail).toContain('the birthday passed');
    expect(await stateOf(owner, id, 'day-6', 'birthday/2026')).toMatchObject({ state: 'enqueued' });
    expect(await stateOf(owner, id, 'day-7', 'birthday/2026')).toBeUndefined();
    // No worker ran in this test: the sweeper takes the 2 June message out of the queue once its day is over.
    expect(await stateOf(owner, id, 'day-2', 'birthday/2026')).toMatchObject({ state: 'missed', reason: 'send_late' });
    expect(await stateOf(owner, id, 'erased', 'birthday/2026')).toBeUndefined();

    const runs = (await listRuns(owner.tenantId, id, { limit: 10 })).items;
    expect(runs).toHaveLength(2);
    expect(runs[0]).toMatchObject({ evaluated: true, dueAt: '2026-06-02T23:00:00.000Z', counts: { enqueued: 1, missed: 2, customersRead: 7 } });
    expect(runs[0]!.latenessSeconds).toBe(3 * 86_400 + 1800);
  });

  it('does not read the book again until something can be due', async () => {
    const owner = await newTenant('Quiet Jewels');
    books.set(owner.tenantId, memoryBookPort([customer('c1', birthdayOn(7, 1))]));
    const id = await automation(owner, { type: 'birthday', name: 'Birthdays', timing: { sendHour: 9 } }, '2026-06-20T00:00:00Z');
    await runPass(deps('2026-06-20T20:00:00Z'));
    await runPass(deps('2026-06-20T20:15:00Z'));
    await runPass(deps('2026-06-20T23:15:00Z'));
    const runs = (await listRuns(owner.tenantId, id, { limit: 10 })).items.reverse();
    expect(runs.map((run) => run.evaluated)).toEqual([true, false, true]);
    expect(runs[2]!.dueAt).toBe('2026-06-20T23:00:00.000Z');
    expect((await loadEnabledMarker(owner.tenantId, id))?.checkpoint).toMatchObject({ windowEnd: '2026-06-20T23:15:00.000Z' });
  });
});

describe('domain events', () => {
  const event = (owner: Principal, fields: Record<string, unknown>) =>
    ({ eventId: `e-${Math.random()}`, tenantId: owner.tenantId, customerId: 'cust-1', source: 'api', ...fields }) as unknown as Parameters<typeof reactToBookEvent>[0];

  it('never reacts to imported records', async () => {
    const owner = await newTenant('Import Jewels');
    const id = await automation(owner, { type: 'post_purchase', name: 'Thanks' }, '2026-01-01T00:00:00Z');
    const imported = event(owner, { type: 'purchase.recorded', purchaseId: 'p-2019', purchasedAt: '2026-06-01T01:00:00Z', occurredAt: '2026-06-01T01:00:00Z', amount: 100, departments: [], source: 'import' });
    const outcome = await reactToBookEvent(imported, { now: () => new Date('2026-06-01T01:00:00Z') });
    expect(outcome).toEqual({ handedOver: 0, scheduled: 0, cancelled: 0, alreadyKnown: 0 });
    expect(await stateOf(owner, id, 'cust-1', 'purchase/p-2019')).toBeUndefined();
  });

  it('schedules a post-purchase message, once for a replayed event, and re-reads the purchase when it falls due', async () => {
    const owner = await newTenant('Purchase Jewels');
    books.set(owner.tenantId, memoryBookPort([customer('cust-1')]));
    const id = await automation(owner, { type: 'post_purchase', name: 'Thanks' }, '2026-01-01T00:00:00Z');
    const purchase = event(owner, { type: 'purchase.recorded', purchaseId: 'p-1', purchasedAt: '2026-06-01T01:00:00Z', occurredAt: '2026-06-01T01:00:00Z', amount: 100, departments: ['pearls'] });
    const first = await reactToBookEvent(purchase, { now: () => new Date('2026-06-01T01:00:05Z') });
    const replay = await reactToBookEvent(purchase, { now: () => new Date('2026-06-01T02:00:00Z') });
    expect(first.scheduled).toBe(1);
    expect(replay).toMatchObject({ scheduled: 0, alreadyKnown: 1 });
    const scheduled = await loadOccurrence(owner.tenantId, { automationId: id, customerId: 'cust-1', occurrenceKey: `${id}/cust-1/purchase/p-1` });
    // Three days after the purchase day (1 June in Sydney), at the default send hour 10:00 (00:00 UTC).
    expect(scheduled).toMatchObject({ status: { state: 'scheduled' }, occurrence: { dueAt: '2026-06-04T00:00:00.000Z' } });

    await runPass(deps('2026-06-03T20:00:00Z'));
    expect(await stateOf(owner, id, 'cust-1', 'purchase/p-1')).toMatchObject({ state: 'scheduled' });
    // Due: the sender re-reads the purchase, which this test never stored.
    await runPass(deps('2026-06-04T00:05:00Z'));
    expect(await stateOf(owner, id, 'cust-1', 'purchase/p-1')).toMatchObject({ state: 'skipped', reason: 'record_missing' });
  });

  it('schedules lay-by reminders and cancels them when it is paid off', async () => {
    const owner = await newTenant('Layby Jewels');
    const id = await automation(owner, { type: 'layby_overdue', name: 'Lay-by overdue', timing: { everyDays: 7, maxReminders: 2 } }, '2026-01-01T00:00:00Z');
    const created = event(owner, { type: 'layby.created', laybyId: 'l-1', dueDate: '2026-07-01', occurredAt: '2026-06-01T01:00:00Z' });
    expect((await reactToBookEvent(created, { now: () => new Date('2026-06-01T01:00:00Z') })).scheduled).toBe(3);
    const paid = event(owner, { type: 'layby.paid', laybyId: 'l-1', paymentId: 'pay-1', amount: 500, balance: 0, occurredAt: '2026-06-20T01:00:00Z' });
    expect((await reactToBookEvent(paid, { now: () => new Date('2026-06-20T01:00:00Z') })).cancelled).toBe(3);
    for (const step of [0, 1, 2]) expect(await stateOf(owner, id, 'cust-1', `layby/l-1/${step}`)).toMatchObject({ state: 'skipped', reason: 'layby_settled' });
  });

  it('moves appointment reminders with the appointment', async () => {
    const owner = await newTenant('Appointment Jewels');
    const id = await automation(owner, { type: 'appointment_reminder', name: 'Reminders' }, '2026-01-01T00:00:00Z');
    const startsAt = '2026-06-10T00:00:00.000Z';
    const movedTo = '2026-06-12T00:00:00.000Z';
    await reactToBookEvent(event(owner, { type: 'appointment.created', appointmentId: 'a-1', startsAt, occurredAt: '2026-06-01T00:00:00Z' }), { now: () => new Date('2026-06-01T00:00:00Z') });
    const moved = await reactToBookEvent(event(owner, { type: 'appointment.moved', appointmentId: 'a-1', startsAt: movedTo, previousStartsAt: startsAt, occurredAt: '2026-06-02T00:00:00Z' }), {
      now: () => new Date('2026-06-02T00:00:00Z'),
    });
    expect(moved).toMatchObject({ cancelled: 2, scheduled: 2 });
    expect(await stateOf(owner, id, 'cust-1', `appointment/a-1/${startsAt}/1440`)).toMatchObject({ state: 'skipped', reason: 'appointment_moved' });
    expect(await stateOf(owner, id, 'cust-1', `appointment/a-1/${movedTo}/60`)).toMatchObject({ state: 'scheduled' });
    const noDomainEvent: DomainEvent | undefined = undefined;
    expect(noDomainEvent).toBeUndefined();
  });
});
