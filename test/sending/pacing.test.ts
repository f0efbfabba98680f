import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SEND_LANES, TOTAL_SEND_WORKERS, laneFor } from '../../shared/domain/sending/lanes';
import { dispatchWindow, MIN_WINDOW, perWorkerRate, SendSpacer, throttleBackoffSeconds, THROTTLE_BACKOFF, windowAllowance } from '../../shared/domain/sending/pacing';

describe('per-worker rate', () => {
  it('keeps every worker of both lanes together within the account rate', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.5, max: 5000, noNaN: true }), (accountRate) => {
        const perWorker = perWorkerRate(accountRate);
        const lanes = Object.values(SEND_LANES).reduce((sum, lane) => sum + lane.maxConcurrency * perWorker, 0);
        expect(lanes).toBeLessThanOrEqual(accountRate * (1 + 1e-9));
      }),
    );
    expect(perWorkerRate(14)).toBeCloseTo(14 / TOTAL_SEND_WORKERS);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => perWorkerRate(0)).toThrow(RangeError);
  });
});

describe('SendSpacer', () => {
  it('never lets a worker exceed its rate, however the calls arrive', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.5, max: 200, noNaN: true }), fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 2, maxLength: 60 }), (rate, gaps) => {
        const spacer = new SendSpacer(rate);
        let now = 1_000_000;
        const sendTimes: number[] = [];
        for (const gap of gaps) {
          now += gap;
          sendTimes.push(now + spacer.reserve(now));
        }
        for (let i = 1; i < sendTimes.length; i++) expect(sendTimes[i]! - sendTimes[i - 1]!).toBeGreaterThanOrEqual(1000 / rate - 1e-6);
      }),
    );
  });

  it('does not save up unused slots after a quiet spell', () => {
    const spacer = new SendSpacer(10);
    expect(spacer.reserve(0)).toBe(0);
    expect(spacer.reserve(10_000)).toBe(0);
    expect(spacer.reserve(10_000)).toBe(100);
  });
});

describe('throttle backoff', () => {
  it('grows with each receive, stays within [half, full] of the exponential step and under the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.double({ min: 0, max: 1, noNaN: true }), (receives, random) => {
        const full = Math.min(THROTTLE_BACKOFF.maxSeconds, THROTTLE_BACKOFF.baseSeconds * 2 ** (receives - 1));
        const backoff = throttleBackoffSeconds(receives, random);
        expect(backoff).toBeGreaterThanOrEqual(Math.floor(full / 2));
        expect(backoff).toBeLessThanOrEqual(full);
      }),
    );
    expect(throttleBackoffSeconds(1, 1)).toBe(10);
    expect(throttleBackoffSeconds(3, 1)).toBe(40);
  });
});

describe('dispatch window', () => {
  it('holds a few seconds of sending at the account rate, never less than the minimum', () => {
    expect(dispatchWindow(14)).toBe(Math.max(MIN_WINDOW, 56));
    expect(dispatchWindow(1)).toBe(MIN_WINDOW);
  });

  it('allows only what has left the window since the pass started', () => {
    expect(windowAllowance(50, 0, 0)).toBe(50);
    expect(windowAllowance(50, 50, 0)).toBe(0);
    expect(windowAllowance(50, 50, 20)).toBe(20);
    expect(windowAllowance(50, 10, 40)).toBe(50);
  });
});

describe('lanes', () => {
  it('puts campaigns in bulk and service or automation messages in the priority lane', () => {
    expect(laneFor({ kind: 'campaign', purpose: 'marketing' })).toBe('bulk');
    expect(laneFor({ kind: 'automation', purpose: 'marketing' })).toBe('priority');
    expect(laneFor({ kind: 'one_to_one', purpose: 'service' })).toBe('priority');
  });
});
