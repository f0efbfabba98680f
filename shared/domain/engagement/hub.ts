/**
 * `GET /v1/hub`, the jeweller's marketing home: what is going on (active campaigns, drafts, scheduled sends,
 * segments, automations switched on), the five most recent campaigns with their headline rates, and the revenue
 * attributed to messages over the last 30 days. Reads: the campaign list index (one pass, newest first), the counters
 * of five campaigns, a count of saved segments and 30 attribution day items.
 */
import { QueryCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { env } from '../../config/env';
import { documentClient } from '../../store/dynamo';
import { indexKeys, keys } from '../../store/keys';
import { INDEXES } from '../../store/table-definition';
import type { CounterTotals } from '../campaigns/campaign-counters';
import { campaignMetrics } from '../campaigns/campaign-metrics';
import { readCampaignCounters } from '../campaigns/campaign-repository';
import type { CampaignStatus } from '../campaigns/state-machine';
import { SYSTEM_SEGMENT_IDS } from '../segments/system-segments';
import { utcDay } from './reputation';
import { loadReputationState, type GuardStatus } from './reputation-store';

export const RECENT_CAMPAIGNS = 5;
export const HUB_ATTRIBUTION_DAYS = 30;

interface ListedCampaign {
  readonly campaignId: string;
  readonly name: string;
  readonly status: CampaignStatus;
  readonly createdAt: string;
  readonly scheduledFor?: string;
  readonly startedAt?: string;
  readonly completedAt?: string;
}

export interface RecentCampaign extends ListedCampaign {
  readonly sent: number;
  readonly delivered: number;
  readonly rates: { readonly delivery: number; readonly open: number; readonly click: number; readonly conversion: number };
  readonly attributedOrders: number;
  readonly attributedRevenue: number;
}

export interface AttributedFigures {
  readonly orders: number;
  readonly revenue: number;
}

export interface Hub {
  readonly campaigns: {
    readonly active: { readonly total: number; readonly scheduled: number; readonly sending: number; readonly paused: number };
    readonly drafts: number;
  };
  readonly scheduled: { readonly campaigns: number; readonly next?: { readonly campaignId: string; readonly name: string; readonly at: string } };
  readonly segments: { readonly saved: number; readonly system: number };
  readonly automations: { readonly on: number };
  readonly recentCampaigns: readonly RecentCampaign[];
  readonly attribution: {
    readonly from: string;
    readonly to: string;
    readonly orders: number;
    readonly revenue: number;
    readonly campaigns: AttributedFigures;
    readonly automations: AttributedFigures;
  };
  readonly reputation: { readonly status: GuardStatus };
}

/** Pure: the campaign figures of the hub from the tenant's campaign list, newest first. */
export function summariseCampaigns(listed: readonly ListedCampaign[]): Pick<Hub, 'campaigns' | 'scheduled'> {
  const count = (status: CampaignStatus) => listed.filter((c) => c.status === status).length;
  const [scheduled, sending, paused] = [count('scheduled'), count('sending'), count('paused')];
  const next = listed
    .filter((c) => c.status === 'scheduled' && c.scheduledFor !== undefined)
    .sort((a, b) => a.scheduledFor!.localeCompare(b.scheduledFor!))[0];
  return {
    campaigns: { active: { total: scheduled + sending + paused, scheduled, sending, paused }, drafts: count('draft') },
    scheduled: { campaigns: scheduled, ...(next ? { next: { campaignId: next.campaignId, name: next.name, at: next.scheduledFor! } } : {}) },
  };
}

/** Pure: a recent campaign with the headline figures of its metrics. */
export function recentCampaign(campaign: ListedCampaign, totals: CounterTotals): RecentCampaign {
  const metrics = campaignMetrics(campaign, totals);
  return {
    ...campaign,
    sent: metrics.recipients.sent,
    delivered: metrics.delivered,
    rates: { delivery: metrics.rates.delivery, open: metrics.rates.open, click: metrics.rates.click, conversion: metrics.attribution.conversionRate },
    attributedOrders: metrics.attribution.orders,
    attributedRevenue: metrics.attribution.revenue,
  };
}

async function listedCampaigns(tenantId: string): Promise<ListedCampaign[]> {
  const { gsi2pk } = indexKeys.campaignList(tenantId);
  const listed: ListedCampaign[] = [];
  const results = paginateQuery(
    { client: documentClient },
    {
      TableName: env.tableName(),
      IndexName: INDEXES.lookup.indexName,
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': gsi2pk },
      ProjectionExpression: 'campaignId, #name, #status, createdAt, scheduledFor, startedAt, completedAt',
      ExpressionAttributeNames: { '#name': 'name', '#status': 'status' },
      ScanIndexForward: false,
    },
  );
  for await (const result of results) {
    listed.push(...((result.Items ?? []) as ListedCampaign[]));
  }
  return listed;
}

/** Items under a key prefix, counted (COUNT reads cost the same units but carry no data back). */
async function countItems({ pk, skPrefix }: { pk: string; skPrefix: string }): Promise<number> {
  let count = 0;
  const results = paginateQuery(
    { client: documentClient },
    {
      TableName: env.tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
      Select: 'COUNT',
    },
  );
  for await (const result of results) {
    count += result.Count ?? 0;
  }
  return count;
}

const numberOf = (value: unknown) => (typeof value === 'number' ? value : 0);

async function attributedSince(tenantId: string, now: Date): Promise<Hub['attribution']> {
  const from = utcDay(new Date(now.getTime() - (HUB_ATTRIBUTION_DAYS - 1) * 24 * 3600_000));
  const to = utcDay(now);
  const result = await documentClient.send(
    new QueryCommand({
      TableName: env.tableName(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': keys.attributionDays(tenantId).pk, ':from': from, ':to': to },
    }),
  );
  const campaigns = { orders: 0, revenue: 0 };
  const automations = { orders: 0, revenue: 0 };
  for (const item of result.Items ?? []) {
    campaigns.orders += numberOf(item.campaignOrders);
    campaigns.revenue += numberOf(item.campaignRevenue);
    automations.orders += numberOf(item.automationOrders);
    automations.revenue += numberOf(item.automationRevenue);
  }
  return { from, to, orders: campaigns.orders + automations.orders, revenue: campaigns.revenue + automations.revenue, campaigns, automations };
}

export async function loadHub(tenantId: string, now: Date = new Date()): Promise<Hub> {
  const [listed, saved, attribution, reputation, automations] = await Promise.all([
    listedCampaigns(tenantId),
    countItems(keys.tenantEntityPrefix(tenantId, 'SEGMENT')),
    attributedSince(tenantId, now),
    loadReputationState(tenantId, false),
    // Automations switched on: the tenant's entries in the automation runner's worklist.
    countItems(keys.enabledAutomationsOfTenant(tenantId)),
  ]);
  const recent = await Promise.all(
    listed.slice(0, RECENT_CAMPAIGNS).map(async (campaign) => recentCampaign(campaign, await readCampaignCounters(tenantId, campaign.campaignId))),
  );
  return {
    ...summariseCampaigns(listed),
    segments: { saved, system: SYSTEM_SEGMENT_IDS.length },
    automations: { on: automations },
    recentCampaigns: recent,
    attribution,
    reputation: { status: reputation.status },
  };
}
