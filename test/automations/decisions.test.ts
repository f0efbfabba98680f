import { describe, expect, it } from 'vitest';
import { dueOccurrences } from '../../shared/domain/automations/occurrences';
import type { OutcomeStatus } from '../../shared/domain/automations/outcomes';
import { reentryDecision, REENTRY_HISTORY_SLACK_DAYS } from '../../shared/domain/automations/reentry';
import { decideSend, type SendFacts } from '../../shared/domain/automations/send-decision';
import { DEFAULT_SWEEP_THRESHOLDS, sweepDecision } from '../../shared/domain/automations/sweep';
import { automation, bookCustomer, clock, days } from './support/fixtures';

const SYDNEY = 'Australia/Sydney';
const [occurrence] = dueOccurrences(
  automation({ type: 'birthday', name: 'B' }),
  bookCustomer({ birthday: { month: 3, day: 14 } }),
  clock(SYDNEY),
  days('2026-03-14', '2026-03-14', SYDNEY),
);
const due = Date.parse(occurrence!.dueAt);
const until = Date.parse(occurrence!.validUntil);
const enqueued: OutcomeStatus = { state: 'enqueued', retries: 0 };
const MIN = 60_000;

describe('the sender’s decision', () => {
  const facts = (overrides: Partial<SendFacts> = {}): SendFacts => ({
    status: enqueued,
    occurrence: occurrence!,
    now: due + MIN,
    automationOn: true,
    staleness: undefined,
    inAudience: true,
    marketingHeld: false,
    closedGate: undefined,
    reentry: { allowed: true, history: [{ occurrenceKey: occurrence!.occurrenceKey, dueAt: occurrence!.dueAt }] },
    ...overrides,
  });

  it('sends when every check passes, carrying the re-entry history to store', () => {
    expect(decideSend(facts())).toEqual({ action: 'send', history: [{ occurrenceKey: occurrence!.occurrenceKey, dueAt: occurrence!.dueAt }] });
    expect(decideSend(facts({ status: { state: 'claimed', retries: 0 } })).action).toBe('send');
  });

  it('drops a message whose occurrence is taken or finished (a duplicate delivery)', () => {
    for (const state of ['scheduled', 'sending', 'sent', 'skipped', 'missed', 'failed', 'unknown'] as const) {
      expect(decideSend(facts({ status: { state, retries: 0 } }))).toEqual({ action: 'drop' });
    }
    expect(decideSend(facts({ status: undefined }))).toEqual({ action: 'drop' });
  });

  it('never early, never from validUntil on', () => {
    expect(decideSend(facts({ now: due - 1 }))).toEqual({ action: 'wait', until: occurrence!.dueAt });
    expect(decideSend(facts({ now: until - 1 })).action).toBe('send');
    expect(decideSend(facts({ now: until }))).toMatchObject({ action: 'miss', reason: 'send_late' });
  });

  it('skips in order: automation off, stale record, audience, the pipeline’s gate, re-entry', () => {
    const conflict = { allowed: false as const, conflictsWith: { occurrenceKey: 'x', dueAt: occurrence!.dueAt } };
    expect(decideSend(facts({ automationOn: false, staleness: 'date_changed', inAudience: false, closedGate: 'no_consent', reentry: conflict }))).toEqual({ action: 'skip', reason: 'automation_off' });
    expect(decideSend(facts({ staleness: 'date_changed', inAudience: false, closedGate: 'no_consent', reentry: conflict }))).toEqual({ action: 'skip', reason: 'date_changed' });
    expect(decideSend(facts({ inAudience: false, closedGate: 'no_consent', reentry: conflict }))).toEqual({ action: 'skip', reason: 'not_in_audience' });
    expect(decideSend(facts({ closedGate: 'no_consent', reentry: conflict }))).toEqual({ action: 'skip', reason: 'no_consent' });
    expect(decideSend(facts({ reentry: conflict }))).toEqual({ action: 'skip', reason: 'reentry' });
  });

  it('holds a marketing occurrence while the reputation guard holds marketing: after the automation’s own skips, before the gates and re-entry', () => {
    const conflict = { allowed: false as const, conflictsWith: { occurrenceKey: 'x', dueAt: occurrence!.dueAt } };
    const claimed: OutcomeStatus = { state: 'claimed', retries: 0 };
    expect(decideSend(facts({ status: claimed, marketingHeld: true, closedGate: 'no_consent', reentry: conflict }))).toEqual({ action: 'hold' });
    expect(decideSend(facts({ status: claimed, marketingHeld: true, inAudience: false }))).toEqual({ action: 'skip', reason: 'not_in_audience' });
    expect(decideSend(facts({ status: claimed, marketingHeld: true, automationOn: false }))).toEqual({ action: 'skip', reason: 'automation_off' });
    // Held or not, nothing early.
    expect(decideSend(facts({ status: claimed, marketingHeld: true, now: due - 1 }))).toEqual({ action: 'wait', until: occurrence!.dueAt });
  });

  it('a held occurrence that stops being worth sending is missed with reason reputation_hold; one never held is send_late', () => {
    const held: OutcomeStatus = { state: 'claimed', retries: 0, heldSince: '2026-03-13T23:10:00.000Z' };
    expect(decideSend(facts({ status: held, now: until, marketingHeld: true }))).toMatchObject({ action: 'miss', reason: 'reputation_hold' });
    // Acknowledged just before expiry, found after it: still the hold's doing.
    expect(decideSend(facts({ status: held, now: until, marketingHeld: false }))).toMatchObject({ action: 'miss', reason: 'reputation_hold' });
    expect(decideSend(facts({ status: { state: 'claimed', retries: 0 }, now: until }))).toMatchObject({ action: 'miss', reason: 'send_late' });
    // Acknowledged while still timely: sent.
    expect(decideSend(facts({ status: held, now: until - 1, marketingHeld: false })).action).toBe('send');
  });
});

describe('re-entry', () => {
  const entry = (key: string, dueAt: string) => ({ occurrenceKey: key, dueAt });

  it('allows anything without a policy, and keeps the history short', () => {
    const decision = reentryDecision(undefined, [entry('a', '2026-01-01T00:00:00.000Z')], entry('b', '2026-01-01T00:00:00.000Z'));
    expect(decision.allowed).toBe(true);
  });

  it('at most one message per N days, measured between due instants, in both directions', () => {
    const policy = { minDaysBetween: 30 };
    const history = [entry('a', '2026-03-01T00:00:00.000Z')];
    expect(reentryDecision(policy, history, entry('b', '2026-03-30T23:59:59.000Z'))).toEqual({ allowed: false, conflictsWith: history[0] });
    expect(reentryDecision(policy, history, entry('c', '2026-02-01T00:00:01.000Z')).allowed).toBe(false);
    expect(reentryDecision(policy, history, entry('d', '2026-03-31T00:00:00.000Z'))).toEqual({
      allowed: true,
      history: [history[0], entry('d', '2026-03-31T00:00:00.000Z')],
    });
  });

  it('an occurrence retried after a refusal does not conflict with itself', () => {
    const own = entry('a', '2026-03-01T00:00:00.000Z');
    expect(reentryDecision({ minDaysBetween: 30 }, [own], own)).toEqual({ allowed: true, history: [own] });
  });

  it('drops entries far older than the newest', () => {
    const old = entry('a', '2025-01-01T00:00:00.000Z');
    const decision = reentryDecision({ minDaysBetween: 10 }, [old], entry('b', '2026-01-01T00:00:00.000Z'));
    expect(decision).toEqual({ allowed: true, history: [entry('b', '2026-01-01T00:00:00.000Z')] });
    expect(REENTRY_HISTORY_SLACK_DAYS).toBeGreaterThan(60);
  });
});

describe('the sweeper', () => {
  const { queueStaleMs, sendingStaleMs, scheduleGraceMs } = DEFAULT_SWEEP_THRESHOLDS;
  const at = (ms: number) => new Date(ms).toISOString();

  it('leaves fresh work alone', () => {
    expect(sweepDecision({ state: 'claimed', retries: 0 }, occurrence!, at(due), due + queueStaleMs - 1)).toEqual({ action: 'none' });
    expect(sweepDecision({ state: 'sending', retries: 0 }, occurrence!, at(due), due + sendingStaleMs - 1)).toEqual({ action: 'none' });
    expect(sweepDecision({ state: 'scheduled', retries: 0 }, occurrence!, at(due - 60 * MIN), due + scheduleGraceMs - 1)).toEqual({ action: 'none' });
    expect(sweepDecision({ state: 'sent', retries: 0 }, occurrence!, at(due), until + 10 * queueStaleMs)).toEqual({ action: 'none' });
  });

  it('enqueues again what was claimed or enqueued and never taken, while it is still worth sending; else missed', () => {
    for (const state of ['claimed', 'enqueued'] as const) {
      expect(sweepDecision({ state, retries: 0 }, occurrence!, at(due), due + queueStaleMs)).toEqual({ action: 'enqueue_again' });
      expect(sweepDecision({ state, retries: 0 }, occurrence!, at(due), until)).toMatchObject({ action: 'miss', reason: 'send_late' });
      expect(sweepDecision({ state, retries: 0, heldSince: at(due) }, occurrence!, at(due), until)).toMatchObject({ action: 'miss', reason: 'reputation_hold' });
      // A held claim is taken again every pass (the hold may have been acknowledged).
      expect(sweepDecision({ state, retries: 0, heldSince: at(due) }, occurrence!, at(due), due + queueStaleMs)).toEqual({ action: 'enqueue_again' });
    }
  });

  it('claims a scheduled occurrence whose schedule did not fire; missed once expired', () => {
    expect(sweepDecision({ state: 'scheduled', retries: 0 }, occurrence!, at(due - 60 * MIN), due + scheduleGraceMs)).toEqual({ action: 'claim_and_enqueue' });
    expect(sweepDecision({ state: 'scheduled', retries: 0 }, occurrence!, at(due - 60 * MIN), until)).toMatchObject({ action: 'miss', reason: 'schedule_late' });
  });

  it('a worker gone quiet mid-call: unknown, never sent again', () => {
    expect(sweepDecision({ state: 'sending', retries: 0 }, occurrence!, at(due), due + sendingStaleMs)).toEqual({ action: 'unknown' });
  });
});
