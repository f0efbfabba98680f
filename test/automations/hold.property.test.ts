/**
 * The reputation guard's hold over one marketing occurrence, as the runner and sweeper handle it (the same pure
 * decisions: `verdictFor` when a pass finds it, `decideSend` at each hand-over, `sweepDecision` at each later look,
 * `transition` for every write): random holds switched on and acknowledged at random moments, runner passes at random
 * times (duplicated, with gaps). Whatever happens, the occurrence ends in exactly one outcome with at most one message,
 * never sent while held; `missed: reputation_hold` exactly when it was held and never sent; and a hold acknowledged in
 * good time lets it go.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verdictFor } from '../../shared/domain/automations/catch-up';
import { dueOccurrences } from '../../shared/domain/automations/occurrences';
import { isTerminal, transition, type OutcomeEvent, type OutcomeStatus } from '../../shared/domain/automations/outcomes';
import { decideSend } from '../../shared/domain/automations/send-decision';
import { sweepDecision } from '../../shared/domain/automations/sweep';
import { automation, bookCustomer, clock, days, iso } from './support/fixtures';

const SYDNEY = 'Australia/Sydney';
const MIN = 60_000;
const birthday = automation({ type: 'birthday', name: 'B' }, { enabledAt: '2026-01-01T00:00:00.000Z' });
const [occurrence] = dueOccurrences(birthday, bookCustomer({ birthday: { month: 3, day: 14 } }), clock(SYDNEY), days('2026-03-14', '2026-03-14', SYDNEY));
const due = Date.parse(occurrence!.dueAt);
const validUntil = Date.parse(occurrence!.validUntil);

interface Life {
  status: OutcomeStatus | undefined;
  changedAt: number;
  messages: { at: number }[];
}

function apply(life: Life, event: OutcomeEvent, at: number): boolean {
  const next = transition(life.status, event);
  if (!next.ok) return false;
  life.status = next.status;
  life.changedAt = at;
  return true;
}

/** The hand-over of a claimed occurrence at `at` (./handover-service.ts: decide, then hold, miss or send). */
function handOver(life: Life, at: number, held: boolean): void {
  const decision = decideSend({
    status: life.status,
    occurrence: occurrence!,
    now: at,
    automationOn: true,
    staleness: undefined,
    inAudience: true,
    marketingHeld: held,
    closedGate: undefined,
    reentry: { allowed: true, history: [] },
  });
  switch (decision.action) {
    case 'hold':
      // markHeld: not a transition; the first hold's time is kept, `changedAt` stays.
      life.status = { ...life.status!, heldSince: life.status!.heldSince ?? iso(at) };
      return;
    case 'miss':
      apply(life, { type: 'miss', reason: decision.reason, detail: decision.detail }, at);
      return;
    case 'send':
      // The pipeline sends it at once; its outcome is copied back (enqueue, start_send, sent).
      if (apply(life, { type: 'enqueue' }, at) && apply(life, { type: 'start_send' }, at) && apply(life, { type: 'sent', messageId: 'm' }, at)) {
        life.messages.push({ at });
      }
      return;
    default:
      return;
  }
}

/** One runner pass at `at`: the sweeper's look at a claim, or the book pass finding the occurrence. */
function pass(life: Life, at: number, held: boolean): void {
  if (life.status === undefined) {
    const verdict = verdictFor(occurrence!, { automation: birthday, now: at, timeZone: SYDNEY, lastCompleted: undefined });
    if (verdict.kind === 'missed') apply(life, { type: 'miss', reason: verdict.reason, detail: verdict.detail }, at);
    else if (verdict.kind === 'due' && apply(life, { type: 'claim' }, at)) handOver(life, at, held);
    return;
  }
  if (life.status.state !== 'claimed') return;
  const decision = sweepDecision(life.status, occurrence!, new Date(life.changedAt).toISOString(), at);
  if (decision.action === 'miss') apply(life, { type: 'miss', reason: decision.reason, detail: decision.detail }, at);
  else if (decision.action === 'enqueue_again') handOver(life, at, held);
}

const holdsArb = fc.array(
  fc.record({ start: fc.integer({ min: due - 120 * MIN, max: validUntil + 60 * MIN }), length: fc.integer({ min: 1, max: 20 * 60 * MIN }) }),
  { maxLength: 3 },
);
/** Pass times: gaps of up to 40 minutes from the due moment, some passes repeated, past the end of the birthday. */
const passesArb = fc
  .array(fc.record({ gap: fc.integer({ min: 0, max: 40 * MIN }), repeat: fc.boolean() }), { minLength: 1, maxLength: 60 })
  .map((steps) => {
    const times: number[] = [];
    let at = due - 30 * MIN;
    for (const step of steps) {
      at += step.gap;
      times.push(at);
      if (step.repeat) times.push(at);
    }
    // Passes go on after the birthday (the scheduler never stops), so every claim gets its last look.
    for (let t = Math.max(at, validUntil) + 5 * MIN; t <= validUntil + 60 * MIN; t += 15 * MIN) times.push(t);
    return times;
  });

/** The recurring schedule: every 15 minutes from a random offset, some passes doubled. */
const scheduledPassesArb = fc.record({ offset: fc.integer({ min: 0, max: 15 * MIN - 1 }), doubled: fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }) }).map(({ offset, doubled }) => {
  const times: number[] = [];
  for (let at = due - 30 * MIN + offset, i = 0; at <= validUntil + 60 * MIN; at += 15 * MIN, i++) {
    times.push(at);
    if (doubled[i % doubled.length]) times.push(at);
  }
  return times;
});

function live(holds: { start: number; length: number }[], passes: number[]) {
  const heldAt = (at: number) => holds.some((hold) => hold.start <= at && at < hold.start + hold.length);
  const life: Life = { status: undefined, changedAt: 0, messages: [] };
  for (const at of passes) pass(life, at, heldAt(at));
  return { life, heldAt };
}

describe('a marketing occurrence under the reputation guard', () => {
  it('ends in exactly one outcome, at most one message, never sent while held; reputation_hold exactly when held and unsent', () => {
    fc.assert(
      fc.property(holdsArb, passesArb, (holds, passes) => {
        const { life, heldAt } = live(holds, passes);
        expect(life.status !== undefined && isTerminal(life.status.state)).toBe(true);
        expect(life.messages.length).toBe(life.status!.state === 'sent' ? 1 : 0);
        for (const message of life.messages) {
          expect(heldAt(message.at)).toBe(false);
          expect(message.at >= due && message.at < validUntil).toBe(true);
        }
        const everHeldBeforeClaimEnd = passes.some((at) => at >= due && at < validUntil && heldAt(at));
        if (life.status!.state === 'missed') {
          expect(life.status!.reason).toBe(everHeldBeforeClaimEnd ? 'reputation_hold' : 'runner_gap');
        }
      }),
      { numRuns: 400 },
    );
  });

  it('is sent once a hold is acknowledged two hours or more before the birthday ends', () => {
    fc.assert(
      fc.property(fc.integer({ min: due - 60 * MIN, max: validUntil - 120 * MIN }), scheduledPassesArb, (acknowledgedAt, passes) => {
        const { life } = live([{ start: due - 120 * MIN, length: acknowledgedAt - (due - 120 * MIN) }], passes);
        expect(life.status!.state).toBe('sent');
        expect(life.messages).toHaveLength(1);
        expect(life.messages[0]!.at).toBeGreaterThanOrEqual(acknowledgedAt);
      }),
      { numRuns: 300 },
    );
  });
});
