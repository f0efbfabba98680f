/**
 * Attributes a recorded purchase (`purchase.recorded`, imports excluded) to the message that earned it
 * (./attribution.ts), and counts it, once, in one transaction:
 *   - the attribution marker beside the customer (`keys.purchaseAttribution`, conditional: it makes a retried or
 *     duplicated event count nothing);
 *   - the recipient's attributed orders and revenue (per-recipient results);
 *   - the campaign's `attributedOrders` / `attributedRevenue` counters (its metrics and conversion rate);
 *   - the tenant's attributed orders and revenue of the purchase's day, campaigns and automations apart (the hub).
 *
 * Candidates are the customer's timeline entries of campaign, bulk and automation messages sent far enough back that
 * one of their tokens could still count: a click inside the window may come from a message sent up to the window plus
 * the token lifetime (window + 30 days) before the window opened.
 */
import { BatchGetCommand, TransactWriteCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { env } from '../../config/env';
import type { DomainEvent } from '../../events/domain-events';
import { logger } from '../../observability/logger';
import { documentClient } from '../../store/dynamo';
import { keys } from '../../store/keys';
import { isConditionFailure, type TransactItem } from '../../store/unit-of-work';
import { counterIncrement, counterShardFor } from '../campaigns/campaign-counters';
import { attributionWindowOf } from './attribution-window';
import { attributePurchase, DAY_MS, type Attribution, type MessageTouches } from './attribution';
import { engagementOf } from './recipient-engagement';
import { utcDay } from './reputation';
import { TOKEN_GRACE_DAYS } from './tracking-token';

type PurchaseRecorded = Extract<DomainEvent, { type: 'purchase.recorded' }>;

/** Kinds of timeline entries that can earn a purchase (tests and one-to-one messages do not). */
const ATTRIBUTABLE_KINDS: ReadonlySet<string> = new Set(['campaign', 'bulk', 'automation']);
const ATTRIBUTION_DAY_TTL_SECONDS = 400 * 24 * 3600;

interface Candidate {
  readonly campaignId: string;
  readonly kind: string;
}

async function candidateMessages(tenantId: string, customerId: string, purchasedAt: Date, windowDays: number): Promise<Candidate[]> {
  const from = new Date(purchasedAt.getTime() - (2 * windowDays + TOKEN_GRACE_DAYS) * DAY_MS).toISOString();
  const { pk } = keys.customerCollection(tenantId, customerId);
  const candidates = new Map<string, Candidate>();
  const results = paginateQuery(
    { client: documentClient },
    {
      TableName: env.tableName(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': pk, ':from': `COMM#${from}`, ':to': `COMM#${purchasedAt.toISOString()}~` },
      ProjectionExpression: 'campaignId, kind, providerMessageId',
    },
  );
  for await (const result of results) {
    for (const item of result.Items ?? []) {
      if (typeof item.campaignId !== 'string' || typeof item.providerMessageId !== 'string' || !ATTRIBUTABLE_KINDS.has(String(item.kind))) continue;
      candidates.set(item.campaignId, { campaignId: item.campaignId, kind: String(item.kind) });
    }
  }
  return [...candidates.values()];
}

async function touchesOf(tenantId: string, customerId: string, candidates: readonly Candidate[]): Promise<MessageTouches[]> {
  const tableName = env.tableName();
  const touches: MessageTouches[] = [];
  for (let offset = 0; offset < candidates.length; offset += 100) {
    let pending: Record<string, unknown>[] = candidates.slice(offset, offset + 100).map((c) => ({ ...keys.campaignRecipient(tenantId, c.campaignId, customerId) }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 5) throw new Error(`${pending.length} recipient reads stayed unprocessed`);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      const result = await documentClient.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }));
      for (const item of result.Responses?.[tableName] ?? []) {
        const engagement = engagementOf(item);
        touches.push({
          campaignId: String(item.campaignId),
          clickTimes: [engagement.firstClickAt, engagement.lastClickAt].filter((at): at is string => at !== undefined),
          openTimes: [engagement.firstOpenAt, engagement.lastOpenAt].filter((at): at is string => at !== undefined),
          ...(engagement.deliveredAt ? { deliveredAt: engagement.deliveredAt } : {}),
        });
      }
      pending = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return touches;
}

function attributionWrites(event: PurchaseRecorded, attribution: Attribution, kind: string, revenue: number): TransactItem[] {
  const tableName = env.tableName();
  const { tenantId, customerId, purchaseId } = event;
  const day = utcDay(new Date(event.purchasedAt));
  const counters = counterIncrement({ attributedOrders: 1, attributedRevenue: revenue });
  const prefix = kind === 'automation' ? 'automation' : 'campaign';
  return [
    {
      Put: {
        TableName: tableName,
        Item: {
          ...keys.purchaseAttribution(tenantId, customerId, purchaseId),
          type: 'PurchaseAttribution',
          tenantId,
          customerId,
          purchaseId,
          purchasedAt: event.purchasedAt,
          revenue,
          messageKind: kind,
          ...attribution,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Update: {
        TableName: tableName,
        Key: keys.campaignRecipient(tenantId, attribution.campaignId, customerId),
        UpdateExpression: 'ADD attributedOrders :one, attributedRevenue :revenue',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1, ':revenue': revenue },
      },
    },
    {
      Update: {
        TableName: tableName,
        Key: keys.campaignCounter(tenantId, attribution.campaignId, counterShardFor(customerId)),
        UpdateExpression: counters.expression,
        ExpressionAttributeNames: counters.names,
        ExpressionAttributeValues: counters.values,
      },
    },
    {
      Update: {
        TableName: tableName,
        Key: keys.attributionDay(tenantId, day),
        UpdateExpression: 'SET expiresAt = if_not_exists(expiresAt, :ttl) ADD #orders :one, #revenue :revenue',
        ExpressionAttributeNames: { '#orders': `${prefix}Orders`, '#revenue': `${prefix}Revenue` },
        ExpressionAttributeValues: { ':ttl': Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + ATTRIBUTION_DAY_TTL_SECONDS, ':one': 1, ':revenue': revenue },
      },
    },
  ];
}

export type AttributionOutcome =
  | { readonly kind: 'attributed'; readonly attribution: Attribution; readonly revenue: number }
  | { readonly kind: 'unattributed' }
  | { readonly kind: 'already_attributed' };

export async function attributeRecordedPurchase(event: PurchaseRecorded): Promise<AttributionOutcome> {
  const { tenantId, customerId } = event;
  const attributionWindowDays = await attributionWindowOf(tenantId);
  if (attributionWindowDays === undefined) return { kind: 'unattributed' };
  const purchasedAt = new Date(event.purchasedAt);
  const candidates = await candidateMessages(tenantId, customerId, purchasedAt, attributionWindowDays);
  if (candidates.length === 0) return { kind: 'unattributed' };
  const attribution = attributePurchase(purchasedAt, attributionWindowDays, await touchesOf(tenantId, customerId, candidates));
  if (!attribution) return { kind: 'unattributed' };
  const kind = candidates.find((c) => c.campaignId === attribution.campaignId)?.kind ?? 'campaign';
  const revenue = Math.max(0, Math.round(event.amount));
  try {
    await documentClient.send(new TransactWriteCommand({ TransactItems: attributionWrites(event, attribution, kind, revenue) }));
  } catch (error) {
    if (isConditionFailure(error)) return { kind: 'already_attributed' };
    throw error;
  }
  logger.info('purchase attributed', { tenantId, customerId, purchaseId: event.purchaseId, campaignId: attribution.campaignId, touch: attribution.touch });
  return { kind: 'attributed', attribution, revenue };
}
