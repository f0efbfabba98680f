import { describe, expect, it } from 'vitest';
import { passWindow, verdictFor, verdictOnFiring, type CompletedPass } from '../../shared/domain/automations/catch-up';
import { firesFromDate, isEligible, switchedTo } from '../../shared/domain/automations/eligibility';
import { addDays, localHourInstant, startOfLocalDay } from '../../shared/domain/automations/local-time';
import { dueOccurrences } from '../../shared/domain/automations/occurrences';
import { aggregatesOf } from '../../shared/domain/customers/aggregates';
import { ClaimStore } from './support/claim-store';
import { automation, bookCustomer, clock, iso } from './support/fixtures';
import { drain, interleave, prng, Queue, runnerPass, type RunnerState, type World } from './support/runner-model';

const SYDNEY = 'Australia/Sydney';
const MINUTE = 60_000;

describe('the window of a pass', () => {
  const on = automation({ type: 'birthday', name: 'B' }, { enabledAt: '2026-03-10T04:00:00.000Z' }); // 15:00 on 10 March, Sydney

  it('is nothing while the automation is off', () => {
    expect(passWindow({ automation: { ...on, enabled: false }, lastCompleted: undefined, now: Date.parse('2026-03-11T00:00:00Z'), timeZone: SYDNEY })).toBeUndefined();
  });

  it('starts at the beginning of the day it was switched on, before any pass completed', () => {
    const window = passWindow({ automation: on, lastCompleted: undefined, now: Date.parse('2026-03-10T04:05:00Z'), timeZone: SYDNEY });
    expect(window).toEqual({ from: startOfLocalDay('2026-03-10', SYDNEY), to: Date.parse('2026-03-10T04:05:00Z') });
  });

  it('starts at the beginning of the local day of the last completed pass (a crashed pass never counts)', () => {
    const last: CompletedPass = { windowEnd: '2026-03-12T05:15:00.000Z', timeZone: SYDNEY };
    const window = passWindow({ automation: on, lastCompleted: last, now: Date.parse('2026-03-14T00:00:00Z'), timeZone: SYDNEY });
    expect(window?.from).toBe(startOfLocalDay('2026-03-12', SYDNEY));
  });

  it('never reaches back before the switched-on day (a pass from before it was last switched off)', () => {
    const last: CompletedPass = { windowEnd: '2026-02-01T00:00:00.000Z', timeZone: SYDNEY };
    expect(passWindow({ automation: on, lastCompleted: last, now: Date.parse('2026-03-11T00:00:00Z'), timeZone: SYDNEY })?.from).toBe(
      startOfLocalDay('2026-03-10', SYDNEY),
    );
  });

  it('after a time-zone change, restarts the old zone’s day in the new zone', () => {
    // The last pass ran at 15:15 on 4 March in Los Angeles, which is already 10:15 on 5 March in Sydney.
    const last: CompletedPass = { windowEnd: '2026-03-04T23:15:00.000Z', timeZone: 'America/Los_Angeles' };
    const early = automation({ type: 'birthday', name: 'B' }, { enabledAt: '2026-01-01T00:00:00.000Z' });
    const window = passWindow({ automation: early, lastCompleted: last, now: Date.parse('2026-03-04T23:30:00Z'), timeZone: SYDNEY });
    expect(window?.from).toBe(startOfLocalDay('2026-03-04', SYDNEY));
  });
});

describe('switching on never mails the backlog', () => {
  const enabledAt = '2026-03-10T04:00:00.000Z'; // 15:00 on 10 March in Sydney, after the 10:00 send hour
  const birthday = automation({ type: 'birthday', name: 'B' }, { enabledAt });
  const born = (month: number, day: number, id: string) => bookCustomer({ customerId: id, birthday: { month, day } });
  const now = Date.parse(enabledAt) + 5 * MINUTE;
  const context = { automation: birthday, now, timeZone: SYDNEY, lastCompleted: undefined };

  it("today's occurrences go out at once although their send hour has passed; yesterday's are not this automation's", () => {
    const window = passWindow({ automation: birthday, lastCompleted: undefined, now, timeZone: SYDNEY })!;
    const today = dueOccurrences(birthday, born(3, 10, 'C1'), clock(SYDNEY), window);
    expect(today).toHaveLength(1);
    expect(verdictFor(today[0]!, context)).toEqual({ kind: 'due' });
    expect(dueOccurrences(birthday, born(3, 9, 'C2'), clock(SYDNEY), window)).toEqual([]);
    // Even in a wider window (a pass from before, a preview), yesterday's is not eligible rather than missed.
    const [yesterday] = dueOccurrences(birthday, born(3, 9, 'C2'), clock(SYDNEY), { from: 0, to: now });
    expect(verdictFor(yesterday!, context)).toEqual({ kind: 'not_eligible' });
  });

  it('N days before: a birthday after the switch-on day whose due day is before it does not fire', () => {
    const weekBefore = automation({ type: 'birthday', name: 'B', timing: { daysBefore: 7 } }, { enabledAt });
    const occurrence = dueOccurrences(weekBefore, born(3, 12, 'C1'), clock(SYDNEY), { from: 0, to: now }).at(-1);
    expect(occurrence?.dueDate).toBe('2026-03-05');
    expect(verdictFor(occurrence!, { ...context, automation: weekBefore })).toEqual({ kind: 'not_eligible' });
  });

  it('a customer lapsed long before the automation was switched on does not fire; one lapsing after does', () => {
    const reengagement = automation({ type: 'reengagement', name: 'R' }, { enabledAt });
    const lapsedLongAgo = bookCustomer({ agg: aggregatesOf({ purchaseCount: 3, lastPurchaseAt: '2024-01-10T00:00:00.000Z' }) });
    const [old] = dueOccurrences(reengagement, lapsedLongAgo, clock(SYDNEY), { from: 0, to: Date.parse('2026-12-31T00:00:00Z') });
    expect(old?.dueDate).toBe('2024-07-11');
    expect(isEligible(reengagement, old!, SYDNEY)).toBe(false);
    const lapsingSoon = bookCustomer({ agg: aggregatesOf({ purchaseCount: 3, lastPurchaseAt: '2025-09-20T00:00:00.000Z' }) });
    const [soon] = dueOccurrences(reengagement, lapsingSoon, clock(SYDNEY), { from: 0, to: Date.parse('2026-12-31T00:00:00Z') });
    expect(isEligible(reengagement, soon!, SYDNEY)).toBe(true);
  });

  it('switching on stamps the moment; an edit while on keeps it; switching off and on again starts afresh', () => {
    const first = switchedTo({ enabled: false }, true, new Date('2026-03-10T04:00:00Z'));
    expect(first).toEqual({ enabled: true, enabledAt: '2026-03-10T04:00:00.000Z' });
    expect(switchedTo(first, true, new Date('2026-03-20T00:00:00Z'))).toEqual(first);
    const off = switchedTo(first, false, new Date('2026-03-21T00:00:00Z'));
    expect(firesFromDate(off, SYDNEY)).toBeUndefined();
    expect(switchedTo(off, true, new Date('2026-04-01T00:00:00Z')).enabledAt).toBe('2026-04-01T00:00:00.000Z');
  });
});

describe('catch-up after the runner stopped', () => {
  const birthday = automation({ type: 'birthday', name: 'B' }, { enabledAt: '2026-01-01T00:00:00.000Z' });
  const lastCompleted: CompletedPass = { windowEnd: '2026-03-09T23:15:00.000Z', timeZone: SYDNEY }; // 10:15 on 10 March
  const now = localHourInstant('2026-03-12', 16, SYDNEY);
  const window = passWindow({ automation: birthday, lastCompleted, now, timeZone: SYDNEY })!;
  const verdictOf = (month: number, day: number) => {
    const [occurrence] = dueOccurrences(birthday, bookCustomer({ birthday: { month, day } }), clock(SYDNEY), window);
    return occurrence && verdictFor(occurrence, { automation: birthday, now, timeZone: SYDNEY, lastCompleted });
  };

  it('sends what is still meaningful (today’s birthday, late) and records the passed ones as missed, with the reason', () => {
    expect(verdictOf(3, 12)).toEqual({ kind: 'due' });
    expect(verdictOf(3, 11)).toEqual({
      kind: 'missed',
      reason: 'runner_gap',
      detail: `runner did not run between 2026-03-09T23:15:00.000Z and ${iso(startOfLocalDay('2026-03-12', SYDNEY))}; the birthday passed`,
    });
    // 10 March was the last pass's own day: already claimed then; if not, it is missed now, never sent late.
    expect(verdictOf(3, 10)?.kind).toBe('missed');
    expect(verdictOf(3, 13)).toBeUndefined(); // not due yet: not in the window
  });

  it('a one-time schedule firing late: due while valid, missed after', () => {
    const [occurrence] = dueOccurrences(birthday, bookCustomer({ birthday: { month: 3, day: 12 } }), clock(SYDNEY), window);
    expect(verdictOnFiring(occurrence!, Date.parse(occurrence!.dueAt) - 1)).toEqual({ kind: 'not_yet_due' });
    expect(verdictOnFiring(occurrence!, Date.parse(occurrence!.validUntil) - 1)).toEqual({ kind: 'due' });
    expect(verdictOnFiring(occurrence!, Date.parse(occurrence!.validUntil))).toMatchObject({ kind: 'missed', reason: 'schedule_late' });
  });
});

describe('a tenant that changes its time zone gets no double and no skipped day', () => {
  /** A runner every 15 minutes for a week, the tenant moving zone on the fourth day; every birthday of the span once. */
  function run(fromZone: string, toZone: string, sendHour: number) {
    const customers = Array.from({ length: 7 }, (_, i) => {
      const date = addDays('2026-06-01', i);
      return bookCustomer({ customerId: `C${i}`, birthday: { month: 6, day: Number(date.slice(8, 10)) } });
    });
    const world: World = {
      clock: { timeZone: fromZone, country: 'AU', defaultSendHour: sendHour },
      automations: [automation({ type: 'birthday', name: 'B' }, { enabledAt: '2026-05-01T00:00:00.000Z' })],
      customers,
      consent: () => true,
    };
    const store = new ClaimStore();
    const random = prng(7);
    const queue = new Queue(random);
    const runner: RunnerState = { lastCompleted: undefined, completedPasses: 0 };
    const start = startOfLocalDay('2026-06-01', fromZone);
    const moveAt = start + 3 * 86_400_000 + 13 * 3_600_000;
    for (let now = start; now < start + 7 * 86_400_000; now += 15 * MINUTE) {
      if (now >= moveAt) world.clock = { ...world.clock, timeZone: toZone };
      interleave([{ steps: runnerPass(world, store, queue, runner, now), budget: Number.POSITIVE_INFINITY }], random);
      drain(world, store, queue, now, () => 'none', random);
    }
    return { store, customers };
  }

  it.each([
    ['America/Los_Angeles', 'Australia/Sydney', 10], // east across the date line: the new "today" is the old "tomorrow"
    ['Australia/Sydney', 'America/Los_Angeles', 10], // west: "today" again
    ['Pacific/Honolulu', 'Pacific/Kiritimati', 10], // 24 hours east
    ['Pacific/Kiritimati', 'Pacific/Honolulu', 23],
    ['Europe/London', 'Pacific/Auckland', 0],
    ['Pacific/Auckland', 'Europe/London', 23],
  ])('%s → %s, send hour %i', (fromZone, toZone, sendHour) => {
    const { store } = run(fromZone, toZone, sendHour);
    // Every birthday of the week (those falling on the day of the move included) ends sent, exactly once.
    const sent = [...store.records.values()].filter((r) => r.status.state === 'sent').map((r) => r.occurrence.subject);
    expect([...store.records.values()].map((r) => r.status.state)).toEqual(Array(store.records.size).fill('sent'));
    expect(new Set(store.messages.map((m) => m.occurrenceKey)).size).toBe(store.messages.length);
    const days = sent.map((s) => (s.kind === 'annual' ? s.date : '')).sort();
    // The week's first and last days depend on where the run's instants fall in each zone; the days between are certain.
    for (let i = 1; i < 6; i += 1) expect(days).toContain(addDays('2026-06-01', i));
    for (const message of store.messages) {
      const { occurrence } = store.records.get(message.occurrenceKey)!;
      expect(message.at).toBeGreaterThanOrEqual(Date.parse(occurrence.dueAt));
      expect(message.at).toBeLessThan(Date.parse(occurrence.validUntil));
    }
  });
});
