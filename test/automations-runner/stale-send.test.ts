/**
 * A worker sending right now is never taken for a dead one by a clock-override pass: whether a worker's claim on a
 * recipient is stale is judged on the wall clock (the worker stamps it with the real time), not on the pass's clock.
 * Found trying the clock override on the demo stack: a pass "at 10:05" run at 09:28 marked one of four birthday emails
 * `unknown` while its worker was sending it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { automationsApi } from '../../functions/http/automations';
import type { Principal } from '../../shared/auth/roles';
import { localDateOf } from '../../shared/domain/automations/local-time';
import { loadOccurrence } from '../../shared/domain/automations/store/occurrence-store';
import { STALE_SEND_MS, sweepOpenOccurrences } from '../../shared/domain/automations/sweeper-service';
import { tenantContexts } from '../../shared/domain/automations/tenant-context-service';
import { getRecipient, transitionRecipient } from '../../shared/domain/sending/recipient-store';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { apiEvent, callRoute } from '../support/http';
import { newCustomer, newTenant } from '../sending/pipeline-support';
import { runRunner } from './support';

let stack: TestEmulators;
let owner: Principal;
const SYDNEY = 'Australia/Sydney';

beforeAll(async () => {
  stack = await startEmulators({ sqs: true, ses: true });
  owner = await newTenant('Stale Jewels');
});

afterAll(async () => stack?.stop());

describe('a worker mid-send and the sweeper', () => {
  it('is left alone by a pass whose clock is ahead, and resolved once its claim is stale by the wall clock', async () => {
    const today = localDateOf(Date.now(), SYDNEY);
    const customerId = await newCustomer(owner, {
      firstName: 'Ann',
      email: 'ann@stale.example',
      birthday: { month: Number(today.slice(5, 7)), day: Number(today.slice(8, 10)) },
      consent: { email: { marketing: 'granted' } },
    });
    const created = await callRoute(
      automationsApi(),
      apiEvent({ method: 'POST', path: '/v1/automations', routeKey: 'POST /v1/automations', principal: owner, body: { type: 'birthday', name: 'B', enabled: true, timing: { sendHour: 0 } } }),
    );
    const automationId = created.body.automationId as string;
    const key = { automationId, customerId, occurrenceKey: `${automationId}/${customerId}/birthday/${today.slice(0, 4)}` };

    await runRunner();
    const handedOver = await loadOccurrence(owner.tenantId, key);
    expect(handedOver?.status.state).toBe('enqueued');
    // A worker takes the message now (its job is left on the queue: this test plays the worker).
    const ref = { tenantId: owner.tenantId, campaignId: handedOver!.sendId!, customerId };
    expect(await transitionRecipient(ref, { from: ['queued'], to: 'sending', set: { claimedAt: new Date().toISOString() } })).toBe(true);

    // The clock override an hour ahead, while the worker is still sending.
    await runRunner(new Date(Date.now() + 3600_000));
    expect((await loadOccurrence(owner.tenantId, key))?.status.state).toBe('enqueued');
    expect((await getRecipient(ref.tenantId, ref.campaignId, customerId))?.status).toBe('sending');

    // Past the stale limit by the wall clock: the worker is gone; no answer reached the timeline, so unknown.
    const now = new Date();
    await sweepOpenOccurrences({ now, lookaheadMs: 0, context: tenantContexts({ now, lookaheadMs: 0 }), wallClock: () => Date.now() + STALE_SEND_MS });
    expect((await loadOccurrence(owner.tenantId, key))?.status).toMatchObject({ state: 'unknown' });
  });
});
