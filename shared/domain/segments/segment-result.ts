/**
 * What a count or a preview answers, whether it ran in the request or as a job: the count, who matched and why (a
 * preview), and what it cost.
 */
import type { WhyEntry } from './bind-plan';
import type { SegmentMatch } from './segment-run';

export interface PreviewMatch {
  customerId: string;
  /** First and last name, as the jeweller reads them. */
  name: string;
  /** The leaf values that held (and, under `not`, those that did not). */
  why: WhyEntry[];
}

export interface CountResult {
  /** The saved segment counted; absent for an inline rule. */
  segmentId?: string;
  count: number;
  /** The moment the rule was evaluated at ("today" and "this month" are its day and month in the tenant time zone). */
  evaluatedAt: string;
  customersRead: number;
  readUnits: number;
  durationMs: number;
}

export interface PreviewResult extends CountResult {
  customers: PreviewMatch[];
}

export function previewMatchOf(match: SegmentMatch): PreviewMatch {
  const { customer } = match;
  return { customerId: customer.customerId, name: `${customer.firstName} ${customer.lastName}`.trim(), why: match.why };
}
