/**
 * Saved (custom) segments and the bookkeeping around counts, in the table. Custom segments live in the tenant's
 * partition (`SEGMENT#{id}`) and carry their last count; system segments are code (./system-segments.ts), so their
 * last counts are small items of their own (`SEGSTATS#{id}`). Keys come from keys.ts only, always with the
 * principal's tenant, so another tenant's segment is simply not found.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { env } from '../../config/env';
import { documentClient } from '../../store/dynamo';
import { keys } from '../../store/keys';
import { decodeCursor, encodeCursor } from '../../store/pagination';
import { isConditionFailure, type UnitOfWork } from '../../store/unit-of-work';
import type { Rule } from './rule-schema';

/** The last count of a segment, kept so a list can show it without evaluating anything. */
export interface LastCount {
  count: number;
  computedAt: string;
  /** Customers read by that evaluation (the book, once or twice). */
  customersRead: number;
}

export interface SegmentItem {
  pk: string;
  sk: string;
  type: 'Segment';
  tenantId: string;
  segmentId: string;
  name: string;
  description: string;
  rule: Rule;
  /** Campaigns and automations using the segment (./segment-references.ts); a segment in use cannot be deleted. */
  campaignRefs?: number;
  automationRefs?: number;
  lastCount?: LastCount;
  /** Optimistic concurrency: an edit is conditional on the version it read. A count does not change it. */
  version: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export function segmentItem(fields: Omit<SegmentItem, 'pk' | 'sk' | 'type'>): SegmentItem {
  return { ...keys.tenantEntity(fields.tenantId, 'SEGMENT', fields.segmentId), type: 'Segment', ...fields };
}

export async function getSegmentItem(tenantId: string, segmentId: string): Promise<SegmentItem | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: env.tableName(), Key: keys.tenantEntity(tenantId, 'SEGMENT', segmentId), ConsistentRead: true }),
  );
  return Item as SegmentItem | undefined;
}

export async function listSegmentItems(
  tenantId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ items: SegmentItem[]; nextCursor: string | null }> {
  const prefix = keys.tenantEntityPrefix(tenantId, 'SEGMENT');
  const startKey = decodeCursor(page.cursor, { attribute: 'pk', value: prefix.pk });
  const result = await documentClient.send(
    new QueryCommand({
      TableName: env.tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': prefix.pk, ':prefix': prefix.skPrefix },
      Limit: page.limit,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    }),
  );
  return { items: (result.Items ?? []) as SegmentItem[], nextCursor: encodeCursor(result.LastEvaluatedKey) };
}

export function stageSegmentCreate(uow: UnitOfWork, item: SegmentItem): void {
  uow.put(item as unknown as Record<string, unknown>, { expression: 'attribute_not_exists(pk)' });
}

/** Replaces the segment if it is still at `expectedVersion` (the edit read it there). Keeps references and the last count. */
export function stageSegmentReplace(uow: UnitOfWork, item: SegmentItem, expectedVersion: number): void {
  uow.put(item as unknown as Record<string, unknown>, {
    expression: 'attribute_exists(pk) AND #version = :expected',
    names: { '#version': 'version' },
    values: { ':expected': expectedVersion },
  });
}

/**
 * Deletes the segment only while no campaign or automation uses it. References are counted on the segment item in the
 * same transaction that writes them, so this condition and a reference being added cannot both succeed.
 */
export function stageSegmentDelete(uow: UnitOfWork, tenantId: string, segmentId: string): void {
  uow.delete(keys.tenantEntity(tenantId, 'SEGMENT', segmentId), {
    expression:
      'attribute_exists(pk) AND (attribute_not_exists(#campaignRefs) OR #campaignRefs = :zero) AND ' +
      '(attribute_not_exists(#automationRefs) OR #automationRefs = :zero)',
    names: { '#campaignRefs': 'campaignRefs', '#automationRefs': 'automationRefs' },
    values: { ':zero': 0 },
  });
}

/**
 * Remembers a custom segment's count, unless the segment changed (or went) while it was being counted: a count of an
 * older rule must not be shown next to the new one.
 */
export async function recordCustomSegmentCount(tenantId: string, segmentId: string, version: number, count: LastCount): Promise<void> {
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: env.tableName(),
        Key: keys.tenantEntity(tenantId, 'SEGMENT', segmentId),
        UpdateExpression: 'SET #lastCount = :count',
        ConditionExpression: 'attribute_exists(pk) AND #version = :version',
        ExpressionAttributeNames: { '#lastCount': 'lastCount', '#version': 'version' },
        ExpressionAttributeValues: { ':count': count, ':version': version },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

export async function recordSystemSegmentCount(tenantId: string, segmentId: string, count: LastCount): Promise<void> {
  await documentClient.send(
    new PutCommand({
      TableName: env.tableName(),
      Item: { ...keys.systemSegmentStats(tenantId, segmentId), type: 'SegmentStats', tenantId, segmentId, lastCount: count },
    }),
  );
}

/** The last counts of the system segments, by id (one query). */
export async function systemSegmentCounts(tenantId: string): Promise<Map<string, LastCount>> {
  const prefix = keys.systemSegmentStatsPrefix(tenantId);
  const counts = new Map<string, LastCount>();
  const pages = paginateQuery(
    { client: documentClient },
    {
      TableName: env.tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': prefix.pk, ':prefix': prefix.skPrefix },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) counts.set(String(item.segmentId), item.lastCount as LastCount);
  }
  return counts;
}

export async function systemSegmentCount(tenantId: string, segmentId: string): Promise<LastCount | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: env.tableName(), Key: keys.systemSegmentStats(tenantId, segmentId) }),
  );
  return Item?.lastCount as LastCount | undefined;
}

/** Customers in the book at the last full pass: what decides whether the next count can answer synchronously. */
export interface BookSize {
  customers: number;
  measuredAt: string;
}

export async function readBookSize(tenantId: string): Promise<BookSize | undefined> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: env.tableName(), Key: keys.bookSize(tenantId) }));
  if (!Item) return undefined;
  return { customers: Number(Item.customers), measuredAt: String(Item.measuredAt) };
}

export async function recordBookSize(tenantId: string, size: BookSize): Promise<void> {
  await documentClient.send(
    new PutCommand({ TableName: env.tableName(), Item: { ...keys.bookSize(tenantId), type: 'BookSize', tenantId, ...size } }),
  );
}
