import { z } from 'zod';
import { OUTBOX_SHARDS } from '../store/table-definition';
import { logger } from '../observability/logger';
import type { EventPublisher } from '../store/unit-of-work';
import type { DomainEvent } from './domain-events';
import { claimOutboxEntry, dueOutboxEntries } from './outbox';
import { EventPublishError } from './publisher';

/** The request path publishes right after its commit; only entries older than this are the sweeper's business. */
export const DEFAULT_MIN_AGE_MS = 30_000;
/** Long enough to cover one sweep (the function times out at 60 s), short enough to retry on the next-but-one run. */
export const DEFAULT_LEASE_MS = 60_000;
/** Stop claiming new work before the function's timeout; what is left waits for the next run. */
const DEFAULT_BUDGET_MS = 45_000;
const PUBLISH_BATCH = 10;

/**
 * The schedule's input (EventBridge Scheduler passes it as the event): what every recurring schedule of the app sends
 * (infra/schedule-input.ts, the `<aws.scheduler.*>` keywords filled in per firing), plus an optional override of the
 * minimum age. Strict, so a misspelt override is noticed rather than silently ignored.
 */
export const outboxSweepInputSchema = z
  .strictObject({
    schedule: z.string().optional(),
    scheduleArn: z.string().optional(),
    scheduledTime: z.string().optional(),
    executionId: z.string().optional(),
    attemptNumber: z.union([z.string(), z.number()]).optional(),
    minAgeSeconds: z.number().int().min(0).max(3600).optional().describe('Only sweep events older than this'),
  })
  .meta({ id: 'OutboxSweepInput' });
export type OutboxSweepInput = z.infer<typeof outboxSweepInputSchema>;

export interface SweepOptions {
  publisher: EventPublisher;
  tableName: string;
  now?: number;
  minAgeMs?: number;
  leaseMs?: number;
  budgetMs?: number;
}

export interface SweepResult {
  /** Entries old enough to sweep. */
  due: number;
  published: number;
  /** Claimed by a concurrent sweep or already published meanwhile. */
  skipped: number;
  failed: number;
  /** Entries whose event no longer parses; left in place and logged for an operator. */
  invalid: number;
}

/**
 * Publishes the outbox entries the request path did not (the process died after its commit, or SQS refused), shard by
 * shard in parallel. Idempotent and safe to run concurrently: each entry is claimed with a conditional lease before it
 * is sent, and the publisher deletes it after a good send; the rare double send (delete failed) is absorbed by the
 * consumer's dedupe on eventId.
 */
export async function sweepOutbox(options: SweepOptions): Promise<SweepResult> {
  const now = options.now ?? Date.now();
  const before = new Date(now - (options.minAgeMs ?? DEFAULT_MIN_AGE_MS)).toISOString();
  const stopAt = Date.now() + (options.budgetMs ?? DEFAULT_BUDGET_MS);
  const shards = Array.from({ length: OUTBOX_SHARDS }, (_, shard) => shard);
  const results = await Promise.all(
    shards.map((shard) => sweepShard(shard, before, now, stopAt, options)),
  );
  return results.reduce(
    (sum, r) => ({
      due: sum.due + r.due,
      published: sum.published + r.published,
      skipped: sum.skipped + r.skipped,
      failed: sum.failed + r.failed,
      invalid: sum.invalid + r.invalid,
    }),
    { due: 0, published: 0, skipped: 0, failed: 0, invalid: 0 },
  );
}

async function sweepShard(
  shard: number,
  before: string,
  now: number,
  stopAt: number,
  options: SweepOptions,
): Promise<SweepResult> {
  const result: SweepResult = { due: 0, published: 0, skipped: 0, failed: 0, invalid: 0 };
  let claimed: DomainEvent[] = [];

  const flush = async () => {
    if (claimed.length === 0) return;
    const batch = claimed;
    claimed = [];
    try {
      await options.publisher.publish(batch);
      result.published += batch.length;
    } catch (error) {
      const failed = error instanceof EventPublishError ? error.failedEventIds.length : batch.length;
      result.failed += failed;
      result.published += batch.length - failed;
      logger.warn('outbox sweep could not publish', { error: error as Error, shard, failed });
    }
  };

  for await (const entry of dueOutboxEntries(options.tableName, shard, before)) {
    if (Date.now() > stopAt) break;
    result.due += 1;
    if ('invalid' in entry) {
      result.invalid += 1;
      logger.error('outbox entry does not parse as a domain event', { pk: entry.key.pk, sk: entry.key.sk });
      continue;
    }
    if (!(await claimOutboxEntry(options.tableName, entry.key, now, options.leaseMs ?? DEFAULT_LEASE_MS))) {
      result.skipped += 1;
      continue;
    }
    claimed.push(entry.event);
    if (claimed.length >= PUBLISH_BATCH) await flush();
  }
  await flush();
  return result;
}
