import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { env } from '../../config/env';
import { problems } from '../../http/problem';
import { documentClient } from '../../store/dynamo';
import { keys } from '../../store/keys';
import type { UnitOfWork } from '../../store/unit-of-work';
import type { CustomerItem } from './customer-item';

/** The customer item as stored (erased ones included), or undefined. Strongly consistent: it feeds conditional writes. */
export async function readCustomerItem(tenantId: string, customerId: string): Promise<CustomerItem | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: env.tableName(), Key: keys.customer(tenantId, customerId), ConsistentRead: true }),
  );
  return Item as CustomerItem | undefined;
}

/**
 * A live customer of this tenant, or a 404. The key is built from the principal's tenant, so another tenant's id is
 * simply not found; an erased customer is gone as far as the API is concerned.
 */
export async function loadCustomer(tenantId: string, customerId: string): Promise<CustomerItem> {
  const item = await readCustomerItem(tenantId, customerId);
  if (!item || item.erased) throw problems.notFound('Customer');
  return item;
}

/** Writes the next version of a customer, only if nobody wrote another version since `expectedVersion` was read. */
export function putCustomerVersion(uow: UnitOfWork, next: CustomerItem, expectedVersion: number): UnitOfWork {
  return uow.put(next as unknown as Record<string, unknown>, {
    expression: 'version = :expectedVersion',
    values: { ':expectedVersion': expectedVersion },
  });
}

/** Writes a brand-new customer, refusing to overwrite an existing item with the same key. */
export function putNewCustomer(uow: UnitOfWork, item: CustomerItem): UnitOfWork {
  return uow.put(item as unknown as Record<string, unknown>, { expression: 'attribute_not_exists(pk)' });
}
