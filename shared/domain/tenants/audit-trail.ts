import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditAction } from '../../audit/audit-entry';
import { env } from '../../config/env';
import { documentClient } from '../../store/dynamo';
import { keys } from '../../store/keys';
import { decodeCursor, encodeCursor } from '../../store/pagination';
import { auditMonthsNewestFirst, type AuditRange } from './audit-months';

export interface AuditRecord {
  auditId: string;
  at: string;
  actorStaffId: string;
  actorRole: string;
  action: AuditAction;
  entity: string;
  entityId: string;
  fields?: string[];
  detail?: string;
}

function recordFromItem(item: Record<string, unknown>): AuditRecord {
  const { auditId, at, actorStaffId, actorRole, action, entity, entityId, fields, detail } = item as unknown as AuditRecord;
  return {
    auditId,
    at,
    actorStaffId,
    actorRole,
    action,
    entity,
    entityId,
    ...(fields === undefined ? {} : { fields }),
    ...(detail === undefined ? {} : { detail }),
  };
}

/**
 * A page of the tenant's audit trail in `range`, newest first, walking the monthly partitions. The cursor is the key
 * of the last entry returned, so it says which month to resume in; it must belong to this tenant's audit partitions.
 */
export async function readAuditTrail(
  tenantId: string,
  range: AuditRange,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ entries: AuditRecord[]; nextCursor: string | null }> {
  const monthPrefix = keys.auditMonth(tenantId, '').pk;
  let startKey = decodeCursor(page.cursor, { attribute: 'pk', prefix: monthPrefix });
  const resumeMonth = typeof startKey?.pk === 'string' ? startKey.pk.slice(monthPrefix.length) : undefined;
  const months = auditMonthsNewestFirst(range.from, range.to).filter((m) => resumeMonth === undefined || m <= resumeMonth);
  if (resumeMonth !== undefined && months[0] !== resumeMonth) startKey = undefined;

  const entries: AuditRecord[] = [];
  let lastKey: Record<string, unknown> | undefined;
  for (const month of months) {
    do {
      const result = await documentClient.send(
        new QueryCommand({
          TableName: env.tableName(),
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': keys.auditMonth(tenantId, month).pk, ':from': range.from, ':to': `${range.to}#~` },
          ScanIndexForward: false,
          Limit: page.limit - entries.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of result.Items ?? []) {
        entries.push(recordFromItem(item));
        lastKey = { pk: item.pk, sk: item.sk };
      }
      startKey = result.LastEvaluatedKey;
      if (entries.length >= page.limit) return { entries, nextCursor: encodeCursor(lastKey) };
    } while (startKey);
  }
  return { entries, nextCursor: null };
}
