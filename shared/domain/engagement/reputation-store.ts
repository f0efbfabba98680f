/**
 * The reputation guard's items: the tenant's state (`keys.reputationState`: held or not, why, since when, who
 * acknowledged, which sends it paused) and the daily figures the engagement store adds to (`keys.reputationDay`, in
 * REPUTATION_SHARDS partitions). Reading the window is REPUTATION_SHARDS small queries of at most 30 items each.
 */
import { GetCommand, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { env } from '../../config/env';
import { documentClient } from '../../store/dynamo';
import { keys, REPUTATION_SHARDS } from '../../store/keys';
import { isConditionFailure } from '../../store/unit-of-work';
import { addFigures, NO_FIGURES, utcDay, windowFirstDay, windowTotals, type DayFigures, type JudgementBaseline, type ReputationFigures } from './reputation';

export type GuardStatus = 'ok' | 'held' | 'acknowledged';

export interface ReputationState {
  readonly status: GuardStatus;
  /** Bumped on every change (the writes are conditional on it). */
  readonly version: number;
  readonly heldAt?: string;
  readonly reasons?: readonly string[];
  readonly heldFigures?: ReputationFigures;
  readonly acknowledgedAt?: string;
  readonly acknowledgedBy?: string;
  readonly note?: string;
  readonly baseline?: JudgementBaseline;
  /** Sends the guard paused when it held the tenant (campaigns, bulk sends). */
  readonly pausedSends: readonly string[];
}

export const INITIAL_REPUTATION_STATE: ReputationState = { status: 'ok', version: 0, pausedSends: [] };

export async function loadReputationState(tenantId: string, consistent = true): Promise<ReputationState> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: env.tableName(), Key: keys.reputationState(tenantId), ConsistentRead: consistent }),
  );
  if (!Item) return INITIAL_REPUTATION_STATE;
  const { pk: _pk, sk: _sk, type: _type, tenantId: _tenant, pausedSends, ...rest } = Item;
  return { ...(rest as Omit<ReputationState, 'pausedSends'>), pausedSends: pausedSends instanceof Set ? [...(pausedSends as Set<string>)] : [] };
}

/** Writes the next state (the whole item) if the stored one is still at `expectedVersion`; false otherwise. */
export async function saveReputationState(tenantId: string, next: ReputationState, expectedVersion: number): Promise<boolean> {
  const { pausedSends, ...fields } = next;
  try {
    await documentClient.send(
      new PutCommand({
        TableName: env.tableName(),
        Item: {
          ...keys.reputationState(tenantId),
          type: 'ReputationState',
          tenantId,
          ...fields,
          version: expectedVersion + 1,
          // A string set cannot be empty: no paused sends is no attribute.
          ...(pausedSends.length > 0 ? { pausedSends: new Set(pausedSends) } : {}),
        },
        ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
        ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

const figuresOf = (item: Record<string, unknown>): ReputationFigures => ({
  sends: typeof item.sends === 'number' ? item.sends : 0,
  bounces: typeof item.bounces === 'number' ? item.bounces : 0,
  complaints: typeof item.complaints === 'number' ? item.complaints : 0,
});

/** Every day's figures from `firstDay` on, all shards (days repeat once per shard). */
export async function readDayFigures(tenantId: string, firstDay: string): Promise<DayFigures[]> {
  const shards = await Promise.all(
    Array.from({ length: REPUTATION_SHARDS }, async (_, shard) => {
      const days: DayFigures[] = [];
      const results = paginateQuery(
        { client: documentClient },
        {
          TableName: env.tableName(),
          KeyConditionExpression: 'pk = :pk AND sk >= :first',
          ExpressionAttributeValues: { ':pk': keys.reputationDays(tenantId, shard).pk, ':first': firstDay },
        },
      );
      for await (const result of results) {
        for (const item of result.Items ?? []) days.push({ day: String(item.sk), ...figuresOf(item) });
      }
      return days;
    }),
  );
  return shards.flat();
}

/** The figures the guard judges: the last 30 days, from the acknowledgement on if there was one. */
export async function windowFigures(tenantId: string, now: Date, baseline?: JudgementBaseline): Promise<ReputationFigures> {
  return windowTotals(await readDayFigures(tenantId, windowFirstDay(now)), now, baseline);
}

/** Today's figures so far (the baseline an acknowledgement records). */
export async function todayFigures(tenantId: string, now: Date): Promise<JudgementBaseline> {
  const day = utcDay(now);
  const figures = (await readDayFigures(tenantId, day)).filter((d) => d.day === day).reduce<ReputationFigures>(addFigures, NO_FIGURES);
  return { day, figures };
}
