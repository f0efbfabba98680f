import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CAMPAIGN_STATUSES,
  FINAL_STATUSES,
  INITIAL_CAMPAIGN_STATE,
  transition,
  type CampaignCommand,
  type CampaignState,
  type CampaignStatus,
} from '../../shared/domain/campaigns/state-machine';

const state = (status: CampaignStatus, scheduleVersion = 1): CampaignState => ({ status, scheduleVersion });
const simple = (type: Exclude<CampaignCommand['type'], 'dispatch'>): CampaignCommand => ({ type }) as CampaignCommand;

describe('campaign transitions', () => {
  const allowed: [CampaignStatus, CampaignCommand['type'], CampaignStatus][] = [
    ['draft', 'schedule', 'scheduled'],
    ['scheduled', 'schedule', 'scheduled'],
    ['scheduled', 'unschedule', 'draft'],
    ['draft', 'send', 'sending'],
    ['scheduled', 'send', 'sending'],
    ['draft', 'cancel', 'cancelled'],
    ['scheduled', 'cancel', 'cancelled'],
    ['sending', 'cancel', 'cancelled'],
    ['paused', 'cancel', 'cancelled'],
    ['sending', 'pause', 'paused'],
    ['paused', 'resume', 'sending'],
    ['sending', 'complete', 'sent'],
  ];

  it.each(allowed)('%s --%s--> %s', (from, command, to) => {
    expect(transition(state(from), simple(command as Exclude<CampaignCommand['type'], 'dispatch'>))).toMatchObject({ ok: true, state: { status: to } });
  });

  it('refuses every other (status, command) pair with the current status', () => {
    const commands = ['schedule', 'unschedule', 'send', 'cancel', 'pause', 'resume', 'complete'] as const;
    for (const status of CAMPAIGN_STATUSES) {
      for (const command of commands) {
        if (allowed.some(([from, c]) => from === status && c === command)) continue;
        expect(transition(state(status), simple(command))).toEqual({ ok: false, reason: 'not_allowed', currentStatus: status });
      }
    }
  });

  it('takes a new schedule version on schedule and on reschedule, and keeps it otherwise', () => {
    expect(transition(state('draft', 0), { type: 'schedule' })).toEqual({ ok: true, state: state('scheduled', 1) });
    expect(transition(state('scheduled', 1), { type: 'schedule' })).toEqual({ ok: true, state: state('scheduled', 2) });
    expect(transition(state('scheduled', 2), { type: 'unschedule' })).toEqual({ ok: true, state: state('draft', 2) });
    expect(transition(state('scheduled', 2), { type: 'send' })).toEqual({ ok: true, state: state('sending', 2) });
  });

  it('dispatches only the current schedule version of a scheduled campaign', () => {
    expect(transition(state('scheduled', 3), { type: 'dispatch', scheduleVersion: 3 })).toEqual({ ok: true, state: state('sending', 3) });
    expect(transition(state('scheduled', 3), { type: 'dispatch', scheduleVersion: 2 })).toEqual({ ok: false, reason: 'stale', currentStatus: 'scheduled' });
    expect(transition(state('draft', 3), { type: 'dispatch', scheduleVersion: 3 })).toEqual({ ok: false, reason: 'not_allowed', currentStatus: 'draft' });
    expect(transition(state('sending', 3), { type: 'dispatch', scheduleVersion: 3 })).toEqual({ ok: false, reason: 'not_allowed', currentStatus: 'sending' });
    expect(transition(state('cancelled', 3), { type: 'dispatch', scheduleVersion: 3 })).toMatchObject({ ok: false, currentStatus: 'cancelled' });
  });
});

const commandArbitrary: fc.Arbitrary<CampaignCommand> = fc.oneof(
  fc.constantFrom<CampaignCommand>(
    { type: 'schedule' },
    { type: 'unschedule' },
    { type: 'send' },
    { type: 'cancel' },
    { type: 'pause' },
    { type: 'resume' },
    { type: 'complete' },
  ),
  fc.integer({ min: 0, max: 8 }).map((scheduleVersion): CampaignCommand => ({ type: 'dispatch', scheduleVersion })),
);

describe('any sequence of commands', () => {
  it('stays in a valid state, never lowers the version, and leaves refused commands without effect', () => {
    fc.assert(
      fc.property(fc.array(commandArbitrary, { maxLength: 60 }), (commands) => {
        let current = INITIAL_CAMPAIGN_STATE;
        const dispatchedVersions = new Set<number>();
        for (const command of commands) {
          const result = transition(current, command);
          if (!result.ok) {
            expect(result.currentStatus).toBe(current.status);
            continue;
          }
          const next = result.state;
          expect(CAMPAIGN_STATUSES).toContain(next.status);
          expect(Number.isInteger(next.scheduleVersion)).toBe(true);
          expect(next.scheduleVersion).toBeGreaterThanOrEqual(current.scheduleVersion);
          expect(next.scheduleVersion - current.scheduleVersion).toBe(command.type === 'schedule' ? 1 : 0);
          // Nothing leaves a final status; a scheduled campaign always has had a schedule version.
          expect(FINAL_STATUSES).not.toContain(current.status);
          if (next.status === 'scheduled') expect(next.scheduleVersion).toBeGreaterThan(0);
          if (command.type === 'dispatch') {
            // One firing per version ever starts a campaign: a duplicate finds it no longer scheduled at that version.
            expect(dispatchedVersions.has(command.scheduleVersion)).toBe(false);
            dispatchedVersions.add(command.scheduleVersion);
            expect(command.scheduleVersion).toBe(current.scheduleVersion);
          }
          current = next;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('only reaches sent through sending, and never leaves sent or cancelled', () => {
    fc.assert(
      fc.property(fc.array(commandArbitrary, { maxLength: 60 }), (commands) => {
        let current = INITIAL_CAMPAIGN_STATE;
        for (const command of commands) {
          const result = transition(current, command);
          if (!result.ok) continue;
          if (result.state.status === 'sent') expect(current.status).toBe('sending');
          current = result.state;
        }
        if (current.status === 'sent' || current.status === 'cancelled') {
          for (const command of commands) expect(transition(current, command).ok).toBe(false);
        }
      }),
    );
  });
});
