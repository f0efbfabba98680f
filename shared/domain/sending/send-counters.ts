/**
 * The pipeline's side of the campaign counters (shared/domain/campaigns/campaign-counters.ts): increments are gathered
 * per batch of work and written as one `ADD` to one shard, and only for transitions this process actually made (a
 * conditional write that succeeded), so a duplicate message or a redone step never counts twice. A crash between a
 * transition and the flush loses that increment; the reconciler recounts from the recipients when the campaign
 * finishes and writes the difference (./finalize.ts), so the final figures are exact.
 */
import { BatchGetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { env } from '../../config/env';
import { logger } from '../../observability/logger';
import { documentClient } from '../../store/dynamo';
import { keys } from '../../store/keys';
import {
  CAMPAIGN_COUNTER_SHARDS,
  counterIncrement,
  counterShardFor,
  SKIP_COUNTERS,
  sumCounters,
  type CounterField,
  type CounterTotals,
  type SkipReason,
} from '../campaigns/campaign-counters';
import type { RecipientStatus } from './recipient';

/** Counter fields the send pipeline owns (the engagement loop owns the others). */
export const PIPELINE_FIELDS = ['recipients', ...Object.values(SKIP_COUNTERS), 'sent', 'failed', 'unknown', 'cancelled'] as const satisfies readonly CounterField[];
export type PipelineField = (typeof PIPELINE_FIELDS)[number];

/** The counter a terminal recipient status adds to (skipped ones by their reason). */
export function counterFieldFor(status: RecipientStatus, skipReason?: SkipReason): PipelineField | undefined {
  switch (status) {
    case 'sent':
    case 'failed':
    case 'unknown':
    case 'cancelled':
      return status;
    case 'skipped':
      return skipReason ? SKIP_COUNTERS[skipReason] : undefined;
    default:
      return undefined;
  }
}

/** Recipients that reached a terminal status, according to the counters. */
export function finishedCount(totals: CounterTotals): number {
  return (
    totals.sent +
    totals.failed +
    totals.unknown +
    totals.cancelled +
    totals.skippedNoConsent +
    totals.skippedSuppressed +
    totals.skippedNoAddress +
    totals.skippedFrequencyCap
  );
}

export class CounterDeltas {
  private readonly deltas = new Map<string, Partial<Record<CounterField, number>>>();

  add(tenantId: string, campaignId: string, field: CounterField, amount = 1): void {
    const key = `${tenantId}\u0000${campaignId}`;
    const deltas = this.deltas.get(key) ?? {};
    deltas[field] = (deltas[field] ?? 0) + amount;
    this.deltas.set(key, deltas);
  }

  get isEmpty(): boolean {
    return this.deltas.size === 0;
  }

  /**
   * Writes every campaign's increments to one of its shards (picked by `shardKey`, e.g. the batch's first message id,
   * so concurrent workers land on different shards). A failed write is logged, not thrown: the sends it counts have
   * happened and must not be retried for the sake of a counter.
   */
  async flush(shardKey: string): Promise<void> {
    const entries = [...this.deltas.entries()];
    this.deltas.clear();
    await Promise.all(
      entries.map(async ([key, deltas]) => {
        const [tenantId, campaignId] = key.split('\u0000') as [string, string];
        try {
          await addToCounters(tenantId, campaignId, deltas, shardKey);
        } catch (error) {
          logger.warn('campaign counters not updated; the reconciler recounts them at the end', { tenantId, campaignId, error: error as Error });
        }
      }),
    );
  }
}

export async function addToCounters(
  tenantId: string,
  campaignId: string,
  deltas: Partial<Record<CounterField, number>>,
  shardKey: string,
): Promise<void> {
  if (Object.values(deltas).every((value) => !value)) return;
  const update = counterIncrement(deltas);
  await documentClient.send(
    new UpdateCommand({
      TableName: env.tableName(),
      Key: keys.campaignCounter(tenantId, campaignId, counterShardFor(shardKey)),
      UpdateExpression: update.expression,
      ExpressionAttributeNames: update.names,
      ExpressionAttributeValues: update.values,
    }),
  );
}

/**
 * The counters as the dispatcher's rounds read them: eventually consistent (half the read units of the metrics API's
 * read), which is all a window estimate or a "looks finished" check needs; the settlement walks the recipients anyway.
 */
export async function approximateCounters(tenantId: string, campaignId: string): Promise<CounterTotals> {
  const tableName = env.tableName();
  let pending: Record<string, unknown>[] = Array.from({ length: CAMPAIGN_COUNTER_SHARDS }, (_, shard) => ({ ...keys.campaignCounter(tenantId, campaignId, shard) }));
  const items: Record<string, unknown>[] = [];
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 5) throw new Error(`${pending.length} counter shards stayed unprocessed`);
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
    const result = await documentClient.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending } } }));
    items.push(...(result.Responses?.[tableName] ?? []));
    pending = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
  }
  return sumCounters(items);
}
