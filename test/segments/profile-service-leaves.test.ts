import { describe, expect, it } from 'vitest';
import { emptyConsentState } from '../../shared/domain/customers/consent';
import { aggregates, at, customer, evaluate, matching } from './book-fixtures';

const SYDNEY = 'Australia/Sydney';
const context = at('2025-06-10T09:00', SYDNEY);

describe('profile leaves', () => {
  it('loyalty: members, optionally of a tier (case-insensitive)', async () => {
    const gold = customer({ loyalty: { member: true, tier: 'Gold' } });
    const member = customer({ loyalty: { member: true } });
    const formerGold = customer({ loyalty: { member: false, tier: 'Gold' } });
    const book = [gold, member, formerGold];
    expect(await matching({ type: 'loyalty' }, book, context)).toEqual([gold.customerId, member.customerId]);
    expect(await matching({ type: 'loyalty', tier: 'gold' }, book, context)).toEqual([gold.customerId]);
  });

  it('tags: any or all of the listed tags', async () => {
    const both = customer({ tags: ['vip', 'watch-lover'] });
    const one = customer({ tags: ['vip'] });
    const none = customer({ tags: ['pearls'] });
    const book = [both, one, none];
    expect(await matching({ type: 'tags', tags: ['VIP', 'watch-lover'] }, book, context)).toEqual([both.customerId, one.customerId]);
    expect(await matching({ type: 'tags', tags: ['vip', 'watch-lover'], match: 'all' }, book, context)).toEqual([both.customerId]);
  });

  it('status and categories (categories without case)', async () => {
    const active = customer({ status: 'active', categories: ['Bridal', 'Estate'] });
    const dnc = customer({ status: 'do_not_contact', categories: ['bridal'] });
    const book = [active, dnc];
    expect(await matching({ type: 'status', status: 'do_not_contact' }, book, context)).toEqual([dnc.customerId]);
    expect(await matching({ type: 'categories', categories: ['BRIDAL'] }, book, context)).toEqual([active.customerId, dnc.customerId]);
    expect(await matching({ type: 'categories', categories: ['bridal', 'estate'], match: 'all' }, book, context)).toEqual([active.customerId]);
  });

  it('surname, city and postcode ignore case, accents and spaces', async () => {
    const obrien = customer({ lastName: "Ó'Brien", city: 'São Paulo', postcode: 'SW1A 1AA' });
    const other = customer({ lastName: 'Brien', city: 'Sydney', postcode: '2000' });
    const noAddress = customer({ lastName: 'Nguyen' });
    const book = [obrien, other, noAddress];
    expect(await matching({ type: 'surname', surname: "o'brien" }, book, context)).toEqual([obrien.customerId]);
    expect(await matching({ type: 'city', city: 'sao paulo' }, book, context)).toEqual([obrien.customerId]);
    expect(await matching({ type: 'postcode', postcode: 'sw1a1aa' }, book, context)).toEqual([obrien.customerId]);
    expect(await matching({ not: { type: 'city', city: 'Sydney' } }, book, context)).toEqual([obrien.customerId, noAddress.customerId]);
  });

  it('search finds text in name, address, city or postcode, and digits in the phone', async () => {
    const zoe = customer({ firstName: 'Zoë', lastName: 'Marsh', addressLine: '12 Pitt Street', phone: '+61412345678' });
    const other = customer({ firstName: 'Sam', lastName: 'Hill', city: 'Newcastle', phone: '+61299990000' });
    const book = [zoe, other];
    expect(await matching({ type: 'search', text: 'zoe mar' }, book, context)).toEqual([zoe.customerId]);
    expect(await matching({ type: 'search', text: 'pitt st' }, book, context)).toEqual([zoe.customerId]);
    expect(await matching({ type: 'search', text: 'castle' }, book, context)).toEqual([other.customerId]);
    expect(await matching({ type: 'search', text: '0412 345 678' }, book, context)).toEqual([zoe.customerId]);
    const result = await evaluate({ type: 'search', text: '9999' }, book, context);
    expect(result.matches[0]?.why[0]?.detail).toBe('"9999" found in phone');
  });

  it('consent: granted on a channel for a purpose (marketing by default)', async () => {
    const state = emptyConsentState();
    const granted = customer({
      consent: { ...state, email: { marketing: { status: 'granted', at: '2025-01-02T00:00:00.000Z', source: 'staff' }, service: null } },
    });
    const withdrawn = customer({
      consent: { ...state, email: { marketing: { status: 'withdrawn', at: '2025-01-03T00:00:00.000Z', source: 'unsubscribe' }, service: null } },
    });
    const neverAsked = customer();
    const book = [granted, withdrawn, neverAsked];
    expect(await matching({ type: 'consent', channel: 'email' }, book, context)).toEqual([granted.customerId]);
    expect(await matching({ type: 'consent', channel: 'sms' }, book, context)).toEqual([]);
    expect(await matching({ type: 'consent', channel: 'email', purpose: 'service' }, book, context)).toEqual([]);
  });

  it('manual: exactly the listed customers that exist (duplicates and unknown ids ignored)', async () => {
    const a = customer();
    const b = customer();
    const c = customer();
    const result = await evaluate({ type: 'manual', customerIds: [a.customerId, a.customerId, c.customerId, 'nobody'] }, [a, b, c], context);
    expect(result.count).toBe(2);
    expect([...result.customerIds].sort()).toEqual([a.customerId, c.customerId]);
  });
});

describe('service leaves', () => {
  const repairs = (counts: Partial<Record<'received' | 'in_progress' | 'ready' | 'collected' | 'cancelled', number>>) =>
    customer({ agg: aggregates({ repairs: { received: 0, in_progress: 0, ready: 0, collected: 0, cancelled: 0, ...counts } }) });

  it('repair: active, any, only finished, or in a status', async () => {
    const ready = repairs({ ready: 1 });
    const collected = repairs({ collected: 2 });
    const none = repairs({});
    const book = [ready, collected, none];
    expect(await matching({ type: 'repair', active: true }, book, context)).toEqual([ready.customerId]);
    expect(await matching({ type: 'repair' }, book, context)).toEqual([ready.customerId, collected.customerId]);
    expect(await matching({ type: 'repair', active: false }, book, context)).toEqual([collected.customerId]);
    expect(await matching({ type: 'repair', status: 'collected' }, book, context)).toEqual([collected.customerId]);
    const result = await evaluate({ type: 'repair', status: 'ready' }, book, context);
    expect(result.matches[0]?.why[0]?.detail).toBe('repairs: 1 ready');
  });

  it('overdue_layby: an unpaid lay-by due before the tenant\'s today', async () => {
    // 08:00 on 10 June in Sydney is 9 June in UTC: a lay-by due on the 9th is overdue in Sydney, not yet by UTC.
    const dueYesterday = customer({ agg: aggregates({ laybyEarliestDue: '2025-06-09', openLaybys: 1 }) });
    const dueToday = customer({ agg: aggregates({ laybyEarliestDue: '2025-06-10', openLaybys: 1 }) });
    const none = customer();
    expect(await matching({ type: 'overdue_layby' }, [dueYesterday, dueToday, none], at('2025-06-10T08:00', SYDNEY))).toEqual([
      dueYesterday.customerId,
    ]);
  });

  it('outstanding_balance: anything owed, or at least a minimum', async () => {
    const owes = customer({ agg: aggregates({ outstandingBalance: 5_000 }) });
    const owesLittle = customer({ agg: aggregates({ outstandingBalance: 1 }) });
    const clear = customer();
    expect(await matching({ type: 'outstanding_balance' }, [owes, owesLittle, clear], context)).toEqual([owes.customerId, owesLittle.customerId]);
    expect(await matching({ type: 'outstanding_balance', min: 5_000 }, [owes, owesLittle, clear], context)).toEqual([owes.customerId]);
  });

  it('has_appointment: the next appointment after now within N days (default 7) or hours; a passed one does not count', async () => {
    const now = context.now.getTime();
    const inHours = (h: number) => new Date(now + h * 3_600_000).toISOString();
    const tomorrow = customer({ agg: aggregates({ nextAppointmentAt: inHours(20), upcomingAppointments: [inHours(20)] }) });
    const nextWeek = customer({ agg: aggregates({ nextAppointmentAt: inHours(24 * 7 + 1), upcomingAppointments: [inHours(24 * 7 + 1)] }) });
    // Written before its appointment passed: `nextAppointmentAt` is stale, the list still has the one after it.
    const stale = customer({ agg: aggregates({ nextAppointmentAt: inHours(-2), upcomingAppointments: [inHours(-2), inHours(30)] }) });
    const legacy = customer({ agg: { ...aggregates({ nextAppointmentAt: inHours(3) }), upcomingAppointments: undefined } });
    const book = [tomorrow, nextWeek, stale, legacy];
    expect(await matching({ type: 'has_appointment' }, book, context)).toEqual([tomorrow.customerId, stale.customerId, legacy.customerId]);
    expect(await matching({ type: 'has_appointment', within: 24, unit: 'hours' }, book, context)).toEqual([tomorrow.customerId, legacy.customerId]);
    expect(await matching({ type: 'has_appointment', within: 8 }, book, context)).toHaveLength(4);
  });
});

describe('erased customers', () => {
  it('never match, whatever the rule (even under not, an empty and, or a manual list)', async () => {
    const erased = customer({ erased: true, agg: aggregates({ purchaseCount: 1, totalSpent: 1, largestPurchase: 999_999 }) });
    const kept = customer();
    for (const rule of [
      { and: [] },
      { not: { type: 'vip' } },
      { not: { type: 'never_purchased' } },
      { type: 'high_value', amount: 1 },
      { type: 'manual', customerIds: [erased.customerId] },
    ]) {
      const result = await evaluate(rule, [erased, kept], context);
      expect(result.customerIds, JSON.stringify(rule)).not.toContain(erased.customerId);
      expect(result.counters.erasedSkipped).toBe(1);
    }
  });
});
