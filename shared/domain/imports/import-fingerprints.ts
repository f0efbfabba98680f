import { GetCommand, PutCommand, BatchWriteCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { env } from '../../config/env';
import { documentClient } from '../../store/dynamo';
import { keys } from '../../store/keys';
import type { ImportKind } from './import-kinds';

/**
 * The content hash of the last imported version of each record, kept under its customer
 * (`keys.importFingerprint`). Written after the record's own transaction: a crash in between only means the next run
 * finds no fingerprint and adopts the record as it is (see import-targets.ts).
 */
export async function readFingerprint(tenantId: string, customerId: string, kind: ImportKind, recordId: string): Promise<string | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: env.tableName(), Key: keys.importFingerprint(tenantId, customerId, kind, recordId), ConsistentRead: true }),
  );
  return Item?.hash as string | undefined;
}

export async function writeFingerprint(
  tenantId: string,
  customerId: string,
  kind: ImportKind,
  recordId: string,
  fingerprint: { hash: string; importId: string; at: string },
): Promise<void> {
  await documentClient.send(
    new PutCommand({
      TableName: env.tableName(),
      Item: { ...keys.importFingerprint(tenantId, customerId, kind, recordId), type: 'ImportFingerprint', kind, recordId, ...fingerprint },
    }),
  );
}

/**
 * Deletes every fingerprint of a customer. An erased customer's fingerprints hash personal data that no longer exists,
 * and the erasure released the external id, so a re-import creates a new customer anyway.
 */
export async function deleteFingerprints(tenantId: string, customerId: string): Promise<number> {
  const { pk } = keys.customerCollection(tenantId, customerId);
  let deleted = 0;
  const pages = paginateQuery(
    { client: documentClient },
    {
      TableName: env.tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': 'IMPORTED#' },
      ProjectionExpression: 'pk, sk',
      ConsistentRead: true,
      Limit: 25,
    },
  );
  for await (const page of pages) {
    const items = page.Items ?? [];
    if (items.length > 0) {
      await documentClient.send(
        new BatchWriteCommand({
          RequestItems: { [env.tableName()]: items.map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })) },
        }),
      );
      deleted += items.length;
    }
  }
  return deleted;
}
