import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALLOWED_FROM,
  isTerminal,
  OUTCOME_STATES,
  rankOf,
  TERMINAL_STATES,
  transition,
  type OutcomeEvent,
  type OutcomeStatus,
} from '../../shared/domain/automations/outcomes';

const events: OutcomeEvent[] = [
  { type: 'schedule' },
  { type: 'claim' },
  { type: 'enqueue' },
  { type: 'start_send' },
  { type: 'sent', messageId: 'm1' },
  { type: 'retry' },
  { type: 'skip', reason: 'no_consent' },
  { type: 'miss', reason: 'runner_gap', detail: 'runner did not run' },
  { type: 'fail', reason: 'MessageRejected' },
  { type: 'unknown' },
];

function run(sequence: readonly OutcomeEvent[]): { status: OutcomeStatus | undefined; applied: OutcomeEvent[] } {
  let status: OutcomeStatus | undefined;
  const applied: OutcomeEvent[] = [];
  for (const event of sequence) {
    const result = transition(status, event);
    if (result.ok) {
      status = result.status;
      applied.push(event);
    }
  }
  return { status, applied };
}

describe('occurrence outcomes', () => {
  it('the happy paths: a date-based occurrence and an event-based one', () => {
    expect(run([{ type: 'claim' }, { type: 'enqueue' }, { type: 'start_send' }, { type: 'sent', messageId: 'm1' }]).status).toEqual({
      state: 'sent',
      retries: 0,
      messageId: 'm1',
    });
    expect(run([{ type: 'schedule' }, { type: 'claim' }, { type: 'enqueue' }, { type: 'start_send' }, { type: 'sent', messageId: 'm1' }]).status?.state).toBe('sent');
  });

  it('a runner pass records a miss without claiming; a gate skip keeps its reason', () => {
    expect(run([{ type: 'miss', reason: 'runner_gap', detail: 'd' }]).status).toEqual({ state: 'missed', retries: 0, reason: 'runner_gap', detail: 'd' });
    expect(run([{ type: 'claim' }, { type: 'enqueue' }, { type: 'skip', reason: 'suppressed' }]).status).toEqual({ state: 'skipped', retries: 0, reason: 'suppressed' });
  });

  it('only one worker takes an occurrence: a second start_send, a second claim, a claim after a miss all fail', () => {
    const taken = run([{ type: 'claim' }, { type: 'enqueue' }, { type: 'start_send' }]).status;
    expect(transition(taken, { type: 'start_send' })).toEqual({ ok: false, current: taken, why: 'not_allowed' });
    const claimed = run([{ type: 'claim' }]).status;
    expect(transition(claimed, { type: 'claim' }).ok).toBe(false);
    const missed = run([{ type: 'miss', reason: 'runner_gap', detail: 'd' }]).status;
    expect(transition(missed, { type: 'claim' })).toEqual({ ok: false, current: missed, why: 'terminal' });
  });

  it('a worker may take an occurrence still marked claimed (its runner crashed before recording the enqueue)', () => {
    expect(run([{ type: 'claim' }, { type: 'start_send' }]).status?.state).toBe('sending');
  });

  it('a retriable refusal goes round again as a later enqueued; a stale round cannot write', () => {
    const retried = run([{ type: 'claim' }, { type: 'enqueue' }, { type: 'start_send' }, { type: 'retry' }]).status!;
    expect(retried).toEqual({ state: 'enqueued', retries: 1 });
    const again = transition(retried, { type: 'start_send' });
    expect(again).toEqual({ ok: true, status: { state: 'sending', retries: 1 } });
  });

  it('a worker that died mid-call leaves it unknown, never sent again', () => {
    const unknown = run([{ type: 'claim' }, { type: 'enqueue' }, { type: 'start_send' }, { type: 'unknown' }]).status;
    expect(unknown?.state).toBe('unknown');
    for (const event of events) expect(transition(unknown, event).ok).toBe(false);
  });

  it('ALLOWED_FROM is exactly what transition accepts, from every state', () => {
    for (const state of OUTCOME_STATES) {
      for (const event of events) {
        const current: OutcomeStatus = { state, retries: 0 };
        const allowed = !isTerminal(state) && ALLOWED_FROM[event.type].includes(state);
        expect(transition(current, event).ok, `${event.type} from ${state}`).toBe(allowed);
      }
    }
    for (const event of events) expect(transition(undefined, event).ok).toBe(ALLOWED_FROM[event.type].includes('absent'));
  });

  it('property: along any sequence of events the rank strictly rises, terminal states never move, at most one message can start per round', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...events), { maxLength: 40 }), (sequence) => {
        let status: OutcomeStatus | undefined;
        const startsPerRound = new Map<number, number>();
        for (const event of sequence) {
          const result = transition(status, event);
          if (status !== undefined && TERMINAL_STATES.includes(status.state as never)) expect(result.ok).toBe(false);
          if (!result.ok) continue;
          if (status !== undefined) expect(rankOf(result.status)).toBeGreaterThan(rankOf(status));
          if (event.type === 'start_send') startsPerRound.set(result.status.retries, (startsPerRound.get(result.status.retries) ?? 0) + 1);
          status = result.status;
        }
        for (const count of startsPerRound.values()) expect(count).toBe(1);
        // A message can only have gone out if the occurrence was taken for sending.
        if (status?.state === 'sent' || status?.state === 'unknown') expect(startsPerRound.size).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});
