/**
 * The re-entry history of one customer in one automation (`keys.automationReentry`): the messages recently handed
 * to the pipeline, read before an occurrence is handed over and rewritten in the same transaction, conditional on the
 * version read, so two occurrences of one customer handed over at once cannot both pass the spacing check.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { env } from '../../../config/env';
import { documentClient } from '../../../store/dynamo';
import { keys } from '../../../store/keys';
import type { UnitOfWork } from '../../../store/unit-of-work';
import type { ReentryEntry } from '../reentry';

export interface ReentryHistory {
  readonly entries: readonly ReentryEntry[];
  /** 0 while the customer has no history item. */
  readonly version: number;
}

export async function loadReentryHistory(tenantId: string, automationId: string, customerId: string): Promise<ReentryHistory> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: env.tableName(), Key: keys.automationReentry(tenantId, automationId, customerId), ConsistentRead: true }),
  );
  if (!Item) return { entries: [], version: 0 };
  return { entries: (Item.entries as ReentryEntry[] | undefined) ?? [], version: Number(Item.version ?? 0) };
}

export function stageReentryHistory(
  uow: UnitOfWork,
  ref: { tenantId: string; automationId: string; customerId: string },
  entries: readonly ReentryEntry[],
  readVersion: number,
): void {
  uow.put(
    {
      ...keys.automationReentry(ref.tenantId, ref.automationId, ref.customerId),
      type: 'AutomationReentry',
      entries,
      version: readVersion + 1,
    },
    readVersion === 0 ? { expression: 'attribute_not_exists(pk)' } : { expression: 'version = :version', values: { ':version': readVersion } },
  );
}
