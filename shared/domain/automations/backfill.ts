/**
 * Backfill: the jeweller's explicit "also send what fell due before this automation was switched on". Switching on
 * never mails the backlog (./eligibility.ts); a backfill is the one way to reach it, and only where a message is still
 * meaningful: an occurrence whose due day lies in [from, the switched-on day) and whose `validUntil` has not passed
 * (a birthday email 7 days before a birthday that is still to come; a re-engagement message within its 14 days). A
 * birthday that already passed stays unsent: backfilling it would be the "happy birthday, three weeks late" the catch-up
 * rules forbid. The same occurrence keys as the runner's, so a backfill claims what the runner would have claimed and
 * never duplicates an occurrence already handled (a second backfill finds everything taken).
 *
 * Date-based types only: their occurrences are computed from the book, imported customers included. Event-based types
 * (post_purchase, repair_ready, appointment_reminder, layby_overdue) are keyed by records and events, not by the book,
 * and are not backfilled.
 */
import type { Automation } from './automation-schema';
import { isDateBased } from './automation-schema';
import { firesFromDate } from './eligibility';
import { daysBetween, localDateOf, startOfLocalDay, toMs } from './local-time';
import type { Occurrence } from './occurrence';
import type { InstantWindow } from './occurrences';

/** How far back a backfill may reach: a year (yearly dates come round again after that anyway). */
export const MAX_BACKFILL_DAYS = 366;

export interface BackfillRange {
  /** The first local day covered (inclusive). */
  readonly from: string;
  /** The local day the automation was switched on (exclusive): from then on the runner covers it. */
  readonly until: string;
  /** Due instants covered: [start of `from`, start of `until`), never beyond now. */
  readonly window: InstantWindow;
}

export type BackfillRangeResult = { ok: true; range: BackfillRange } | { ok: false; field: 'from' | 'type'; message: string };

/**
 * The range a backfill from `from` covers. Up to the switched-on day for an automation that is on; for one that is
 * off (a preview before switching on), up to today: what switching on now would leave out.
 */
export function backfillRange(input: {
  automation: Pick<Automation, 'type' | 'enabled' | 'enabledAt'>;
  from: string;
  now: Date | number;
  timeZone: string;
}): BackfillRangeResult {
  const { automation, from, timeZone } = input;
  if (!isDateBased(automation.type)) {
    return { ok: false, field: 'type', message: `A ${automation.type} automation is driven by events, not by dates in the book: there is nothing to backfill.` };
  }
  const now = toMs(input.now);
  const until = firesFromDate(automation, timeZone) ?? localDateOf(now, timeZone);
  if (from > until) return { ok: false, field: 'from', message: `Must be on or before ${until}, the day the automation was switched on (or today while it is off).` };
  if (daysBetween(from, until) > MAX_BACKFILL_DAYS) return { ok: false, field: 'from', message: `Reach back at most ${MAX_BACKFILL_DAYS} days before ${until}.` };
  const start = startOfLocalDay(from, timeZone);
  return { ok: true, range: { from, until, window: { from: start, to: Math.max(start, Math.min(startOfLocalDay(until, timeZone), now)) } } };
}

export type BackfillVerdict = 'backfill' | 'expired' | 'not_yet_due';

/** Whether an occurrence found in the range is still worth sending now. */
export function backfillVerdict(occurrence: Pick<Occurrence, 'dueAt' | 'validUntil'>, now: Date | number): BackfillVerdict {
  const at = toMs(now);
  if (at < toMs(occurrence.dueAt)) return 'not_yet_due';
  return at < toMs(occurrence.validUntil) ? 'backfill' : 'expired';
}
