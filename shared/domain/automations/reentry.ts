/**
 * The optional re-entry policy: at most one message from an automation per customer in `minDaysBetween` days (on top
 * of "at most once per occurrence", which the claim guarantees). Two post-purchase mails for two purchases a day apart
 * are two occurrences; with `minDaysBetween: 30` the second is skipped with reason `reentry`.
 *
 * Decided by the sender just before it sends, in the same conditional write that takes the occurrence (`start_send`),
 * so only messages that really go out count: an occurrence skipped for lack of consent does not block the next one.
 * Spacing is measured between the occurrences' `dueAt`, not between send times, so a late runner or a retry does not
 * change the decision. The per-customer record keeps the due instants of recent messages (both directions are checked,
 * since catch-up and retries can take occurrences out of order); entries far older than the newest are dropped.
 */
import type { ReentryPolicy } from './automation-schema';

const DAY_MS = 86_400_000;
/** Out-of-order sends span at most an occurrence's validity (weeks); keep a comfortable margin beyond the spacing. */
export const REENTRY_HISTORY_SLACK_DAYS = 90;

export type ReentryDecision = { allowed: true; history: string[] } | { allowed: false; conflictsWith: string };

/**
 * Whether a message due at `dueAt` may go, given the due instants of the customer's recent messages from this
 * automation; when allowed, the history to store with it.
 */
export function reentryDecision(policy: ReentryPolicy | undefined, history: readonly string[], dueAt: string): ReentryDecision {
  const due = Date.parse(dueAt);
  if (policy !== undefined) {
    const spacing = policy.minDaysBetween * DAY_MS;
    const conflict = history.find((previous) => Math.abs(due - Date.parse(previous)) < spacing);
    if (conflict !== undefined) return { allowed: false, conflictsWith: conflict };
  }
  const all = [...history, dueAt];
  const newest = Math.max(...all.map((instant) => Date.parse(instant)));
  const horizon = newest - ((policy?.minDaysBetween ?? 0) + REENTRY_HISTORY_SLACK_DAYS) * DAY_MS;
  return { allowed: true, history: all.filter((instant) => Date.parse(instant) >= horizon).sort() };
}
