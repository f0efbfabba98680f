/**
 * The reputation guard and automations over the emulators (issues 6 and 7): while a tenant's marketing is held,
 * marketing automations hold (the occurrence stays claimed, marked `heldSince`, nothing is sent), service automations
 * go on; once an owner acknowledges, the next pass hands the held occurrence over (one message); one that stopped being
 * worth sending while held is `missed` with reason `reputation_hold`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { automationsApi } from '../../functions/http/automations';
import { handler as recordsHandler } from '../../functions/http/records';
import type { Principal } from '../../shared/auth/roles';
import { endOfLocalDay, localDateOf } from '../../shared/domain/automations/local-time';
import { loadOccurrence } from '../../shared/domain/automations/store/occurrence-store';
import { acknowledgeReputation } from '../../shared/domain/engagement/reputation-acknowledge';
import { saveReputationState } from '../../shared/domain/engagement/reputation-store';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { apiEvent, callRoute } from '../support/http';
import { newCustomer, newTenant, queueArns, sesEmails } from '../sending/pipeline-support';
import { consumeDomainEvents, deliverPriority, runRunner, type Lanes } from './support';

let stack: TestEmulators;
let lanes: Lanes;
const automations = automationsApi();
const SYDNEY = 'Australia/Sydney';
const MARKETING = { email: { marketing: 'granted' } };
/** `marketingHold` caches the answer this long per container. */
const HOLD_CACHE_MS = 10_000;

const mailTo = async (address: string) => (await sesEmails(stack.endpoints.ses!)).filter((email) => email.destination.to.includes(address));
const today = () => localDateOf(Date.now(), SYDNEY);
const monthDayOf = (date: string) => ({ month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) });

function call(principal: Principal, handler: Parameters<typeof callRoute>[0], method: 'GET' | 'POST', path: string, routeKey: string, options: { body?: unknown; params?: Record<string, string> } = {}) {
  return callRoute(
    handler,
    apiEvent({
      method,
      path,
      routeKey: `${method} ${routeKey}`,
      principal,
      ...(options.params ? { pathParameters: options.params } : {}),
      ...(options.body === undefined ? {} : { body: options.body }),
    }),
  );
}

async function createAutomation(principal: Principal, body: unknown): Promise<string> {
  const created = await call(principal, automations, 'POST', '/v1/automations', '/v1/automations', { body });
  expect(created.status).toBe(201);
  return created.body.automationId as string;
}

async function hold(tenantId: string): Promise<void> {
  const held = await saveReputationState(tenantId, { status: 'held', version: 0, heldAt: new Date().toISOString(), reasons: ['bounce rate 6.0% above 5%'], pausedSends: [] }, 0);
  expect(held).toBe(true);
}

const birthdayState = async (tenantId: string, automationId: string, customerId: string) =>
  (await loadOccurrence(tenantId, { automationId, customerId, occurrenceKey: `${automationId}/${customerId}/birthday/${today().slice(0, 4)}` }))?.status;

beforeAll(async () => {
  process.env.SIGNING_KEY = 'test-signing-key-0123456789abcdefghijklmnop';
  process.env.PUBLIC_API_URL = 'https://api.facet.example';
  stack = await startEmulators({ sqs: true, ses: true });
  lanes = { urls: stack.queueUrls, arns: await queueArns(stack.queueUrls) };
});

afterAll(async () => stack?.stop());

describe('while the reputation guard holds marketing', () => {
  let owner: Principal;
  let birthdayId: string;
  let ann: string;

  beforeAll(async () => {
    owner = await newTenant('Held Jewels');
    ann = await newCustomer(owner, { firstName: 'Ann', email: 'ann@held.example', birthday: { ...monthDayOf(today()), year: 1990 }, consent: MARKETING });
    birthdayId = await createAutomation(owner, { type: 'birthday', name: 'Birthday wishes', enabled: true, timing: { sendHour: 0 } });
    await createAutomation(owner, { type: 'repair_ready', name: 'Repair ready', enabled: true });
    await hold(owner.tenantId);
  });

  it('holds the birthday email (claimed, marked held, nothing sent), however often the runner runs', async () => {
    await runRunner();
    await runRunner();
    await deliverPriority(lanes);
    expect(await mailTo('ann@held.example')).toHaveLength(0);
    const status = await birthdayState(owner.tenantId, birthdayId, ann);
    expect(status).toMatchObject({ state: 'claimed', heldSince: expect.any(String) });

    // The sweeper's look a pass later (the claim idle for 15 minutes): still held, so held again, nothing re-read.
    await runRunner(new Date(Date.now() + 16 * 60_000));
    await deliverPriority(lanes);
    expect(await mailTo('ann@held.example')).toHaveLength(0);
    expect(await birthdayState(owner.tenantId, birthdayId, ann)).toMatchObject({ state: 'claimed', heldSince: status!.heldSince });

    const runs = await call(owner, automations, 'GET', `/v1/automations/${birthdayId}/runs`, '/v1/automations/{automationId}/runs', { params: { automationId: birthdayId } });
    expect(runs.body.items.map((run: { counts: { held: number } }) => run.counts.held).sort()).toEqual([0, 1, 1]);
  });

  it('still sends service messages: a repair set to ready gets its notice', async () => {
    const dan = await newCustomer(owner, { firstName: 'Dan', email: 'dan@held.example' });
    const repair = await call(owner, recordsHandler, 'POST', `/v1/customers/${dan}/repairs`, '/v1/customers/{customerId}/repairs', {
      params: { customerId: dan },
      body: { itemDescription: 'Signet ring, resized' },
    });
    expect(repair.status).toBe(201);
    const repairId = repair.body.repairId as string;
    const status = (to: string) =>
      call(owner, recordsHandler, 'POST', `/v1/customers/${dan}/repairs/${repairId}/status`, '/v1/customers/{customerId}/repairs/{repairId}/status', {
        params: { customerId: dan, repairId },
        body: { status: to },
      });
    expect((await status('in_progress')).status).toBe(200);
    expect((await status('ready')).status).toBe(200);
    await consumeDomainEvents(lanes);
    await deliverPriority(lanes);
    expect(await mailTo('dan@held.example')).toHaveLength(1);
  });

  it('hands the held birthday over once acknowledged (one message), at the sweeper’s next look', async () => {
    await acknowledgeReputation({ ...owner, role: 'owner' }, 'cleaned the list');
    await new Promise((resolve) => setTimeout(resolve, HOLD_CACHE_MS + 500));
    // The sweeper takes an idle claim again after 15 minutes: run the pass 16 minutes on, through the clock override.
    await runRunner(new Date(Date.now() + 16 * 60_000));
    await deliverPriority(lanes);
    await runRunner(new Date(Date.now() + 17 * 60_000));
    await deliverPriority(lanes);
    const mail = await mailTo('ann@held.example');
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe('Happy birthday, Ann!');
    expect(await birthdayState(owner.tenantId, birthdayId, ann)).toMatchObject({ state: 'sent' });
  });
});

describe('a hold that outlasts the occurrence', () => {
  it('records the birthday email missed with reason reputation_hold once the birthday has passed', async () => {
    const owner = await newTenant('Still Held Jewels');
    const bea = await newCustomer(owner, { firstName: 'Bea', email: 'bea@held.example', birthday: monthDayOf(today()), consent: MARKETING });
    const birthdayId = await createAutomation(owner, { type: 'birthday', name: 'Birthday wishes', enabled: true, timing: { sendHour: 0 } });
    await hold(owner.tenantId);
    await runRunner();
    expect(await birthdayState(owner.tenantId, birthdayId, bea)).toMatchObject({ state: 'claimed', heldSince: expect.any(String) });

    // Still held an hour after the birthday ended.
    await runRunner(new Date(endOfLocalDay(today(), SYDNEY) + 3600_000));
    await deliverPriority(lanes);
    expect(await mailTo('bea@held.example')).toHaveLength(0);
    const status = await birthdayState(owner.tenantId, birthdayId, bea);
    expect(status).toMatchObject({ state: 'missed', reason: 'reputation_hold' });
    expect(status?.detail).toMatch(/held by the reputation guard since .*the birthday passed/);

    const view = await call(owner, automations, 'GET', `/v1/automations/${birthdayId}`, '/v1/automations/{automationId}', { params: { automationId: birthdayId } });
    expect(view.body.counts.missed).toMatchObject({ reputation_hold: 1 });
  });
});
