import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyConsent,
  CONSENT_CHANNELS,
  CONSENT_PURPOSES,
  emptyConsentState,
  hasConsent,
  initialConsent,
  withdrawAll,
  type ConsentRequest,
} from '../../shared/domain/customers/consent';

const AT = '2026-03-01T10:00:00.000Z';
const LATER = '2026-03-02T10:00:00.000Z';

describe('initialConsent', () => {
  it('grants service on both channels by default and no marketing', () => {
    const { state, transitions } = initialConsent(undefined, { at: AT, actorStaffId: 'S1' });
    expect(state.email.service).toEqual({ status: 'granted', at: AT, source: 'default' });
    expect(state.sms.service).toEqual({ status: 'granted', at: AT, source: 'default' });
    expect(state.email.marketing).toBeNull();
    expect(state.sms.marketing).toBeNull();
    expect(hasConsent(state, 'email', 'marketing')).toBe(false);
    expect(transitions.map((t) => `${t.channel}.${t.purpose}:${t.record.source}`)).toEqual(['email.service:default', 'sms.service:default']);
  });

  it('records marketing consent given at creation with the staff member and source', () => {
    const { state, transitions } = initialConsent({ email: { marketing: 'granted' } }, { at: AT, actorStaffId: 'S1' });
    expect(state.email.marketing).toEqual({ status: 'granted', at: AT, source: 'staff', actorStaffId: 'S1' });
    expect(transitions).toContainEqual(expect.objectContaining({ channel: 'email', purpose: 'marketing', from: null, to: 'granted' }));
  });

  it('lets the request withdraw service without recording the default first', () => {
    const { state, transitions } = initialConsent({ sms: { service: 'withdrawn' } }, { at: AT, source: 'import' });
    expect(state.sms.service).toEqual({ status: 'withdrawn', at: AT, source: 'import' });
    const sms = transitions.filter((t) => t.channel === 'sms' && t.purpose === 'service');
    expect(sms).toHaveLength(1);
    expect(sms[0]).toMatchObject({ from: null, to: 'withdrawn' });
  });
});

describe('applyConsent', () => {
  const base = initialConsent({ email: { marketing: 'granted' } }, { at: AT }).state;

  it('withdraws marketing and leaves service alone (unsubscribe)', () => {
    const { state, transitions } = applyConsent(base, { email: { marketing: 'withdrawn' } }, { at: LATER, source: 'unsubscribe' });
    expect(state.email.marketing).toEqual({ status: 'withdrawn', at: LATER, source: 'unsubscribe' });
    expect(state.email.service?.status).toBe('granted');
    expect(transitions).toEqual([
      { channel: 'email', purpose: 'marketing', from: 'granted', to: 'withdrawn', record: state.email.marketing },
    ]);
  });

  it('records nothing when the slot already has the requested status', () => {
    const once = applyConsent(base, { email: { marketing: 'withdrawn' } }, { at: LATER, source: 'unsubscribe' });
    const twice = applyConsent(once.state, { email: { marketing: 'withdrawn' } }, { at: '2026-03-03T00:00:00.000Z', source: 'unsubscribe' });
    expect(twice.transitions).toEqual([]);
    expect(twice.state).toEqual(once.state);
  });

  it('does not mutate its input', () => {
    const before = structuredClone(base);
    applyConsent(base, { email: { marketing: 'withdrawn', service: 'withdrawn' }, sms: { marketing: 'granted' } }, { at: LATER, source: 'staff' });
    expect(base).toEqual(before);
  });

  const statusArb = fc.option(fc.constantFrom('granted' as const, 'withdrawn' as const), { nil: undefined });
  const requestArb: fc.Arbitrary<ConsentRequest> = fc.record({
    email: fc.record({ marketing: statusArb, service: statusArb }),
    sms: fc.record({ marketing: statusArb, service: statusArb }),
  });

  it('ends with every requested status set, and reports exactly the slots that changed', () => {
    fc.assert(
      fc.property(requestArb, requestArb, (first, second) => {
        const s1 = applyConsent(emptyConsentState(), first, { at: AT, source: 'staff' }).state;
        const { state, transitions } = applyConsent(s1, second, { at: LATER, source: 'staff' });
        for (const channel of CONSENT_CHANNELS) {
          for (const purpose of CONSENT_PURPOSES) {
            const wanted = second[channel]?.[purpose];
            if (wanted) expect(state[channel][purpose]?.status).toBe(wanted);
            else expect(state[channel][purpose]).toEqual(s1[channel][purpose]);
            const changed = wanted !== undefined && s1[channel][purpose]?.status !== wanted;
            expect(transitions.some((t) => t.channel === channel && t.purpose === purpose)).toBe(changed);
          }
        }
      }),
    );
  });
});

describe('withdrawAll', () => {
  it('withdraws every granted slot and nothing else', () => {
    const state = initialConsent({ email: { marketing: 'granted' } }, { at: AT }).state;
    const { state: after, transitions } = withdrawAll(state, { at: LATER, source: 'erasure' });
    for (const channel of CONSENT_CHANNELS) for (const purpose of CONSENT_PURPOSES) expect(hasConsent(after, channel, purpose)).toBe(false);
    expect(transitions).toHaveLength(3);
    expect(after.sms.marketing).toBeNull();
  });
});
