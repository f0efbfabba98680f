import { describe, expect, it } from 'vitest';
import { decodeFreezeCursors, encodeFreezeCursors, newDispatchState, restart, startPass } from '../../shared/domain/sending/dispatch-state';

const now = new Date('2025-06-01T10:00:00.000Z');
const later = new Date('2025-06-01T10:05:00.000Z');

describe('dispatch state', () => {
  it('starts freezing at step 1 with the evaluation instant fixed', () => {
    const state = newDispatchState('t', 'c', now);
    expect(state).toMatchObject({ step: 1, phase: 'freezing', evaluatedAt: now.toISOString() });
  });

  it('a restart while freezing keeps the cursors and only bumps the step (fencing the running chain)', () => {
    const state = { ...newDispatchState('t', 'c', now), step: 7, freezeCursors: encodeFreezeCursors([{ k: 1 }, null]) };
    const next = restart(state, 0, later);
    expect(next).toMatchObject({ step: 8, phase: 'freezing', freezeCursors: state.freezeCursors });
  });

  it('a restart after freezing starts a new enqueue pass from the first shard, with the finished count as baseline', () => {
    const state = { ...startPass(newDispatchState('t', 'c', now), 3, now), step: 12, phase: 'watching' as const };
    const next = restart(state, 40, later);
    expect(next.step).toBe(13);
    expect(next.phase).toBe('enqueueing');
    expect(next.pass).toEqual({ startedAt: later.toISOString(), enqueued: 0, baselineFinished: 40, cursor: { shard: 0 } });
  });

  it('never reopens a finalized dispatch', () => {
    const state = { ...newDispatchState('t', 'c', now), phase: 'finished' as const, finalizedAt: now.toISOString(), step: 20 };
    expect(restart(state, 5, later)).toMatchObject({ step: 21, phase: 'finished', finalizedAt: now.toISOString() });
  });

  it('stores book cursors (not started, at a key, done) and reads them back', () => {
    const cursors = [undefined, { gsi1pk: 'BOOK#t#01', gsi1sk: 'x', pk: 'p', sk: 's' }, null];
    expect(decodeFreezeCursors(encodeFreezeCursors(cursors), 4)).toEqual([...cursors, undefined]);
    expect(decodeFreezeCursors(undefined, 2)).toEqual([undefined, undefined]);
  });
});
