/**
 * Automations end to end over the emulators (dynalite, local SQS, the SES emulator read back through its store):
 * the API switches an automation on, the runner (invoked as its schedule does, and through the clock override) and
 * the domain-events consumer find what is due, the pipeline's send worker sends it.
 *  - a customer whose birthday is today gets the birthday email once, although the runner runs several times, some
 *    of them at the same moment; a customer without consent is skipped by the pipeline's gate; the outcomes reach the
 *    automation's 30-day counts, the runs list shows each pass, the timeline shows kind `automation`;
 *  - moving a repair to `ready` sends the notice, once, even when the event is handled twice;
 *  - a cancelled appointment sends no reminder; an appointment that stays sends its 24 h reminder when the runner
 *    reaches it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { automationsApi } from '../../functions/http/automations';
import { handler as customersHandler } from '../../functions/http/customers';
import { handler as recordsHandler } from '../../functions/http/records';
import type { Principal } from '../../shared/auth/roles';
import { defaultContentFor } from '../../shared/domain/automations/default-templates';
import { localDateOf } from '../../shared/domain/automations/local-time';
import { automationReaction } from '../../shared/domain/automations/reaction-service';
import { loadOccurrence } from '../../shared/domain/automations/store/occurrence-store';
import { loadReentryHistory } from '../../shared/domain/automations/store/reentry-store';
import type { DomainEvent } from '../../shared/events/domain-events';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { apiEvent, callRoute } from '../support/http';
import { newCustomer, newTenant, queueArns, sesEmails } from '../sending/pipeline-support';
import { consumeDomainEvents, deliverPriority, runRunner, type Lanes } from './support';

let stack: TestEmulators;
let lanes: Lanes;
let owner: Principal;
const ids: Record<string, string> = {};
const automations = automationsApi();
const SYDNEY = 'Australia/Sydney';

const mailTo = async (address: string) => (await sesEmails(stack.endpoints.ses!)).filter((email) => email.destination.to.includes(address));

function call(handler: Parameters<typeof callRoute>[0], method: 'GET' | 'POST' | 'PATCH', path: string, routeKey: string, options: { body?: unknown; params?: Record<string, string> } = {}) {
  return callRoute(
    handler,
    apiEvent({
      method,
      path,
      routeKey: `${method} ${routeKey}`,
      principal: owner,
      ...(options.params ? { pathParameters: options.params } : {}),
      ...(options.body === undefined ? {} : { body: options.body }),
    }),
  );
}

const createAutomation = async (body: unknown): Promise<string> => {
  const created = await call(automations, 'POST', '/v1/automations', '/v1/automations', { body });
  expect(created.status).toBe(201);
  return created.body.automationId;
};
const getAutomation = (id: string) => call(automations, 'GET', `/v1/automations/${id}`, '/v1/automations/{automationId}', { params: { automationId: id } });

function monthDayOf(date: string) {
  return { month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) };
}

beforeAll(async () => {
  process.env.SIGNING_KEY = 'test-signing-key-0123456789abcdefghijklmnop';
  process.env.PUBLIC_API_URL = 'https://api.facet.example';
  stack = await startEmulators({ sqs: true, ses: true });
  lanes = { urls: stack.queueUrls, arns: await queueArns(stack.queueUrls) };
  owner = await newTenant('Demo Jewels');
  const today = localDateOf(Date.now(), SYDNEY);
  const tomorrow = localDateOf(Date.now() + 86_400_000, SYDNEY);
  const marketing = { email: { marketing: 'granted' } };
  ids.ann = await newCustomer(owner, { firstName: 'Ann', email: 'ann@birthday.example', birthday: { ...monthDayOf(today), year: 1990 }, consent: marketing });
  ids.bob = await newCustomer(owner, { firstName: 'Bob', email: 'bob@birthday.example', birthday: monthDayOf(today) });
  ids.cat = await newCustomer(owner, { firstName: 'Cat', email: 'cat@birthday.example', birthday: monthDayOf(tomorrow), consent: marketing });
  ids.dan = await newCustomer(owner, { firstName: 'Dan', email: 'dan@repair.example' });
  ids.eve = await newCustomer(owner, { firstName: 'Eve', email: 'eve@appointment.example' });
  ids.fay = await newCustomer(owner, { firstName: 'Fay', email: 'fay@purchase.example', consent: marketing });
  ids.gus = await newCustomer(owner, { firstName: 'Gus', email: 'gus@purchase.example' });
});

afterAll(async () => stack?.stop());

describe('birthday automation', () => {
  let automationId: string;

  beforeAll(async () => {
    // Midnight: today's send hour has passed whenever the test runs, so today's birthdays go at the next pass.
    automationId = await createAutomation({ type: 'birthday', name: 'Birthday wishes', enabled: true, timing: { sendHour: 0 } });
  });

  it('sends today\'s birthday email once, however often the runner runs', async () => {
    await runRunner();
    await runRunner();
    await Promise.all([runRunner(), runRunner()]);
    await deliverPriority(lanes);
    await runRunner();
    await deliverPriority(lanes);

    const mail = await mailTo('ann@birthday.example');
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe('Happy birthday, Ann!');
    expect(await mailTo('bob@birthday.example')).toHaveLength(0);
    expect(await mailTo('cat@birthday.example')).toHaveLength(0);
  });

  it('settles each occurrence with the pipeline\'s outcome and counts it', async () => {
    await runRunner();
    const year = localDateOf(Date.now(), SYDNEY).slice(0, 4);
    const ann = await loadOccurrence(owner.tenantId, { automationId, customerId: ids.ann!, occurrenceKey: `${automationId}/${ids.ann}/birthday/${year}` });
    expect(ann?.status).toMatchObject({ state: 'sent' });
    expect(ann?.status.messageId).toBeTruthy();
    const view = await getAutomation(automationId);
    expect(view.body.counts).toMatchObject({ fired: 1, skipped: { no_consent: 1 }, failed: 0, unknown: 0 });
    expect(view.body.lastRun).toMatchObject({ automationId, clockOverride: false });
  });

  it('lists one run per pass, and the timeline shows the automation message', async () => {
    const runs = await call(automations, 'GET', `/v1/automations/${automationId}/runs`, '/v1/automations/{automationId}/runs', { params: { automationId } });
    expect(runs.status).toBe(200);
    // Six passes; of the two started together one may find the tenant held by the other (it records nothing).
    expect(runs.body.items.length).toBeGreaterThanOrEqual(5);
    const first = runs.body.items.at(-1);
    expect(first).toMatchObject({ evaluated: true, counts: { due: expect.any(Number) } });
    expect(first.dueAt).not.toBeNull();
    // Switched on after today's send hour: its messages went at once, which is not late.
    expect(first.latenessSeconds).toBeLessThan(120);
    expect(runs.body.items.reduce((sum: number, run: { counts: { enqueued: number } }) => sum + run.counts.enqueued, 0)).toBe(2);

    const timeline = await call(customersHandler, 'GET', `/v1/customers/${ids.ann}/communications`, '/v1/customers/{customerId}/communications', {
      params: { customerId: ids.ann! },
    });
    expect(timeline.body.items).toContainEqual(expect.objectContaining({ kind: 'automation', status: 'sent', subject: 'Happy birthday, Ann!' }));
  });

  it('previews tomorrow\'s recipients with the reason', async () => {
    const tomorrow = localDateOf(Date.now() + 86_400_000, SYDNEY);
    const preview = await callRoute(
      automations,
      apiEvent({
        method: 'POST',
        path: `/v1/automations/${automationId}/preview`,
        routeKey: 'POST /v1/automations/{automationId}/preview',
        pathParameters: { automationId },
        query: { date: tomorrow },
        principal: { ...owner, role: 'salesperson' },
      }),
    );
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ date: tomorrow, total: 1, truncated: false });
    expect(preview.body.recipients[0]).toMatchObject({ customerId: ids.cat, firstName: 'Cat', reason: expect.stringContaining(`birthday on ${tomorrow}`) });
  });
});

describe('repair ready', () => {
  it('sends the notice when a repair moves to ready, once', async () => {
    await createAutomation({ type: 'repair_ready', name: 'Repair ready', enabled: true });
    const repair = await call(recordsHandler, 'POST', `/v1/customers/${ids.dan}/repairs`, '/v1/customers/{customerId}/repairs', {
      params: { customerId: ids.dan! },
      body: { itemDescription: 'Gold chain, clasp replaced' },
    });
    expect(repair.status).toBe(201);
    const repairId = repair.body.repairId as string;
    const status = (to: string) =>
      call(recordsHandler, 'POST', `/v1/customers/${ids.dan}/repairs/${repairId}/status`, '/v1/customers/{customerId}/repairs/{repairId}/status', {
        params: { customerId: ids.dan!, repairId },
        body: { status: to },
      });
    expect((await status('in_progress')).status).toBe(200);
    await consumeDomainEvents(lanes);
    await deliverPriority(lanes);
    expect(await mailTo('dan@repair.example')).toHaveLength(0);

    expect((await status('ready')).status).toBe(200);
    await consumeDomainEvents(lanes);
    await deliverPriority(lanes);
    const mail = await mailTo('dan@repair.example');
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe(defaultContentFor('repair_ready').email.subject);
    expect(mail[0]!.body.html).toContain('ready to collect from Demo Jewels');

    // A replayed event (the consumer's dedupe bypassed) finds its occurrences claimed already.
    const replay: DomainEvent = {
      eventId: 'replayed',
      tenantId: owner.tenantId,
      customerId: ids.dan!,
      occurredAt: new Date().toISOString(),
      source: 'api',
      type: 'repair.status_changed',
      repairId,
      from: 'in_progress',
      to: 'ready',
    };
    await automationReaction().run(replay as never);
    await deliverPriority(lanes);
    expect(await mailTo('dan@repair.example')).toHaveLength(1);
  });
});

describe('appointment reminders', () => {
  it('sends no reminder for a cancelled appointment, and the 24 h reminder for one that stays', async () => {
    const automationId = await createAutomation({ type: 'appointment_reminder', name: 'Appointment reminders', enabled: true });
    const startsAt = new Date(Date.now() + 3 * 86_400_000);
    startsAt.setUTCMinutes(0, 0, 0);
    const book = async () => {
      const created = await call(recordsHandler, 'POST', `/v1/customers/${ids.eve}/appointments`, '/v1/customers/{customerId}/appointments', {
        params: { customerId: ids.eve! },
        body: { startsAt: startsAt.toISOString(), purpose: 'Ring sizing' },
      });
      expect(created.status).toBe(201);
      return created.body.appointmentId as string;
    };
    const cancelled = await book();
    const kept = await book();
    await consumeDomainEvents(lanes);
    const cancel = await call(recordsHandler, 'POST', `/v1/customers/${ids.eve}/appointments/${cancelled}/cancel`, '/v1/customers/{customerId}/appointments/{appointmentId}/cancel', {
      params: { customerId: ids.eve!, appointmentId: cancelled },
      body: {},
    });
    expect(cancel.status).toBe(200);
    await consumeDomainEvents(lanes);

    const key = (appointmentId: string, minutes: number) => `${automationId}/${ids.eve}/appointment/${appointmentId}/${startsAt.toISOString()}/${minutes}`;
    const stateOf = async (appointmentId: string, minutes: number) =>
      (await loadOccurrence(owner.tenantId, { automationId, customerId: ids.eve!, occurrenceKey: key(appointmentId, minutes) }))?.status;
    expect(await stateOf(cancelled, 1440)).toMatchObject({ state: 'skipped', reason: 'appointment_cancelled' });
    expect(await stateOf(kept, 1440)).toMatchObject({ state: 'scheduled' });

    // Through the clock override: a minute after the 24 h reminder fell due.
    await runRunner(new Date(startsAt.getTime() - 1440 * 60_000 + 60_000));
    await deliverPriority(lanes);
    const mail = await mailTo('eve@appointment.example');
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe('Reminder: your appointment at Demo Jewels');
    expect(await stateOf(cancelled, 60)).toMatchObject({ state: 'skipped' });
    expect(await stateOf(kept, 60)).toMatchObject({ state: 'scheduled' });
  });
});

describe('post-purchase with a re-entry policy', () => {
  it('sends the first purchase its message and skips a second one within the spacing; a refused message gives its place back', async () => {
    const automationId = await createAutomation({
      type: 'post_purchase',
      name: 'Thank you',
      enabled: true,
      // Due at the purchase itself (the send hour of its day has always passed by then): handed over at once.
      timing: { daysAfter: 0, sendHour: 0 },
      reentry: { minDaysBetween: 30 },
    });
    const buy = async (customerId = ids.fay!) => {
      const created = await call(recordsHandler, 'POST', `/v1/customers/${customerId}/purchases`, '/v1/customers/{customerId}/purchases', {
        params: { customerId },
        body: { lines: [{ department: 'pearls', amount: 25_000 }] },
      });
      expect(created.status).toBe(201);
      await consumeDomainEvents(lanes);
      await deliverPriority(lanes);
      return created.body.purchaseId as string;
    };
    const first = await buy();
    const second = await buy();
    expect(await mailTo('fay@purchase.example')).toHaveLength(1);
    const state = async (purchaseId: string) =>
      (await loadOccurrence(owner.tenantId, { automationId, customerId: ids.fay!, occurrenceKey: `${automationId}/${ids.fay}/purchase/${purchaseId}` }))?.status;
    expect(await state(second)).toMatchObject({ state: 'skipped', reason: 'reentry' });
    await runRunner();
    expect(await state(first)).toMatchObject({ state: 'sent' });
    expect((await loadReentryHistory(owner.tenantId, automationId, ids.fay!)).entries.map((entry) => entry.occurrenceKey)).toEqual([
      `${automationId}/${ids.fay}/purchase/${first}`,
    ]);

    // Gus has no marketing consent: the pipeline's gate skips his message, and it leaves no mark on his spacing.
    const refused = await buy(ids.gus!);
    expect((await loadReentryHistory(owner.tenantId, automationId, ids.gus!)).entries).toHaveLength(1);
    await runRunner();
    const gus = await loadOccurrence(owner.tenantId, { automationId, customerId: ids.gus!, occurrenceKey: `${automationId}/${ids.gus}/purchase/${refused}` });
    expect(gus?.status).toMatchObject({ state: 'skipped', reason: 'no_consent' });
    expect((await loadReentryHistory(owner.tenantId, automationId, ids.gus!)).entries).toHaveLength(0);
  });
});
