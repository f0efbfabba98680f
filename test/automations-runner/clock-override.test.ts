/** The clock override script's reading of `--at` and the input it gives the runner (the schedule's, plus `now`). */
import { describe, expect, it } from 'vitest';
import { runnerInputSchema } from '../../functions/schedule/automation-runner';
import { overrideInstant, runnerInput } from '../../scripts/automations-run';

describe('--at', () => {
  it('is a wall time in the tenant time zone, through DST', () => {
    expect(overrideInstant('2026-12-24T10:00', 'Australia/Sydney').toISOString()).toBe('2026-12-23T23:00:00.000Z');
    expect(overrideInstant('2026-07-24T10:00', 'Australia/Sydney').toISOString()).toBe('2026-07-24T00:00:00.000Z');
    expect(overrideInstant('2026-03-29T01:30', 'Europe/London').toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('keeps an explicit instant as it is', () => {
    expect(overrideInstant('2026-12-24T10:00:00Z', 'Australia/Sydney').toISOString()).toBe('2026-12-24T10:00:00.000Z');
    expect(overrideInstant('2026-12-24T10:00+05:30', 'Australia/Sydney').toISOString()).toBe('2026-12-24T04:30:00.000Z');
  });

  it('refuses what is not a date and time', () => {
    expect(() => overrideInstant('christmas', 'Australia/Sydney')).toThrow(/not a local date and time/);
  });
});

describe('the runner input', () => {
  it('is the schedule input with the override as `now`, and the runner accepts it', () => {
    const input = runnerInput(new Date('2026-12-23T23:00:00Z'));
    expect(input).toMatchObject({ schedule: 'automation-runner', scheduledTime: '2026-12-23T23:00:00.000Z', now: '2026-12-23T23:00:00.000Z' });
    expect(runnerInputSchema.parse(input).now).toBe('2026-12-23T23:00:00.000Z');
    expect(runnerInput(undefined)).not.toHaveProperty('now');
  });
});
