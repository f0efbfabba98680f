/**
 * A campaign's counters live in CAMPAIGN_COUNTER_SHARDS items, each under its own partition key
 * (`keys.campaignCounter`), so a 100k-recipient send spreads its increments instead of hammering one item: at 1,000
 * sends a second each shard takes about 60 writes a second. Writers pick the shard from the recipient
 * (`counterShardFor`), readers sum every shard (`sumCounters`). Every field is a plain number attribute that an
 * `ADD` creates on first use, so an absent shard or field reads 0.
 */
import { shardOf } from '../../store/keys';

export const CAMPAIGN_COUNTER_SHARDS = 16;

/** Why the send gates left a recipient out (counted per reason). */
export const SKIP_REASONS = ['no_consent', 'suppressed', 'no_address', 'frequency_cap'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export const SKIP_COUNTERS = {
  no_consent: 'skippedNoConsent',
  suppressed: 'skippedSuppressed',
  no_address: 'skippedNoAddress',
  frequency_cap: 'skippedFrequencyCap',
} as const satisfies Record<SkipReason, string>;

export const COUNTER_FIELDS = [
  /** Everyone the audience expanded to when the campaign started sending, skipped ones included. */
  'recipients',
  ...Object.values(SKIP_COUNTERS),
  'sent',
  'failed',
  /** Claimed but the SES call never answered (worker died): never resent, see the pipeline's at-most-once rule. */
  'unknown',
  'cancelled',
  // Filled from delivery and engagement events (issue 6).
  'delivered',
  'openedUnique',
  'openedTotal',
  'clickedUnique',
  'clickedTotal',
  'unsubscribed',
  'bounced',
  'complained',
  'attributedOrders',
  /** Minor units of the tenant's currency. */
  'attributedRevenue',
] as const;
export type CounterField = (typeof COUNTER_FIELDS)[number];
export type CounterTotals = Readonly<Record<CounterField, number>>;

export const counterShardFor = (recipientId: string): number => shardOf(recipientId, CAMPAIGN_COUNTER_SHARDS);

export const ZERO_COUNTERS: CounterTotals = Object.fromEntries(COUNTER_FIELDS.map((field) => [field, 0])) as CounterTotals;

/** Adds up the shard items (any subset, in any order); non-numeric or missing attributes count as 0. */
export function sumCounters(items: readonly Readonly<Record<string, unknown>>[]): CounterTotals {
  const totals: Record<CounterField, number> = { ...ZERO_COUNTERS };
  for (const item of items) {
    for (const field of COUNTER_FIELDS) {
      const value = item[field];
      if (typeof value === 'number' && Number.isFinite(value)) totals[field] += value;
    }
  }
  return totals;
}

/** The `ADD` update that applies increments to one shard item (zero increments are left out). */
export function counterIncrement(deltas: Partial<Record<CounterField, number>>): {
  expression: string;
  names: Record<string, string>;
  values: Record<string, number>;
} {
  const entries = COUNTER_FIELDS.flatMap((field, index) => {
    const delta = deltas[field];
    return delta === undefined || delta === 0 ? [] : [{ field, delta, index }];
  });
  if (entries.length === 0) throw new RangeError('A counter update needs at least one non-zero increment');
  return {
    expression: `ADD ${entries.map(({ index }) => `#c${index} :c${index}`).join(', ')}`,
    names: Object.fromEntries(entries.map(({ field, index }) => [`#c${index}`, field])),
    values: Object.fromEntries(entries.map(({ delta, index }) => [`:c${index}`, delta])),
  };
}
