import {
  atInstant,
  occurrenceAfter,
  occurrenceOnOrAfter,
  parseScheduleExpression,
  type ScheduleExpression,
  type ScheduleTiming,
} from './expressions';
import type { StoredSchedule } from './model';

/** When a stored schedule fires, from its expression, time zone and dates. */
type TimedSchedule = Pick<StoredSchedule, 'expression' | 'timeZone' | 'startDate' | 'endDate' | 'rateAnchor'>;

function expressionOf(schedule: TimedSchedule): ScheduleExpression {
  const parsed = parseScheduleExpression(schedule.expression);
  // Stored schedules were validated on the way in; a failure here is a corrupted state file.
  if (!parsed.ok) throw new Error(`Stored schedule expression ${schedule.expression} is invalid: ${parsed.reason}`);
  return parsed.expression;
}

function timingOf(schedule: TimedSchedule): ScheduleTiming {
  return {
    timeZone: schedule.timeZone ?? 'UTC',
    rateAnchor: new Date(schedule.rateAnchor),
    ...(schedule.startDate ? { startDate: new Date(schedule.startDate) } : {}),
    ...(schedule.endDate ? { endDate: new Date(schedule.endDate) } : {}),
  };
}

const iso = (date: Date | undefined) => (date ? date.toISOString() : null);

/**
 * When a schedule that was just created or updated fires first. A one-time schedule whose time has already passed
 * still fires (late, at the next tick), as a delivery that arrives late would.
 */
export function firstFireTime(schedule: TimedSchedule, now: Date): string | null {
  const expression = expressionOf(schedule);
  if (expression.kind === 'at') return atInstant(expression, schedule.timeZone ?? 'UTC').toISOString();
  return iso(occurrenceOnOrAfter(expression, now, timingOf(schedule)));
}

/**
 * When a schedule fires next after firing for `scheduledTime` at `now`. Occurrences missed while nothing ticked
 * (a paused process, a clock moved forward) are not replayed one by one: the firing that just happened covers them.
 */
export function fireTimeAfterFiring(schedule: TimedSchedule, scheduledTime: Date, now: Date): string | null {
  const expression = expressionOf(schedule);
  if (expression.kind === 'at') return null;
  const previous = scheduledTime > now ? scheduledTime : now;
  return iso(occurrenceAfter(expression, previous, timingOf(schedule)));
}

/**
 * When a recurring schedule fires next after the process was down: it continues from now without replaying what it
 * missed. A one-time schedule keeps its time, so one that came due during the downtime fires at start.
 */
export function fireTimeOnResume(schedule: TimedSchedule & Pick<StoredSchedule, 'nextFireAt'>, now: Date): string | null {
  const expression = expressionOf(schedule);
  if (expression.kind === 'at' || schedule.nextFireAt === null) return schedule.nextFireAt;
  return iso(occurrenceOnOrAfter(expression, now, timingOf(schedule)));
}
