/** Helpers for the import integration tests: call the imports API, run the worker on what the queue holds. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import type { Principal } from '../../shared/auth/roles';
import { guardKey } from '../../shared/domain/customers/uniqueness';
import type { CustomerItem } from '../../shared/domain/customers/customer-item';
import { documentClient } from '../../shared/store/dynamo';
import { keys } from '../../shared/store/keys';
import { handler as importsApi } from '../../functions/http/imports';
import { handler as importWorker } from '../../functions/queue/import-worker';
import { apiEvent, callRoute, lambdaContext, type CallResult } from '../support/http';
import { receiveAll, toSqsEvent } from '../events/sqs-messages';
import type { Message } from '@aws-sdk/client-sqs';

export function postImport(principal: Principal, kind: string, body: unknown, contentType = 'text/csv'): Promise<CallResult> {
  return callRoute(
    importsApi,
    apiEvent({
      method: 'POST',
      path: '/v1/imports',
      routeKey: 'POST /v1/imports',
      query: { kind },
      body,
      headers: { 'content-type': contentType },
      principal,
    }),
  );
}

export function getImport(principal: Principal, importId: string, query?: Record<string, string>): Promise<CallResult> {
  return callRoute(
    importsApi,
    apiEvent({
      method: 'GET',
      path: `/v1/imports/${importId}`,
      routeKey: 'GET /v1/imports/{importId}',
      pathParameters: { importId },
      ...(query ? { query } : {}),
      principal,
    }),
  );
}

/** Receives every chunk message on the imports queue and invokes the worker with each, as the batch-size-1 mapping does. */
export async function runImportWorker(queueUrl: string, messages?: Message[]): Promise<{ messages: Message[]; failures: SQSBatchResponse[] }> {
  const received = messages ?? (await receiveAll(queueUrl));
  const failures: SQSBatchResponse[] = [];
  for (const message of received) {
    const result = await importWorker(toSqsEvent([message]), lambdaContext('import-worker'));
    if (result.batchItemFailures.length > 0) failures.push(result);
  }
  return { messages: received, failures };
}

export async function customerByExternalId(tenantId: string, externalId: string): Promise<CustomerItem | undefined> {
  const guard = await documentClient.send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: guardKey(tenantId, 'externalId', externalId), ConsistentRead: true }),
  );
  if (!guard.Item) return undefined;
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: keys.customer(tenantId, String(guard.Item.customerId)), ConsistentRead: true }),
  );
  return Item as CustomerItem | undefined;
}
