/**
 * Reads of customer records from the table. Writes go through record-write.ts (one transaction with the customer's
 * aggregates). Every key is built from the principal's tenant, so another tenant's record is simply not found.
 */
import { GetCommand, QueryCommand, type QueryCommandInput, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { env } from '../../config/env';
import { problems } from '../../http/problem';
import { documentClient } from '../../store/dynamo';
import { keys } from '../../store/keys';
import { decodeCursor, encodeCursor } from '../../store/pagination';
import { EXTERNAL_ID_KIND, recordFromItem, type RecordKind, type RecordTypes } from './record-items';

export async function getRecord<K extends RecordKind>(
  tenantId: string,
  customerId: string,
  kind: K,
  id: string,
): Promise<RecordTypes[K] | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: env.tableName(), Key: keys.customerChild(tenantId, customerId, kind, id), ConsistentRead: true }),
  );
  return Item ? recordFromItem(kind, Item) : undefined;
}

/**
 * Every record of a kind for one customer, strongly consistent: the aggregates are recomputed from this list, so it
 * must include every write committed before it was read.
 */
export async function allRecords<K extends RecordKind>(tenantId: string, customerId: string, kind: K): Promise<RecordTypes[K][]> {
  const prefix = keys.customerChildPrefix(tenantId, customerId, kind);
  const records: RecordTypes[K][] = [];
  const pages = paginateQuery(
    { client: documentClient },
    {
      ...prefixQuery(prefix),
      ConsistentRead: true,
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) records.push(recordFromItem(kind, item));
  }
  return records;
}

export interface RecordPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** One page of a customer's records of a kind, newest first (ids sort by the record's own date). */
export async function listRecords<K extends RecordKind>(
  tenantId: string,
  customerId: string,
  kind: K,
  page: { limit: number; cursor?: string | undefined },
): Promise<RecordPage<RecordTypes[K]>> {
  const prefix = keys.customerChildPrefix(tenantId, customerId, kind);
  const startKey = decodeCursor(page.cursor, { attribute: 'pk', value: prefix.pk });
  // A cursor of another kind's listing in the same partition would start outside this query's range.
  if (startKey && !String(startKey.sk ?? '').startsWith(prefix.skPrefix)) {
    throw problems.validation([{ path: 'query.cursor', message: 'Invalid cursor' }]);
  }
  const result = await documentClient.send(
    new QueryCommand({
      ...prefixQuery(prefix),
      ScanIndexForward: false,
      Limit: page.limit,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    }),
  );
  return {
    items: (result.Items ?? []).map((item) => recordFromItem(kind, item)),
    nextCursor: encodeCursor(result.LastEvaluatedKey),
  };
}

/** Who holds a record external id in the tenant, if anyone. */
export async function externalIdHolder(
  tenantId: string,
  kind: RecordKind,
  externalId: string,
): Promise<{ customerId: string; recordId: string } | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: env.tableName(), Key: keys.unique(tenantId, EXTERNAL_ID_KIND[kind], externalId), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  return { customerId: String(Item.customerId), recordId: String(Item.recordId) };
}

function prefixQuery(prefix: { pk: string; skPrefix: string }): QueryCommandInput {
  return {
    TableName: env.tableName(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': prefix.pk, ':prefix': prefix.skPrefix },
  };
}
