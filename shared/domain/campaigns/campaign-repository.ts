/**
 * Campaigns in the table: the campaign item in the tenant partition (`keys.tenantEntity(t, 'CAMPAIGN', id)`), listed
 * through the lookup index by creation time (`indexKeys.campaignByCreated`), and its sharded counter items
 * (`keys.campaignCounter`). The item is written whole, conditional on the `revision` that was read (any other writer
 * of the item must bump `revision` too); attributes this module does not know are carried over untouched.
 */
import { BatchGetCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { env } from '../../config/env';
import { problems } from '../../http/problem';
import { documentClient } from '../../store/dynamo';
import { indexKeys, keys, normaliseForSort } from '../../store/keys';
import { decodeCursor, encodeCursor } from '../../store/pagination';
import { INDEXES } from '../../store/table-definition';
import type { UnitOfWork } from '../../store/unit-of-work';
import type { Campaign } from './campaign';
import { CAMPAIGN_COUNTER_SHARDS, sumCounters, type CounterTotals } from './campaign-counters';
import type { CampaignStatus } from './state-machine';

/** Every attribute of Campaign, so a rewrite can tell the campaign's own attributes from others' (kept as they are). */
const CAMPAIGN_ATTRIBUTES: Record<keyof Campaign, true> = {
  campaignId: true,
  tenantId: true,
  name: true,
  description: true,
  channel: true,
  content: true,
  recipients: true,
  schedule: true,
  status: true,
  scheduleVersion: true,
  scheduledFor: true,
  handover: true,
  createdBy: true,
  createdAt: true,
  updatedAt: true,
  startedAt: true,
  pausedAt: true,
  completedAt: true,
  cancelledAt: true,
  revision: true,
};
const ITEM_ONLY_ATTRIBUTES = ['pk', 'sk', 'gsi2pk', 'gsi2sk', 'type', 'nameSearch'];

/** A campaign as read, with the raw item it came from (for carrying over attributes other writers own). */
export interface LoadedCampaign {
  readonly campaign: Campaign;
  readonly item: Readonly<Record<string, unknown>>;
}

export function campaignItem(campaign: Campaign): Record<string, unknown> {
  return {
    ...keys.tenantEntity(campaign.tenantId, 'CAMPAIGN', campaign.campaignId),
    ...indexKeys.campaignByCreated(campaign.tenantId, campaign.createdAt, campaign.campaignId),
    type: 'Campaign',
    nameSearch: normaliseForSort(campaign.name),
    ...campaign,
  };
}

export function campaignFromItem(item: Readonly<Record<string, unknown>>): Campaign {
  const campaign: Record<string, unknown> = {};
  for (const attribute of Object.keys(CAMPAIGN_ATTRIBUTES)) {
    if (item[attribute] !== undefined) campaign[attribute] = item[attribute];
  }
  return campaign as unknown as Campaign;
}

function foreignAttributes(item: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(item).filter(([name]) => !Object.hasOwn(CAMPAIGN_ATTRIBUTES, name) && !ITEM_ONLY_ATTRIBUTES.includes(name)),
  );
}

export async function loadCampaign(tenantId: string, campaignId: string): Promise<LoadedCampaign | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: env.tableName(), Key: keys.tenantEntity(tenantId, 'CAMPAIGN', campaignId), ConsistentRead: true }),
  );
  return Item ? { campaign: campaignFromItem(Item), item: Item } : undefined;
}

export function stageNewCampaign(uow: UnitOfWork, campaign: Campaign): void {
  uow.put(campaignItem(campaign), { expression: 'attribute_not_exists(pk)' });
}

/** Stages the rewrite of a campaign that was read as `loaded`; fails its condition if anyone wrote it since. */
export function stageCampaignRewrite(uow: UnitOfWork, loaded: LoadedCampaign, next: Campaign): void {
  const rewritten = campaignItem({ ...next, revision: loaded.campaign.revision + 1 });
  // Unlisted campaigns (bulk, one-to-one and test sends) have no list entry and must not gain one on a rewrite.
  if (loaded.item.gsi2pk === undefined) {
    delete rewritten.gsi2pk;
    delete rewritten.gsi2sk;
  }
  const item = { ...foreignAttributes(loaded.item), ...rewritten };
  uow.put(item, { expression: 'revision = :read', values: { ':read': loaded.campaign.revision } });
}

export function stageCampaignDelete(uow: UnitOfWork, loaded: LoadedCampaign): void {
  uow.delete(keys.tenantEntity(loaded.campaign.tenantId, 'CAMPAIGN', loaded.campaign.campaignId), {
    expression: 'revision = :read',
    values: { ':read': loaded.campaign.revision },
  });
}

export interface CampaignListFilter {
  status?: CampaignStatus | undefined;
  /** Part of the name, any case and accents. */
  nameContains?: string | undefined;
  /** Created at or after this instant (ISO). */
  createdFrom?: string | undefined;
  /** Created before this instant (ISO). */
  createdBefore?: string | undefined;
}

/** Each page examines at most this many slices of the index, so a rare filter cannot make one request read everything. */
const MAX_QUERIES_PER_PAGE = 5;

/**
 * Newest first. A filtered page can hold fewer than `limit` campaigns while `nextCursor` is not null (the request
 * examined a bounded part of the list); following the cursor continues the search.
 */
export async function listCampaigns(
  tenantId: string,
  filter: CampaignListFilter,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ items: Campaign[]; nextCursor: string | null }> {
  const { gsi2pk } = indexKeys.campaignList(tenantId);
  let startKey = decodeCursor(page.cursor, { attribute: 'gsi2pk', value: gsi2pk });
  if (startKey && !withinRange(String(startKey.gsi2sk), filter)) {
    throw problems.validation([{ path: 'query.cursor', message: 'Invalid cursor' }]);
  }

  const keyCondition = ['gsi2pk = :pk'];
  const values: Record<string, unknown> = { ':pk': gsi2pk };
  if (filter.createdFrom !== undefined && filter.createdBefore !== undefined) {
    keyCondition.push('gsi2sk BETWEEN :from AND :before');
    Object.assign(values, { ':from': filter.createdFrom, ':before': filter.createdBefore });
  } else if (filter.createdFrom !== undefined) {
    keyCondition.push('gsi2sk >= :from');
    values[':from'] = filter.createdFrom;
  } else if (filter.createdBefore !== undefined) {
    keyCondition.push('gsi2sk < :before');
    values[':before'] = filter.createdBefore;
  }
  const filters: string[] = [];
  const names: Record<string, string> = {};
  if (filter.status !== undefined) {
    filters.push('#status = :status');
    names['#status'] = 'status';
    values[':status'] = filter.status;
  }
  if (filter.nameContains !== undefined) {
    filters.push('contains(nameSearch, :q)');
    values[':q'] = normaliseForSort(filter.nameContains);
  }

  const items: Campaign[] = [];
  for (let query = 0; query < MAX_QUERIES_PER_PAGE && items.length < page.limit; query++) {
    const result = await documentClient.send(
      new QueryCommand({
        TableName: env.tableName(),
        IndexName: INDEXES.lookup.indexName,
        KeyConditionExpression: keyCondition.join(' AND '),
        ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
        ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        Limit: page.limit - items.length,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(result.Items ?? []).map(campaignFromItem));
    startKey = result.LastEvaluatedKey;
    if (!startKey) break;
  }
  return { items, nextCursor: encodeCursor(startKey) };
}

/** The sort key `{createdAt}#{id}` of a cursor lies inside the requested creation range (BETWEEN bounds included). */
function withinRange(sortKey: string, filter: CampaignListFilter): boolean {
  if (filter.createdFrom !== undefined && sortKey < filter.createdFrom) return false;
  if (filter.createdBefore !== undefined && sortKey > filter.createdBefore) return false;
  return true;
}

/** The campaign's counters summed over its shards (absent shards count 0). */
export async function readCampaignCounters(tenantId: string, campaignId: string): Promise<CounterTotals> {
  const tableName = env.tableName();
  let pending: Record<string, unknown>[] = Array.from({ length: CAMPAIGN_COUNTER_SHARDS }, (_, shard) => ({
    ...keys.campaignCounter(tenantId, campaignId, shard),
  }));
  const items: Record<string, unknown>[] = [];
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 5) throw new Error(`${pending.length} counter shards stayed unprocessed`);
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
    const result = await documentClient.send(
      new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
    );
    items.push(...(result.Responses?.[tableName] ?? []));
    pending = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
  }
  return sumCounters(items);
}
