/**
 * Switching an automation on never mails the backlog: an occurrence fires only if it falls due on or after the local
 * day the automation was (last) switched on. Today's occurrences whose send hour has already passed still fire, at
 * once; yesterday's never do, and are not `missed` either: they were never this automation's to send.
 */
import type { Automation } from './automation-schema';
import { localDateOf, startOfLocalDay } from './local-time';
import type { Occurrence } from './occurrence';

/** The local day from which the automation fires, or undefined while it is off. */
export function firesFromDate(automation: Pick<Automation, 'enabled' | 'enabledAt'>, timeZone: string): string | undefined {
  if (!automation.enabled || automation.enabledAt === undefined) return undefined;
  return localDateOf(automation.enabledAt, timeZone);
}

/** The first instant of that day: where the first runner window of a freshly switched-on automation starts. */
export function firesFromInstant(automation: Pick<Automation, 'enabled' | 'enabledAt'>, timeZone: string): number | undefined {
  const date = firesFromDate(automation, timeZone);
  return date === undefined ? undefined : startOfLocalDay(date, timeZone);
}

export function isEligible(automation: Pick<Automation, 'enabled' | 'enabledAt'>, occurrence: Pick<Occurrence, 'dueDate'>, timeZone: string): boolean {
  const from = firesFromDate(automation, timeZone);
  return from !== undefined && occurrence.dueDate >= from;
}

/**
 * The on/off fields after a switch. Switching on stamps `enabledAt` (a re-enabled automation starts afresh: what fell
 * due while it was off is not sent); an edit that leaves it on keeps the stamp, so editing never re-opens the backlog
 * nor drops today's occurrences.
 */
export function switchedTo(
  current: Pick<Automation, 'enabled' | 'enabledAt'>,
  enabled: boolean,
  now: Date,
): Pick<Automation, 'enabled' | 'enabledAt'> {
  if (!enabled) return { enabled: false, ...(current.enabledAt === undefined ? {} : { enabledAt: current.enabledAt }) };
  if (current.enabled && current.enabledAt !== undefined) return { enabled: true, enabledAt: current.enabledAt };
  return { enabled: true, enabledAt: now.toISOString() };
}
