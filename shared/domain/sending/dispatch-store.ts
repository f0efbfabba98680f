/**
 * The dispatch checkpoint and the reconciler's worklist in the table. A checkpoint is a whole-item write conditional on
 * the step it continues from, which is what makes every dispatch message single-use.
 */
import { DeleteCommand, GetCommand, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { env } from '../../config/env';
import { documentClient } from '../../store/dynamo';
import { keys } from '../../store/keys';
import { isConditionFailure } from '../../store/unit-of-work';
import type { DispatchState } from './dispatch-state';
import { itemsWithPrefix } from '../../store/items-with-prefix';

export const dispatchStateKey = (tenantId: string, campaignId: string) => keys.campaignSend(tenantId, campaignId, 'STATE');

export function dispatchStateItem(state: DispatchState): Record<string, unknown> {
  return { ...dispatchStateKey(state.tenantId, state.campaignId), type: 'CampaignDispatch', ...state };
}

export async function loadDispatchState(tenantId: string, campaignId: string): Promise<DispatchState | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: env.tableName(), Key: dispatchStateKey(tenantId, campaignId), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { pk: _pk, sk: _sk, type: _type, ...state } = Item;
  return state as unknown as DispatchState;
}

/**
 * Writes `next` if the stored state is still at `expectedStep` (or absent, for `expectedStep` undefined). False when
 * another step or restart got there first: the caller's chain is stale and stops.
 */
export async function saveDispatchState(next: DispatchState, expectedStep: number | undefined): Promise<boolean> {
  try {
    await documentClient.send(
      new PutCommand({
        TableName: env.tableName(),
        Item: dispatchStateItem(next),
        ...(expectedStep === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'step = :step', ExpressionAttributeValues: { ':step': expectedStep } }),
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export interface ActiveSend {
  readonly tenantId: string;
  readonly campaignId: string;
  readonly since: string;
}

/** Puts the campaign on the reconciler's worklist (idempotent). */
export async function markSendActive(tenantId: string, campaignId: string, now: Date): Promise<void> {
  await documentClient.send(
    new PutCommand({
      TableName: env.tableName(),
      Item: { ...keys.activeSend(tenantId, campaignId), type: 'ActiveSend', tenantId, campaignId, since: now.toISOString() },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  ).catch((error: unknown) => {
    if (!isConditionFailure(error)) throw error;
  });
}

export async function markSendInactive(tenantId: string, campaignId: string): Promise<void> {
  await documentClient.send(new DeleteCommand({ TableName: env.tableName(), Key: keys.activeSend(tenantId, campaignId) }));
}

/** The tenant's campaigns on the reconciler's worklist (sending, paused or not yet completed). */
export async function activeSendsOfTenant(tenantId: string): Promise<ActiveSend[]> {
  const items = await itemsWithPrefix(keys.activeSendsOfTenant(tenantId));
  return items.map((item) => ({ tenantId: String(item.tenantId), campaignId: String(item.campaignId), since: String(item.since) }));
}

export async function* activeSends(): AsyncGenerator<ActiveSend> {
  const { pk } = keys.activeSends();
  const results = paginateQuery(
    { client: documentClient },
    {
      TableName: env.tableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
    },
  );
  for await (const result of results) {
    for (const item of result.Items ?? []) yield { tenantId: String(item.tenantId), campaignId: String(item.campaignId), since: String(item.since) };
  }
}
