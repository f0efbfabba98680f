/**
 * Backfill over the emulators: switching on never mails the backlog, the preview shows who a backfill would reach
 * (with reasons, what is no longer worth sending left out), the backfill hands those occurrences over through the
 * normal path under the runner's occurrence keys (once: a retry, a second backfill and later passes send nothing new),
 * owner/manager only, with Idempotency-Key like the other sending routes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { automationsApi } from '../../functions/http/automations';
import type { Principal } from '../../shared/auth/roles';
import { addDays, localDateOf } from '../../shared/domain/automations/local-time';
import { loadOccurrence } from '../../shared/domain/automations/store/occurrence-store';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { apiEvent, callRoute } from '../support/http';
import { newCustomer, newTenant, queueArns, sesEmails } from '../sending/pipeline-support';
import { deliverPriority, runRunner, type Lanes } from './support';

let stack: TestEmulators;
let lanes: Lanes;
let owner: Principal;
const ids: Record<string, string> = {};
const automations = automationsApi();
const SYDNEY = 'Australia/Sydney';
const MARKETING = { email: { marketing: 'granted' } };

const mailTo = async (address: string) => (await sesEmails(stack.endpoints.ses!)).filter((email) => email.destination.to.includes(address));
const today = () => localDateOf(Date.now(), SYDNEY);
const monthDayIn = (days: number) => {
  const date = addDays(today(), days);
  return { month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) };
};

function post(path: string, routeKey: string, automationId: string, body: unknown, options: { principal?: Principal; key?: string } = {}) {
  return callRoute(
    automations,
    apiEvent({
      method: 'POST',
      path,
      routeKey: `POST ${routeKey}`,
      principal: options.principal ?? owner,
      pathParameters: { automationId },
      body,
      ...(options.key ? { headers: { 'Idempotency-Key': options.key } } : {}),
    }),
  );
}
const preview = (automationId: string, body: unknown, principal?: Principal) =>
  post(`/v1/automations/${automationId}/backfill/preview`, '/v1/automations/{automationId}/backfill/preview', automationId, body, principal ? { principal } : {});
const backfill = (automationId: string, body: unknown, options: { principal?: Principal; key?: string } = {}) =>
  post(`/v1/automations/${automationId}/backfill`, '/v1/automations/{automationId}/backfill', automationId, body, options);

async function createAutomation(body: unknown): Promise<string> {
  const created = await callRoute(automations, apiEvent({ method: 'POST', path: '/v1/automations', routeKey: 'POST /v1/automations', principal: owner, body }));
  expect(created.status).toBe(201);
  return created.body.automationId as string;
}

beforeAll(async () => {
  process.env.SIGNING_KEY = 'test-signing-key-0123456789abcdefghijklmnop';
  process.env.PUBLIC_API_URL = 'https://api.facet.example';
  stack = await startEmulators({ sqs: true, ses: true });
  lanes = { urls: stack.queueUrls, arns: await queueArns(stack.queueUrls) };
  owner = await newTenant('Backfill Jewels');
  // A week-ahead birthday email switched on today: Ann's and Cat's fell due before today (birthdays in 3 days), Bob's
  // birthday passed two days ago, Dan's email is due in 3 days (the runner's).
  ids.ann = await newCustomer(owner, { firstName: 'Ann', email: 'ann@backfill.example', birthday: monthDayIn(3), consent: MARKETING });
  ids.cat = await newCustomer(owner, { firstName: 'Cat', email: 'cat@backfill.example', birthday: monthDayIn(3) });
  ids.bob = await newCustomer(owner, { firstName: 'Bob', email: 'bob@backfill.example', birthday: monthDayIn(-2), consent: MARKETING });
  ids.dan = await newCustomer(owner, { firstName: 'Dan', email: 'dan@backfill.example', birthday: monthDayIn(10), consent: MARKETING });
});

afterAll(async () => stack?.stop());

describe('backfill of a birthday automation', () => {
  let automationId: string;
  const from = () => addDays(today(), -14);

  beforeAll(async () => {
    automationId = await createAutomation({ type: 'birthday', name: 'A week before', enabled: true, timing: { daysBefore: 7, sendHour: 0 } });
  });

  it('switching on does not mail what fell due before today', async () => {
    await runRunner();
    await deliverPriority(lanes);
    expect(await mailTo('ann@backfill.example')).toHaveLength(0);
  });

  it('previews who a backfill would reach and why, for everyone in the tenant, leaving out the birthday that passed', async () => {
    const answer = await preview(automationId, { from: from() }, { ...owner, role: 'salesperson' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ automationId, from: from(), until: today(), timeZone: SYDNEY, enabled: true, total: 2, truncated: false, alreadyHandled: 0, expired: 1 });
    const byName = Object.fromEntries(answer.body.recipients.map((r: { firstName: string }) => [r.firstName, r]));
    expect(Object.keys(byName).sort()).toEqual(['Ann', 'Cat']);
    expect(byName.Ann).toMatchObject({ customerId: ids.ann, reason: expect.stringContaining(`birthday on ${addDays(today(), 3)}`) });
    expect(byName.Ann.wouldSkip).toBeUndefined();
    expect(byName.Cat).toMatchObject({ wouldSkip: 'no_consent' });

    const capped = await preview(automationId, { from: from(), limit: 1 });
    expect(capped.body).toMatchObject({ total: 2, truncated: true });
    expect(capped.body.recipients).toHaveLength(1);
  });

  it('refuses a salesperson, a `from` after the switch-on day, and an event-based automation', async () => {
    expect((await backfill(automationId, { from: from() }, { principal: { ...owner, role: 'salesperson' } })).status).toBe(403);
    expect((await preview(automationId, { from: addDays(today(), 1) })).status).toBe(400);
    const repairs = await createAutomation({ type: 'repair_ready', name: 'Repair ready', enabled: true });
    const refused = await preview(repairs, { from: from() });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toMatch(/nothing to backfill/);
  });

  it('refuses an automation that is off (the preview still answers, up to today)', async () => {
    const off = await createAutomation({ type: 'birthday', name: 'Off', enabled: false, timing: { daysBefore: 7 } });
    expect((await backfill(off, { from: from() })).status).toBe(409);
    expect((await preview(off, { from: from() })).body).toMatchObject({ until: today(), total: 2 });
  });

  it('hands the occurrences over once, under the runner’s keys: a retry, a second backfill and later passes send nothing new', async () => {
    const first = await backfill(automationId, { from: from() }, { key: 'backfill-1' });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ found: 2, enqueued: 2, alreadyHandled: 0, expired: 1, held: 0 });
    const replay = await backfill(automationId, { from: from() }, { key: 'backfill-1' });
    expect(replay.status).toBe(202);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);

    await deliverPriority(lanes);
    const second = await backfill(automationId, { from: from() });
    expect(second.body).toMatchObject({ found: 2, enqueued: 0, alreadyHandled: 2 });
    await runRunner();
    await deliverPriority(lanes);

    const ann = await mailTo('ann@backfill.example');
    expect(ann).toHaveLength(1);
    expect(ann[0]!.subject).toBe('Happy birthday, Ann!');
    expect(await mailTo('cat@backfill.example')).toHaveLength(0);
    expect(await mailTo('bob@backfill.example')).toHaveLength(0);
    expect(await mailTo('dan@backfill.example')).toHaveLength(0);

    const year = addDays(today(), 3).slice(0, 4);
    const status = async (customerId: string) => (await loadOccurrence(owner.tenantId, { automationId, customerId, occurrenceKey: `${automationId}/${customerId}/birthday/${year}` }))?.status;
    expect(await status(ids.ann!)).toMatchObject({ state: 'sent' });
    expect(await status(ids.cat!)).toMatchObject({ state: 'skipped', reason: 'no_consent' });
    expect(await status(ids.bob!)).toBeUndefined();

    const after = await preview(automationId, { from: from() });
    expect(after.body).toMatchObject({ total: 0, alreadyHandled: 2, expired: 1 });
  });
});
