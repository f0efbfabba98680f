/**
 * Applies engagement signals to campaign recipients in the table. One signal is one transaction:
 *   - the recipient's engagement attributes (./recipient-engagement.ts), conditional on the `engagementVersion` read;
 *   - the campaign counter increments the change implies, on one of the campaign's counter shards;
 *   - the tenant's reputation figures for the day (sends, hard bounces, complaints), on one of REPUTATION_SHARDS.
 * So a counter moves exactly when, and only when, its recipient's milestone is first set: a duplicate event plans no
 * change, and of two racing events the loser re-reads and re-plans. Afterwards the customer's timeline entry gets the
 * new milestones (best effort: the counters are the record; a crash in between leaves only the timeline behind).
 */
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { env } from '../../config/env';
import { logger } from '../../observability/logger';
import { documentClient } from '../../store/dynamo';
import { keys, REPUTATION_SHARDS, shardOf } from '../../store/keys';
import { isConditionFailure, type TransactItem } from '../../store/unit-of-work';
import { counterIncrement, counterShardFor } from '../campaigns/campaign-counters';
import {
  ENGAGEMENT_ATTRIBUTES,
  ENGAGEMENT_VERSION_ATTRIBUTE,
  engagementOf,
  planEngagement,
  timelineStatus,
  type EngagementPlan,
  type EngagementSignal,
  type RecipientEngagement,
} from './recipient-engagement';
import { utcDay } from './reputation';

export interface RecipientKey {
  readonly tenantId: string;
  readonly campaignId: string;
  readonly customerId: string;
}

/** Reputation day items are read for 30 days; kept a little longer, then left to TTL. */
const REPUTATION_DAY_TTL_SECONDS = 40 * 24 * 3600;
const MAX_ATTEMPTS = 8;

export interface RecipientSnapshot {
  readonly item: Readonly<Record<string, unknown>>;
  readonly engagement: RecipientEngagement;
}

export async function readRecipient(ref: RecipientKey): Promise<RecipientSnapshot | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: env.tableName(), Key: keys.campaignRecipient(ref.tenantId, ref.campaignId, ref.customerId), ConsistentRead: true }),
  );
  return Item ? { item: Item, engagement: engagementOf(Item) } : undefined;
}

function recipientUpdate(ref: RecipientKey, current: RecipientEngagement, next: RecipientEngagement): TransactItem {
  const names: Record<string, string> = { '#v': ENGAGEMENT_VERSION_ATTRIBUTE };
  const values: Record<string, unknown> = { ':next': next.version };
  const sets = ['#v = :next'];
  ENGAGEMENT_ATTRIBUTES.forEach((attribute, index) => {
    const value = next[attribute];
    if (value === undefined || value === current[attribute]) return;
    names[`#a${index}`] = attribute;
    values[`:a${index}`] = value;
    sets.push(`#a${index} = :a${index}`);
  });
  let condition = 'attribute_exists(pk) AND ';
  if (current.version === 0) condition += 'attribute_not_exists(#v)';
  else {
    condition += '#v = :current';
    values[':current'] = current.version;
  }
  return {
    Update: {
      TableName: env.tableName(),
      Key: keys.campaignRecipient(ref.tenantId, ref.campaignId, ref.customerId),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

function counterUpdate(ref: RecipientKey, plan: EngagementPlan): TransactItem | undefined {
  if (!Object.values(plan.counters).some((delta) => delta)) return undefined;
  const update = counterIncrement(plan.counters);
  return {
    Update: {
      TableName: env.tableName(),
      Key: keys.campaignCounter(ref.tenantId, ref.campaignId, counterShardFor(ref.customerId)),
      UpdateExpression: update.expression,
      ExpressionAttributeNames: update.names,
      ExpressionAttributeValues: update.values,
    },
  };
}

function reputationUpdate(ref: RecipientKey, plan: EngagementPlan, at: string): TransactItem | undefined {
  const entries = Object.entries(plan.reputation).filter(([, delta]) => delta);
  if (entries.length === 0) return undefined;
  const day = utcDay(new Date(at));
  const shard = shardOf(`${ref.campaignId}/${ref.customerId}`, REPUTATION_SHARDS);
  const expiresAt = Math.floor(new Date(`${day}T00:00:00Z`).getTime() / 1000) + REPUTATION_DAY_TTL_SECONDS;
  return {
    Update: {
      TableName: env.tableName(),
      Key: keys.reputationDay(ref.tenantId, shard, day),
      UpdateExpression: `SET #ttl = :ttl, #tenant = :tenant ADD ${entries.map((_, index) => `#r${index} :r${index}`).join(', ')}`,
      ExpressionAttributeNames: { '#ttl': 'expiresAt', '#tenant': 'tenantId', ...Object.fromEntries(entries.map(([field], index) => [`#r${index}`, field])) },
      ExpressionAttributeValues: { ':ttl': expiresAt, ':tenant': ref.tenantId, ...Object.fromEntries(entries.map(([, delta], index) => [`:r${index}`, delta])) },
    },
  };
}

/** Writes one plan; false when the recipient changed since it was read (the caller re-reads and re-plans). */
async function commitPlan(ref: RecipientKey, current: RecipientEngagement, plan: EngagementPlan, at: string): Promise<boolean> {
  const items = [recipientUpdate(ref, current, plan.next), counterUpdate(ref, plan), reputationUpdate(ref, plan, at)].filter(
    (item): item is TransactItem => item !== undefined,
  );
  try {
    await documentClient.send(new TransactWriteCommand({ TransactItems: items }));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export type ApplyOutcome =
  | { readonly kind: 'applied'; readonly plan: EngagementPlan; readonly recipient: Readonly<Record<string, unknown>> }
  /** Nothing new (a duplicate event). */
  | { readonly kind: 'unchanged' }
  /** No such recipient (a staff test email, a campaign deleted since, or someone else's message id). */
  | { readonly kind: 'no_recipient' };

export interface ApplyOptions {
  /** The SES message id the event is about: a recipient holding another id is not this message's. */
  readonly messageId?: string;
}

/**
 * Applies a signal to a recipient. `signalFor` sees the freshly read recipient (machine detection needs its delivery
 * time) and may be called once per attempt.
 */
export async function applySignal(
  ref: RecipientKey,
  signalFor: (recipient: RecipientSnapshot) => EngagementSignal,
  options: ApplyOptions = {},
): Promise<ApplyOutcome> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const snapshot = await readRecipient(ref);
    if (!snapshot) return { kind: 'no_recipient' };
    const known = snapshot.item.messageId;
    if (options.messageId !== undefined && typeof known === 'string' && known !== options.messageId) return { kind: 'no_recipient' };
    const signal = signalFor(snapshot);
    const plan = planEngagement(snapshot.engagement, signal);
    if (!plan) return { kind: 'unchanged' };
    if (await commitPlan(ref, snapshot.engagement, plan, signal.at)) {
      await recordOnTimeline(ref, snapshot.item, plan);
      return { kind: 'applied', plan, recipient: snapshot.item };
    }
    // Lost a race with another event for the same recipient: back off a little and plan again on fresh data.
    await new Promise((resolve) => setTimeout(resolve, Math.min(200, 5 * 2 ** attempt) * Math.random()));
  }
  throw new Error(`Recipient ${ref.campaignId}/${ref.customerId}: engagement kept changing for ${MAX_ATTEMPTS} attempts`);
}

/** The communication on the customer's timeline, if the worker wrote it: new status and milestones appended. */
async function recordOnTimeline(ref: RecipientKey, recipient: Readonly<Record<string, unknown>>, plan: EngagementPlan): Promise<void> {
  const communicationSk = recipient.communicationSk;
  const status = timelineStatus(plan.next);
  if (plan.milestones.length === 0 || typeof communicationSk !== 'string' || status === undefined) return;
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: env.tableName(),
        Key: { pk: keys.customerCollection(ref.tenantId, ref.customerId).pk, sk: communicationSk },
        UpdateExpression: 'SET #status = :status, statusHistory = list_append(if_not_exists(statusHistory, :none), :entries)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status, ':none': [], ':entries': plan.milestones.map((m) => ({ status: m.status, at: m.at })) },
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) {
      logger.info('timeline entry not written yet; engagement recorded on the recipient only', { ...ref });
      return;
    }
    logger.warn('timeline entry not updated', { ...ref, error: error as Error });
  }
}
