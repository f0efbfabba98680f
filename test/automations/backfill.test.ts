/** What a backfill covers (../../shared/domain/automations/backfill.ts), with the type's own occurrences. */
import { describe, expect, it } from 'vitest';
import { emptyAggregates } from '../../shared/domain/customers/aggregates';
import { backfillRange, backfillVerdict, MAX_BACKFILL_DAYS } from '../../shared/domain/automations/backfill';
import { isEligible } from '../../shared/domain/automations/eligibility';
import { addDays, startOfLocalDay } from '../../shared/domain/automations/local-time';
import { dueOccurrences } from '../../shared/domain/automations/occurrences';
import { automation, bookCustomer, clock, localAt } from './support/fixtures';

const SYDNEY = 'Australia/Sydney';
const SWITCHED_ON = '2026-03-10';
/** Switched on at 15:00 on 10 March, local. */
const enabledAt = localAt(SWITCHED_ON, 15, SYDNEY);
const now = Date.parse(localAt(SWITCHED_ON, 16, SYDNEY));

function rangeOf(input: Parameters<typeof automation>[0], from: string, extra: { enabledAt?: string; at?: number } = {}) {
  return backfillRange({ automation: automation(input, { enabledAt: extra.enabledAt ?? enabledAt }), from, now: extra.at ?? now, timeZone: SYDNEY });
}

describe('the range', () => {
  it('runs from the first day asked for up to the switched-on day (exclusive): the runner covers the rest', () => {
    const result = rangeOf({ type: 'birthday', name: 'B' }, '2026-03-01');
    expect(result).toEqual({
      ok: true,
      range: { from: '2026-03-01', until: SWITCHED_ON, window: { from: startOfLocalDay('2026-03-01', SYDNEY), to: startOfLocalDay(SWITCHED_ON, SYDNEY) } },
    });
  });

  it('for an automation that is off, ends today: what switching on now would leave out', () => {
    const off = backfillRange({ automation: { ...automation({ type: 'birthday', name: 'B' }), enabled: false }, from: '2026-03-01', now, timeZone: SYDNEY });
    expect(off).toMatchObject({ ok: true, range: { until: SWITCHED_ON, window: { to: startOfLocalDay(SWITCHED_ON, SYDNEY) } } });
  });

  it('is empty from the switched-on day itself; refuses a later day and a reach of more than a year', () => {
    expect(rangeOf({ type: 'birthday', name: 'B' }, SWITCHED_ON)).toMatchObject({ ok: true, range: { window: { from: startOfLocalDay(SWITCHED_ON, SYDNEY), to: startOfLocalDay(SWITCHED_ON, SYDNEY) } } });
    expect(rangeOf({ type: 'birthday', name: 'B' }, '2026-03-11')).toMatchObject({ ok: false, field: 'from' });
    expect(rangeOf({ type: 'birthday', name: 'B' }, addDays(SWITCHED_ON, -MAX_BACKFILL_DAYS)).ok).toBe(true);
    expect(rangeOf({ type: 'birthday', name: 'B' }, addDays(SWITCHED_ON, -MAX_BACKFILL_DAYS - 1))).toMatchObject({ ok: false, field: 'from' });
  });

  it('has nothing for event-based types', () => {
    for (const type of ['post_purchase', 'repair_ready', 'appointment_reminder', 'layby_overdue'] as const) {
      expect(rangeOf({ type, name: 'E' }, '2026-03-01')).toMatchObject({ ok: false, field: 'type' });
    }
  });
});

describe('what it sends', () => {
  const week = { type: 'birthday' as const, name: 'A week before', timing: { daysBefore: 7 } };

  it('a birthday email due before switching on, for a birthday still to come: left out by the runner, found by the backfill', () => {
    const ana = bookCustomer({ birthday: { month: 3, day: 13 } });
    const found = (from: string) => {
      const result = rangeOf(week, from);
      if (!result.ok) throw new Error(result.message);
      return dueOccurrences(automation(week, { enabledAt }), ana, clock(SYDNEY), result.range.window);
    };
    const [occurrence] = found('2026-03-01');
    expect(occurrence).toMatchObject({ dueDate: '2026-03-06', occurrenceKey: 'A1/C1/birthday/2026' });
    expect(isEligible(automation(week, { enabledAt }), occurrence!, SYDNEY)).toBe(false);
    expect(backfillVerdict(occurrence!, now)).toBe('backfill');
    // A range starting after its due day does not reach it.
    expect(found('2026-03-07')).toEqual([]);
  });

  it('not a birthday that already passed, nor anything not yet due', () => {
    const [passed] = dueOccurrences(automation({ type: 'birthday', name: 'B' }, { enabledAt }), bookCustomer({ birthday: { month: 3, day: 5 } }), clock(SYDNEY), {
      from: startOfLocalDay('2026-03-01', SYDNEY),
      to: startOfLocalDay(SWITCHED_ON, SYDNEY),
    });
    expect(backfillVerdict(passed!, now)).toBe('expired');
    expect(backfillVerdict(passed!, Date.parse(passed!.validUntil) - 1)).toBe('backfill');
    expect(backfillVerdict(passed!, Date.parse(passed!.dueAt) - 1)).toBe('not_yet_due');
  });

  it('a re-engagement message within its validity after a lapse before switching on', () => {
    const lapsing = automation({ type: 'reengagement', name: 'Miss you' }, { enabledAt });
    // Last purchase on 5 September: lapsed on 6 March (no purchase since the same day six months before), before 10 March.
    const customer = bookCustomer({ agg: { ...emptyAggregates(), lastPurchaseAt: localAt('2025-09-05', 12, SYDNEY), purchaseCount: 1 } });
    const result = rangeOf({ type: 'reengagement', name: 'Miss you' }, '2026-02-01');
    if (!result.ok) throw new Error(result.message);
    const [occurrence] = dueOccurrences(lapsing, customer, clock(SYDNEY), result.range.window);
    expect(occurrence).toMatchObject({ dueDate: '2026-03-06' });
    expect(backfillVerdict(occurrence!, now)).toBe('backfill');
  });
});
