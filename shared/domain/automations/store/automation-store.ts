/**
 * Automations in the table: the automation item in the tenant partition (`keys.tenantEntity(t, 'AUTOMATION', id)`),
 * written whole and conditional on the `revision` that was read, and, while it is switched on, its marker on the
 * runner's platform-wide worklist (`keys.enabledAutomation`). The marker also carries the runner's checkpoint for the
 * automation (the last completed pass), so the worklist read is all a runner pass needs to know where to start.
 *
 * The marker is written in the same transaction as the automation (`stageEnabledMarker`), with an update rather than
 * a put, so an edit of a switched-on automation keeps the runner's checkpoint.
 */
import { GetCommand, QueryCommand, UpdateCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { env } from '../../../config/env';
import { documentClient } from '../../../store/dynamo';
import { keys } from '../../../store/keys';
import { decodeCursor, encodeCursor } from '../../../store/pagination';
import { isConditionFailure, type UnitOfWork } from '../../../store/unit-of-work';
import type { Automation, AutomationType } from '../automation-schema';
import type { CompletedPass } from '../catch-up';
import { itemsWithPrefix } from '../../../store/items-with-prefix';

/** An automation as stored: the core's automation plus its bookkeeping. */
export interface StoredAutomation {
  readonly tenantId: string;
  readonly automation: Automation;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Bumped on every write; writes are conditional on the revision they read. */
  readonly revision: number;
}

const ITEM_ONLY = new Set(['pk', 'sk', 'type', 'automationType', 'tenantId', 'createdBy', 'createdAt', 'updatedAt', 'revision']);

/** The item's `type` names the entity (as on every item), so the automation's own type is kept as `automationType`. */
export function automationItem(stored: StoredAutomation): Record<string, unknown> {
  const { type: automationType, ...automation } = stored.automation;
  return {
    ...keys.tenantEntity(stored.tenantId, 'AUTOMATION', stored.automation.automationId),
    type: 'Automation',
    automationType,
    tenantId: stored.tenantId,
    createdBy: stored.createdBy,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
    revision: stored.revision,
    ...automation,
  };
}

export function automationFromItem(item: Readonly<Record<string, unknown>>): StoredAutomation {
  const fields = Object.fromEntries(Object.entries(item).filter(([name]) => !ITEM_ONLY.has(name)));
  const automation = { ...fields, type: item.automationType } as unknown as Automation;
  return {
    tenantId: String(item.tenantId),
    automation,
    createdBy: String(item.createdBy),
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
    revision: Number(item.revision),
  };
}

export async function loadAutomation(tenantId: string, automationId: string): Promise<StoredAutomation | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: env.tableName(), Key: keys.tenantEntity(tenantId, 'AUTOMATION', automationId), ConsistentRead: true }),
  );
  return Item ? automationFromItem(Item) : undefined;
}

/** One page of the tenant's automations, oldest first (ids are time-sortable). */
export async function listAutomations(
  tenantId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ items: StoredAutomation[]; nextCursor: string | null }> {
  const { pk, skPrefix } = keys.tenantEntityPrefix(tenantId, 'AUTOMATION');
  const startKey = decodeCursor(page.cursor, { attribute: 'pk', value: pk });
  const result = await documentClient.send(
    new QueryCommand({
      TableName: env.tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
      Limit: page.limit,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    }),
  );
  return { items: (result.Items ?? []).map(automationFromItem), nextCursor: encodeCursor(result.LastEvaluatedKey) };
}

/** Every automation of the tenant (a tenant has a handful; the domain-event reaction and the runner read them all). */
export async function allAutomations(tenantId: string, consistent = false): Promise<StoredAutomation[]> {
  const items = await itemsWithPrefix(keys.tenantEntityPrefix(tenantId, 'AUTOMATION'), { consistent });
  return items.map(automationFromItem);
}

/** Stages the automation's item: a new one (`previousRevision` undefined) or a rewrite of the revision read. */
export function stageAutomationPut(uow: UnitOfWork, stored: StoredAutomation, previousRevision: number | undefined): void {
  uow.put(
    automationItem(stored),
    previousRevision === undefined
      ? { expression: 'attribute_not_exists(pk)' }
      : { expression: 'revision = :revision', values: { ':revision': previousRevision } },
  );
}

export function stageAutomationDelete(uow: UnitOfWork, tenantId: string, automationId: string, revision: number): void {
  uow.delete(keys.tenantEntity(tenantId, 'AUTOMATION', automationId), {
    expression: 'revision = :revision',
    values: { ':revision': revision },
  });
}

/** The runner's checkpoint for one automation: the last pass that completed it. */
export interface AutomationCheckpoint extends CompletedPass {
  /** When the book was last read for it (the hourly re-evaluation after the send hour counts from here). */
  evaluatedAt?: string;
}

export interface EnabledMarker {
  readonly tenantId: string;
  readonly automationId: string;
  readonly type: AutomationType;
  readonly enabledAt: string;
  readonly checkpoint?: AutomationCheckpoint;
}

/** Puts the automation on the runner's worklist (or refreshes it), keeping the checkpoint of an automation already on it. */
export function stageEnabledMarker(uow: UnitOfWork, tenantId: string, automation: Automation): void {
  uow.update(keys.enabledAutomation(tenantId, automation.automationId), {
    expression: 'SET #type = :type, tenantId = :tenantId, automationId = :automationId, automationType = :automationType, enabledAt = :enabledAt',
    names: { '#type': 'type' },
    values: {
      ':type': 'EnabledAutomation',
      ':tenantId': tenantId,
      ':automationId': automation.automationId,
      ':automationType': automation.type,
      ':enabledAt': automation.enabledAt,
    },
  });
}

export function stageEnabledMarkerRemoval(uow: UnitOfWork, tenantId: string, automationId: string): void {
  uow.delete(keys.enabledAutomation(tenantId, automationId));
}

function markerFromItem(item: Record<string, unknown>): EnabledMarker {
  const checkpoint = item.checkpoint as AutomationCheckpoint | undefined;
  return {
    tenantId: String(item.tenantId),
    automationId: String(item.automationId),
    type: item.automationType as AutomationType,
    enabledAt: String(item.enabledAt),
    ...(checkpoint ? { checkpoint } : {}),
  };
}

/** Every switched-on automation of the platform, with its checkpoint (strongly consistent: the runner's worklist). */
export async function* enabledMarkers(): AsyncGenerator<EnabledMarker> {
  const { pk } = keys.enabledAutomations();
  const pages = paginateQuery(
    { client: documentClient },
    {
      TableName: env.tableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) yield markerFromItem(item);
  }
}

export async function loadEnabledMarker(tenantId: string, automationId: string): Promise<EnabledMarker | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: env.tableName(), Key: keys.enabledAutomation(tenantId, automationId), ConsistentRead: true }),
  );
  return Item ? markerFromItem(Item) : undefined;
}

/**
 * Records a completed pass. Only forward (an overlapping pass that finished later with an earlier window does not
 * move the checkpoint back) and only while the automation is still on with the same `enabledAt` (a pass that outlived
 * a switch-off must not put the marker back). False when the condition refused the write.
 */
export async function saveCheckpoint(marker: Pick<EnabledMarker, 'tenantId' | 'automationId' | 'enabledAt'>, checkpoint: AutomationCheckpoint): Promise<boolean> {
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: env.tableName(),
        Key: keys.enabledAutomation(marker.tenantId, marker.automationId),
        UpdateExpression: 'SET checkpoint = :checkpoint',
        ConditionExpression: 'enabledAt = :enabledAt AND (attribute_not_exists(checkpoint) OR checkpoint.windowEnd <= :windowEnd)',
        ExpressionAttributeValues: { ':checkpoint': checkpoint, ':enabledAt': marker.enabledAt, ':windowEnd': checkpoint.windowEnd },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/**
 * Automations that send a saved template (on or off: one switched off may be switched on again), for the templates'
 * delete guard (../../templates/template-references.ts).
 */
export async function automationsUsingTemplate(tenantId: string, templateId: string): Promise<{ kind: 'automation'; id: string; name: string }[]> {
  return (await allAutomations(tenantId, true))
    .filter(({ automation }) => automation.content !== undefined && 'templateId' in automation.content && automation.content.templateId === templateId)
    .map(({ automation }) => ({ kind: 'automation' as const, id: automation.automationId, name: automation.name }));
}
