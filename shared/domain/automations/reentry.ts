/**
 * The optional re-entry policy: at most one message from an automation per customer in `minDaysBetween` days (on top
 * of "at most once per occurrence", which the claim guarantees). Two post-purchase mails for two purchases a day apart
 * are two occurrences; with `minDaysBetween: 30` the second is skipped with reason `reentry`.
 *
 * Decided by the sender just before it sends, in the same conditional write that takes the occurrence (`start_send`),
 * so only messages that really go out count: an occurrence skipped for lack of consent does not block the next one.
 * Spacing is measured between the occurrences' `dueAt`, not between send times, so a late runner or a retry does not
 * change the decision. The per-customer record keeps the recent messages' keys and due instants (both directions are
 * checked, since catch-up and retries can take occurrences out of order); entries far older than the newest are dropped.
 */
import type { ReentryPolicy } from './automation-schema';

const DAY_MS = 86_400_000;
/** Out-of-order sends span at most an occurrence's validity (weeks); keep a comfortable margin beyond the spacing. */
export const REENTRY_HISTORY_SLACK_DAYS = 90;

/** A message taken for sending: which occurrence, and when it was due. */
export interface ReentryEntry {
  occurrenceKey: string;
  dueAt: string;
}

export type ReentryDecision = { allowed: true; history: ReentryEntry[] } | { allowed: false; conflictsWith: ReentryEntry };

/**
 * Whether the occurrence may go, given the customer's recent messages from this automation; when allowed, the history
 * to store with it. The occurrence's own entry (left by an attempt that was refused and is being retried) never
 * conflicts with it.
 */
export function reentryDecision(
  policy: ReentryPolicy | undefined,
  history: readonly ReentryEntry[],
  occurrence: ReentryEntry,
): ReentryDecision {
  const due = Date.parse(occurrence.dueAt);
  const others = history.filter((entry) => entry.occurrenceKey !== occurrence.occurrenceKey);
  if (policy !== undefined) {
    const spacing = policy.minDaysBetween * DAY_MS;
    const conflict = others.find((entry) => Math.abs(due - Date.parse(entry.dueAt)) < spacing);
    if (conflict !== undefined) return { allowed: false, conflictsWith: conflict };
  }
  const all = [...others, { occurrenceKey: occurrence.occurrenceKey, dueAt: occurrence.dueAt }];
  const newest = Math.max(...all.map((entry) => Date.parse(entry.dueAt)));
  const horizon = newest - ((policy?.minDaysBetween ?? 0) + REENTRY_HISTORY_SLACK_DAYS) * DAY_MS;
  return {
    allowed: true,
    history: all.filter((entry) => Date.parse(entry.dueAt) >= horizon).sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt)),
  };
}
