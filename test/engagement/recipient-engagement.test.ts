import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CounterField } from '../../shared/domain/campaigns/campaign-counters';
import { recipientEngagementSchema, recipientEngagementView } from '../../shared/domain/engagement/engagement-view';
import {
  DELIVERY_RANK,
  EMPTY_ENGAGEMENT,
  engagementOf,
  planEngagement,
  timelineStatus,
  type EngagementSignal,
  type RecipientEngagement,
} from '../../shared/domain/engagement/recipient-engagement';

const at = (second: number) => new Date(Date.UTC(2025, 5, 30, 8, 0, second)).toISOString();

/** Applies signals in order, summing every counter and reputation increment the plans asked for. */
function fold(signals: readonly EngagementSignal[]) {
  let state: RecipientEngagement = EMPTY_ENGAGEMENT;
  const counters: Partial<Record<CounterField, number>> = {};
  const reputation: Record<string, number> = {};
  const milestones: string[] = [];
  for (const signal of signals) {
    const plan = planEngagement(state, signal);
    if (!plan) continue;
    expect(plan.next.version).toBe(state.version + 1);
    state = plan.next;
    for (const [field, amount] of Object.entries(plan.counters)) counters[field as CounterField] = (counters[field as CounterField] ?? 0) + amount;
    for (const [field, amount] of Object.entries(plan.reputation)) reputation[field] = (reputation[field] ?? 0) + amount;
    milestones.push(...plan.milestones.map((m) => m.status));
  }
  return { state, counters, reputation, milestones };
}

const SES_KINDS = ['send', 'delay', 'delivery', 'soft_bounce', 'hard_bounce', 'complaint', 'reject', 'rendering_failure'] as const;

describe('delivery status', () => {
  it('a Send is not a delivery', () => {
    const { state, counters, reputation } = fold([{ kind: 'send', at: at(0) }]);
    expect(state.delivery).toBe('accepted');
    expect(state.deliveredAt).toBeUndefined();
    expect(counters.delivered).toBeUndefined();
    expect(reputation).toEqual({ sends: 1 });
  });

  it('a late Delivery never overwrites a Complaint, and the complaint already counted the delivery', () => {
    const { state, counters, milestones } = fold([
      { kind: 'send', at: at(0) },
      { kind: 'complaint', at: at(9) },
      { kind: 'delivery', at: at(2) },
    ]);
    expect(state.delivery).toBe('complained');
    expect(counters).toEqual({ delivered: 1, complained: 1 });
    expect(milestones).toEqual(['delivered', 'complained']);
  });

  it('a DeliveryDelay after the Delivery changes nothing', () => {
    const delivered = fold([{ kind: 'delivery', at: at(2) }]).state;
    expect(planEngagement(delivered, { kind: 'delay', at: at(1) })?.next.delivery).toBe('delivered');
  });

  it('a duplicate SES event plans nothing (no write, no count)', () => {
    for (const kind of SES_KINDS) {
      const once = fold([{ kind, at: at(1) }]).state;
      expect(planEngagement(once, { kind, at: at(1) }), kind).toBeUndefined();
    }
  });

  it('hard bounces count for the campaign and the reputation, soft bounces for neither', () => {
    expect(fold([{ kind: 'soft_bounce', at: at(1) }])).toMatchObject({ counters: {}, reputation: {}, state: { delivery: 'soft_bounced' } });
    expect(fold([{ kind: 'hard_bounce', at: at(1) }])).toMatchObject({ counters: { bounced: 1 }, reputation: { bounces: 1 }, state: { delivery: 'bounced' } });
  });

  it('counters and the final status do not depend on order or duplicates (SES and EventBridge deliver at least once)', () => {
    const signal = fc.record({ kind: fc.constantFrom(...SES_KINDS), at: fc.integer({ min: 0, max: 59 }).map(at) });
    fc.assert(
      fc.property(fc.array(signal, { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 2 ** 31 }), (signals, seed) => {
        const shuffled = fc.sample(fc.shuffledSubarray([...signals, ...signals], { minLength: signals.length * 2 }), { seed, numRuns: 1 })[0]!;
        const a = fold(signals);
        const b = fold(shuffled);
        expect(b.counters).toEqual(a.counters);
        expect(b.reputation).toEqual(a.reputation);
        expect(b.state.delivery).toBe(a.state.delivery);
        const kinds = new Set(signals.map((s) => s.kind));
        // Each counter is 0 or 1 per recipient, and 1 exactly when its evidence was seen.
        expect(a.counters.delivered ?? 0).toBe(kinds.has('delivery') || kinds.has('complaint') ? 1 : 0);
        expect(a.counters.bounced ?? 0).toBe(kinds.has('hard_bounce') ? 1 : 0);
        expect(a.counters.complained ?? 0).toBe(kinds.has('complaint') ? 1 : 0);
        expect(a.reputation.sends ?? 0).toBe(kinds.has('send') ? 1 : 0);
        const highest = [...kinds].map((kind) => fold([{ kind, at: at(0) }]).state.delivery!).sort((x, y) => DELIVERY_RANK[y] - DELIVERY_RANK[x])[0];
        expect(DELIVERY_RANK[a.state.delivery!]).toBe(DELIVERY_RANK[highest!]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('opens and clicks', () => {
  it('a replayed open counts in the total, not again in the unique figure', () => {
    const { state, counters } = fold([
      { kind: 'open', at: at(10), machine: false },
      { kind: 'open', at: at(20), machine: false },
    ]);
    expect(counters).toEqual({ openedTotal: 2, openedUnique: 1, delivered: 1 });
    expect(state).toMatchObject({ opens: 2, firstOpenAt: at(10), lastOpenAt: at(20) });
  });

  it('machine opens count in the total only and leave no human open time (no unique, no attribution)', () => {
    const { state, counters } = fold([{ kind: 'open', at: at(10), machine: true }]);
    expect(counters).toEqual({ openedTotal: 1, delivered: 1 });
    expect(state).toMatchObject({ opens: 1, machineOpens: 1 });
    expect(state.firstOpenAt).toBeUndefined();
  });

  it('a human click is a unique click and, when no open was seen (images blocked), a unique open', () => {
    const { counters, milestones } = fold([
      { kind: 'click', at: at(30), machine: false },
      { kind: 'click', at: at(40), machine: false },
      { kind: 'open', at: at(50), machine: false },
    ]);
    expect(counters).toEqual({ clickedTotal: 2, clickedUnique: 1, openedUnique: 1, openedTotal: 1, delivered: 1 });
    expect(milestones).toEqual(['delivered', 'clicked']);
  });

  it('a click without a pixel counts its implied open in the total as well: the total is never below the unique opens', () => {
    const { state, counters } = fold([{ kind: 'click', at: at(30), machine: false }]);
    expect(counters).toEqual({ clickedTotal: 1, clickedUnique: 1, openedUnique: 1, openedTotal: 1, delivered: 1 });
    // The recipient's own count stays the pixels loaded.
    expect(state).toMatchObject({ opens: 0, clicks: 1, firstOpenAt: at(30) });
  });

  it('opens and clicks count the same whatever order they arrive in, and no total is ever below its unique figure', () => {
    const interaction = fc.record({
      kind: fc.constantFrom('open' as const, 'click' as const),
      at: fc.integer({ min: 0, max: 59 }).map(at),
      machine: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(interaction, { minLength: 1, maxLength: 10 }), fc.integer({ min: 0, max: 2 ** 31 }), (signals, seed) => {
        const shuffled = fc.sample(fc.shuffledSubarray(signals, { minLength: signals.length }), { seed, numRuns: 1 })[0]!;
        const a = fold(signals);
        expect(fold(shuffled).counters).toEqual(a.counters);
        for (let end = 1; end <= shuffled.length; end++) {
          const { counters } = fold(shuffled.slice(0, end));
          expect(counters.openedTotal ?? 0).toBeGreaterThanOrEqual(counters.openedUnique ?? 0);
          expect(counters.clickedTotal ?? 0).toBeGreaterThanOrEqual(counters.clickedUnique ?? 0);
        }
        const pixels = signals.filter((s) => s.kind === 'open').length;
        const humanPixel = signals.some((s) => s.kind === 'open' && !s.machine);
        const humanClick = signals.some((s) => s.kind === 'click' && !s.machine);
        expect(a.counters.openedTotal ?? 0).toBe(pixels + (humanClick && !humanPixel ? 1 : 0));
        expect(a.counters.openedUnique ?? 0).toBe(humanPixel || humanClick ? 1 : 0);
      }),
      { numRuns: 300 },
    );
  });

  it('an open that arrives before the Delivery event counts the delivery once', () => {
    const { counters, state } = fold([
      { kind: 'open', at: at(10), machine: false },
      { kind: 'delivery', at: at(5) },
    ]);
    expect(counters.delivered).toBe(1);
    expect(state.delivery).toBe('delivered');
  });
});

describe('reading and showing', () => {
  it("shows a recipient's latest status with its time, so a bounce or complaint says when", () => {
    const { state } = fold([
      { kind: 'delivery', at: at(5) },
      { kind: 'complaint', at: at(40) },
    ]);
    const item = { engagementVersion: state.version, ...state };
    const view = recipientEngagementSchema.parse(recipientEngagementView(item));
    expect(view).toMatchObject({ delivery: 'complained', deliveryAt: at(40), deliveredAt: at(5) });
  });

  it('reads its attributes off a recipient item, ignoring everything else', () => {
    const item = { pk: 'x', sk: 'y', status: 'sent', engagementVersion: 3, delivery: 'delivered', deliveredAt: at(1), opens: 2, firstOpenAt: at(3), junk: 1 };
    expect(engagementOf(item)).toEqual({ ...EMPTY_ENGAGEMENT, version: 3, delivery: 'delivered', deliveredAt: at(1), opens: 2, firstOpenAt: at(3) });
    expect(engagementOf({ delivery: 'teleported' }).delivery).toBeUndefined();
  });

  it('the timeline shows the strongest thing known', () => {
    expect(timelineStatus(fold([{ kind: 'delivery', at: at(1) }]).state)).toBe('delivered');
    expect(timelineStatus(fold([{ kind: 'click', at: at(1), machine: false }]).state)).toBe('clicked');
    expect(timelineStatus(fold([{ kind: 'open', at: at(1), machine: true }]).state)).toBe('delivered');
    expect(timelineStatus(fold([{ kind: 'complaint', at: at(1) }]).state)).toBe('complained');
    expect(timelineStatus(EMPTY_ENGAGEMENT)).toBeUndefined();
  });
});
