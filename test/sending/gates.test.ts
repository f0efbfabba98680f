import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyConsentState, type ConsentState } from '../../shared/domain/customers/consent';
import { closedGate, countRecentMarketing, frequencyWindowStart, needsLookups, type GateFacts } from '../../shared/domain/sending/gates';

const granted = { status: 'granted', at: '2025-01-01T00:00:00.000Z', source: 'staff' } as const;
const withdrawn = { status: 'withdrawn', at: '2025-02-01T00:00:00.000Z', source: 'unsubscribe' } as const;

function consent(marketing: typeof granted | typeof withdrawn | null, service: typeof granted | null = granted): ConsentState {
  return { ...emptyConsentState(), email: { marketing, service } };
}

const open: GateFacts = {
  channel: 'email',
  purpose: 'marketing',
  consent: consent(granted),
  address: 'ann@example.com',
  suppressed: false,
  frequency: { recentMarketingSends: 0, cap: { messages: 3, days: 7 } },
};
const sent = (recentMarketingSends: number, cap = { messages: 3, days: 7 }) => ({ frequency: { recentMarketingSends, cap } });

describe('closedGate', () => {
  it('lets a consenting, reachable, unsuppressed customer under the cap through', () => {
    expect(closedGate(open)).toBeUndefined();
  });

  it('skips without marketing consent: never asked, or unsubscribed', () => {
    expect(closedGate({ ...open, consent: consent(null) })).toBe('no_consent');
    expect(closedGate({ ...open, consent: consent(withdrawn) })).toBe('no_consent');
  });

  it('judges service messages by service consent, not marketing', () => {
    expect(closedGate({ ...open, purpose: 'service', consent: consent(withdrawn) })).toBeUndefined();
    expect(closedGate({ ...open, purpose: 'service', consent: consent(granted, null) })).toBe('no_consent');
  });

  it('skips a missing or blank address', () => {
    expect(closedGate({ ...open, address: undefined })).toBe('no_address');
    expect(closedGate({ ...open, address: '  ' })).toBe('no_address');
  });

  it('skips a suppressed address whatever the consent says', () => {
    expect(closedGate({ ...open, suppressed: true })).toBe('suppressed');
  });

  it('applies the frequency cap to marketing only, at the cap and above', () => {
    expect(closedGate({ ...open, ...sent(2) })).toBeUndefined();
    expect(closedGate({ ...open, ...sent(3) })).toBe('frequency_cap');
    expect(closedGate({ ...open, ...sent(9, { messages: 10, days: 30 }) })).toBeUndefined();
    expect(closedGate({ ...open, purpose: 'service', ...sent(50) })).toBeUndefined();
  });

  it('leaves the cap alone where the step does not judge it (the freeze: the worker judges it at send time)', () => {
    const { frequency: _, ...unjudged } = open;
    expect(closedGate(unjudged)).toBeUndefined();
  });

  it('gives one reason, in the documented order, whatever else is true', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 6 }), (hasConsent, hasAddress, suppressed, sends) => {
        const facts: GateFacts = {
          ...open,
          consent: consent(hasConsent ? granted : withdrawn),
          address: hasAddress ? 'x@example.com' : undefined,
          suppressed,
          ...sent(sends),
        };
        const expected = !hasConsent ? 'no_consent' : !hasAddress ? 'no_address' : suppressed ? 'suppressed' : sends >= 3 ? 'frequency_cap' : undefined;
        expect(closedGate(facts)).toBe(expected);
        // Lookups are only needed when the cheap gates are open.
        expect(needsLookups(facts)).toBe(hasConsent && hasAddress);
      }),
    );
  });
});

describe('countRecentMarketing', () => {
  const since = new Date('2025-03-01T00:00:00.000Z');
  const entry = (over: Record<string, unknown>) => ({ purpose: 'marketing', status: 'sent', campaignId: 'c1', createdAt: '2025-03-02T00:00:00.000Z', ...over });

  it('counts marketing messages that may have reached the customer inside the window', () => {
    const entries = [
      entry({}),
      entry({ status: 'delivered', campaignId: 'c2' }),
      entry({ status: 'unknown', campaignId: 'c3' }),
      entry({ status: 'failed', campaignId: 'c4' }),
      entry({ status: 'skipped', campaignId: 'c5' }),
      entry({ purpose: 'service', campaignId: 'c6' }),
      entry({ createdAt: '2025-02-28T23:59:59.000Z', campaignId: 'c7' }),
    ];
    expect(countRecentMarketing(entries, since)).toBe(3);
  });

  it('does not count the campaign being sent against itself', () => {
    expect(countRecentMarketing([entry({}), entry({ campaignId: 'c2' })], since, 'c1')).toBe(1);
  });

  it('opens the window `days` before now', () => {
    expect(frequencyWindowStart(new Date('2025-03-08T12:00:00.000Z'), { messages: 3, days: 7 }).toISOString()).toBe('2025-03-01T12:00:00.000Z');
  });
});
