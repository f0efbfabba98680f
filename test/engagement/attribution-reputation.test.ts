import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { attributePurchase, type MessageTouches } from '../../shared/domain/engagement/attribution';
import { judge, MINIMUM_SENDS, windowFirstDay, windowTotals, type DayFigures } from '../../shared/domain/engagement/reputation';
import { readSesEvent } from '../../shared/domain/engagement/ses-event';

const purchase = new Date('2025-07-10T12:00:00Z');
const daysBefore = (days: number) => new Date(purchase.getTime() - days * 24 * 3600_000).toISOString();
const message = (campaignId: string, fields: Partial<MessageTouches>): MessageTouches => ({ campaignId, clickTimes: [], openTimes: [], ...fields });

describe('attribution', () => {
  it('prefers the most recent click, then a human open, then a delivery, within the window', () => {
    const a = message('A', { deliveredAt: daysBefore(1), openTimes: [daysBefore(0.5)] });
    const b = message('B', { deliveredAt: daysBefore(6), clickTimes: [daysBefore(5)] });
    const c = message('C', { deliveredAt: daysBefore(3), clickTimes: [daysBefore(2)] });
    expect(attributePurchase(purchase, 7, [a, b, c])).toEqual({ campaignId: 'C', touch: 'click', touchedAt: daysBefore(2) });
    expect(attributePurchase(purchase, 7, [a, message('D', { deliveredAt: daysBefore(0.1) })])).toMatchObject({ campaignId: 'A', touch: 'open' });
    expect(attributePurchase(purchase, 7, [message('D', { deliveredAt: daysBefore(4) }), message('E', { deliveredAt: daysBefore(2) })])).toMatchObject({ campaignId: 'E', touch: 'delivery' });
  });

  it('ignores touches outside the window and after the purchase', () => {
    expect(attributePurchase(purchase, 7, [message('A', { deliveredAt: daysBefore(8), clickTimes: [daysBefore(7.5)] })])).toBeUndefined();
    expect(attributePurchase(purchase, 7, [message('A', { deliveredAt: daysBefore(-1) })])).toBeUndefined();
    // A click after the purchase does not count; the earlier one in the window does.
    expect(attributePurchase(purchase, 7, [message('A', { clickTimes: [daysBefore(3), daysBefore(-0.5)] })])).toMatchObject({ touch: 'click', touchedAt: daysBefore(3) });
    expect(attributePurchase(purchase, 30, [message('A', { deliveredAt: daysBefore(20) })])).toMatchObject({ campaignId: 'A' });
  });
});

describe('reputation judgement', () => {
  const now = new Date('2025-07-30T10:00:00Z');
  const day = (d: string, sends: number, bounces = 0, complaints = 0): DayFigures => ({ day: d, sends, bounces, complaints });

  it('sums the last 30 UTC days, split over shards, and leaves older days out', () => {
    expect(windowFirstDay(now)).toBe('2025-07-01');
    const totals = windowTotals([day('2025-06-30', 1000, 900), day('2025-07-01', 300, 10), day('2025-07-01', 300, 10, 1), day('2025-07-30', 10)], now);
    expect(totals).toEqual({ sends: 610, bounces: 20, complaints: 1 });
  });

  it('is not judged below 500 sends, holds above 5% bounces or 0.1% complaints, says why', () => {
    expect(judge({ sends: MINIMUM_SENDS - 1, bounces: 400, complaints: 10 }).verdict).toBe('not_judged');
    expect(judge({ sends: 1000, bounces: 50, complaints: 1 }).verdict).toBe('ok');
    const bounced = judge({ sends: 1000, bounces: 51, complaints: 0 });
    expect(bounced).toMatchObject({ verdict: 'hold', reasons: ['bounce rate 5.1% (51 of 1000 sends) is above 5.0%'] });
    const complained = judge({ sends: 1000, bounces: 0, complaints: 2 });
    expect(complained).toMatchObject({ verdict: 'hold', reasons: ['complaint rate 0.20% (2 of 1000 sends) is above 0.10%'] });
  });

  it('after an acknowledgement judges from then on, without the acknowledging day\'s earlier figures', () => {
    const days = [day('2025-07-20', 1000, 100), day('2025-07-29', 600, 60), day('2025-07-30', 200, 5)];
    const baseline = { day: '2025-07-29', figures: { sends: 500, bounces: 60, complaints: 0 } };
    expect(windowTotals(days, now, baseline)).toEqual({ sends: 300, bounces: 5, complaints: 0 });
  });
});

describe('reading SES events', () => {
  const sample = (name: string) => JSON.parse(readFileSync(new URL(`../../events/email-events/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

  it('reads the recipient from the message tags and the signal from the event type', () => {
    const read = readSesEvent(sample('delivery.json'));
    expect(read).toMatchObject({ kind: 'signal', signal: { kind: 'delivery', at: '2025-06-30T08:00:02.512Z' }, addresses: [] });
    if (read.kind !== 'signal') throw new Error('not a signal');
    expect(read.message.messageId).toMatch(/^010f/);
  });

  it('a permanent bounce names the addresses to suppress; a transient one does not', () => {
    const bounce = sample('bounce.json');
    expect(readSesEvent(bounce)).toMatchObject({ kind: 'signal', signal: { kind: 'hard_bounce' }, addresses: ['nobody@example.net'], detail: 'Permanent/General' });
    const detail = bounce.detail as { bounce: Record<string, unknown> };
    const transient = { ...bounce, detail: { ...detail, bounce: { ...detail.bounce, bounceType: 'Transient', bounceSubType: 'MailboxFull' } } };
    expect(readSesEvent(transient)).toMatchObject({ signal: { kind: 'soft_bounce' }, addresses: [] });
  });

  it('ignores what Facet does not consume, and messages without recipient tags', () => {
    const delivery = sample('delivery.json');
    const detail = delivery.detail as { mail: Record<string, unknown> };
    expect(readSesEvent({ ...delivery, detail: { ...detail, eventType: 'Open' } })).toMatchObject({ kind: 'ignored' });
    expect(readSesEvent({ ...delivery, detail: { ...detail, mail: { ...detail.mail, tags: {} } } })).toMatchObject({ kind: 'ignored', why: 'message without recipient tags' });
    expect(() => readSesEvent({ source: 'aws.s3' })).toThrow();
  });
});
