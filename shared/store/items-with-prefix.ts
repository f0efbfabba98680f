/**
 * Every item of a partition whose sort key starts with a prefix, read page by page: the one way to read such a
 * collection whole (segment references, a tenant's automations or active sends, an import's chunks).
 */
import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { env } from '../config/env';
import { documentClient } from './dynamo';

export async function itemsWithPrefix(
  { pk, skPrefix }: { readonly pk: string; readonly skPrefix: string },
  options: { readonly consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  const pages = paginateQuery(
    { client: documentClient },
    {
      TableName: env.tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
      ...(options.consistent ? { ConsistentRead: true } : {}),
    },
  );
  for await (const page of pages) items.push(...(page.Items ?? []));
  return items;
}
