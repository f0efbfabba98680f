/**
 * Which window a runner pass evaluates, and what becomes of each occurrence it finds.
 *
 * The window. A pass covers [from, now), where `from` is the start of the local day of the last COMPLETED pass
 * (never earlier than the day the automation was switched on). Re-covering the start of the day costs a few claims that
 * fail (the claim dedupes), and buys:
 *  - catch-up: after an outage, deploy or throttling the next pass covers everything since, however long it was;
 *    a pass that crashed half-way never counts as completed, so its successor covers its window again;
 *  - time-zone changes: the day is taken in the zone the last pass ran in and re-started in the new one, so a tenant
 *    moving west gets no double (keys are local dates) and one moving east skips no day;
 *  - same-day edits: a send hour moved earlier, a customer added to the audience or a birthday typed in after this
 *    morning's pass still fire today.
 * Overlapping and duplicated passes evaluate overlapping windows; the claim makes that harmless.
 *
 * The verdict, per occurrence in the window (./eligibility.ts first: nothing due before the switched-on day):
 *  - `due`: `dueAt <= now < validUntil`: claim it and send it now (late if the runner was late);
 *  - `missed`: `validUntil <= now`: it can no longer be meaningfully sent; recorded with the reason;
 *  - `not_yet_due`: `now < dueAt` (an event-based occurrence, or a preview).
 */
import type { Automation } from './automation-schema';
import { firesFromDate, isEligible } from './eligibility';
import { localDateOf, startOfLocalDay, toIso, toMs } from './local-time';
import type { Occurrence } from './occurrence';
import type { InstantWindow } from './occurrences';
import { SEASONAL_DATE_LABELS } from './seasonal-dates';

export interface CompletedPass {
  /** The `now` the pass evaluated up to (exclusive end of its window). */
  windowEnd: string;
  /** The tenant's time zone when it ran. */
  timeZone: string;
}

/** The window a pass evaluates for an automation, or undefined while the automation is off. */
export function passWindow(input: {
  automation: Pick<Automation, 'enabled' | 'enabledAt'>;
  lastCompleted: CompletedPass | undefined;
  now: Date | number;
  timeZone: string;
}): InstantWindow | undefined {
  const enabledDate = firesFromDate(input.automation, input.timeZone);
  if (enabledDate === undefined) return undefined;
  const last = input.lastCompleted;
  const lastDate = last === undefined ? undefined : localDateOf(last.windowEnd, last.timeZone);
  const fromDate = lastDate !== undefined && lastDate > enabledDate ? lastDate : enabledDate;
  return { from: startOfLocalDay(fromDate, input.timeZone), to: toMs(input.now) };
}

/** What, in words, made an occurrence pointless once its `validUntil` passed. */
export function expiryPhrase(occurrence: Pick<Occurrence, 'subject' | 'type'>): string {
  const subject = occurrence.subject;
  switch (subject.kind) {
    case 'annual':
      return occurrence.type === 'birthday' ? 'the birthday passed' : 'the anniversary passed';
    case 'seasonal':
      return `${SEASONAL_DATE_LABELS[subject.name]} passed`;
    case 'lapse':
      return 're-engagement is no longer timely';
    case 'repair':
      return 'the next repair reminder fell due';
    case 'purchase':
      return 'the purchase is too long ago';
    case 'appointment':
      return 'the appointment started';
    case 'layby':
      return 'the next lay-by reminder fell due';
  }
}

export type Verdict =
  | { kind: 'due' }
  | { kind: 'not_yet_due' }
  | { kind: 'missed'; reason: 'runner_gap'; detail: string }
  | { kind: 'not_eligible' };

/**
 * The verdict for an occurrence a pass found. `lastCompleted`: the pass the window started from (absent when none
 * completed since the automation was switched on), named in the reason of a miss.
 */
export function verdictFor(
  occurrence: Occurrence,
  context: { automation: Pick<Automation, 'enabled' | 'enabledAt'>; now: Date | number; timeZone: string; lastCompleted: CompletedPass | undefined },
): Verdict {
  if (!isEligible(context.automation, occurrence, context.timeZone)) return { kind: 'not_eligible' };
  const now = toMs(context.now);
  if (now < toMs(occurrence.dueAt)) return { kind: 'not_yet_due' };
  if (now < toMs(occurrence.validUntil)) return { kind: 'due' };
  const since = context.lastCompleted?.windowEnd ?? context.automation.enabledAt ?? occurrence.dueAt;
  return {
    kind: 'missed',
    reason: 'runner_gap',
    detail: `runner did not run between ${toIso(toMs(since))} and ${occurrence.validUntil}; ${expiryPhrase(occurrence)}`,
  };
}

/** A one-time schedule fired for an occurrence: claim it if still worth sending, else it is missed. */
export function verdictOnFiring(occurrence: Occurrence, now: Date | number): { kind: 'due' } | { kind: 'not_yet_due' } | { kind: 'missed'; reason: 'schedule_late'; detail: string } {
  const at = toMs(now);
  if (at < toMs(occurrence.dueAt)) return { kind: 'not_yet_due' };
  if (at < toMs(occurrence.validUntil)) return { kind: 'due' };
  return {
    kind: 'missed',
    reason: 'schedule_late',
    detail: `the schedule fired at ${toIso(at)}, after ${occurrence.validUntil}; ${expiryPhrase(occurrence)}`,
  };
}
