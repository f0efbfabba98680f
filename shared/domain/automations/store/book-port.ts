/**
 * How automations read the customer book: the book index streamed by shard (the segment engine's adapter), a
 * customer's purchases in a span (day-exact audience rules), and one customer by id (event-based occurrences, the
 * sender's re-read). DynamoDB in the functions; the tests and the bench pass an in-memory book.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { env } from '../../../config/env';
import { documentClient } from '../../../store/dynamo';
import { keys } from '../../../store/keys';
import { bookCustomerFromItem, type BookCustomer } from '../../segments/book-customer';
import { dynamoBookReader, memoryBookReader, type BookShardReader } from '../../segments/book-reader';
import type { PurchaseReader } from '../../segments/evaluate-stream';
import { dynamoPurchaseReader, memoryPurchaseReader } from '../../segments/purchase-reader';
import type { PurchaseFacts } from '../../records/purchase';

export interface BookPort {
  readonly reader: BookShardReader;
  readonly purchases: PurchaseReader;
  customer(customerId: string): Promise<BookCustomer | undefined>;
}

export function dynamoBookPort(tenantId: string): BookPort {
  return {
    reader: dynamoBookReader(tenantId),
    purchases: dynamoPurchaseReader(tenantId),
    async customer(customerId) {
      const { Item } = await documentClient.send(
        new GetCommand({ TableName: env.tableName(), Key: keys.customer(tenantId, customerId), ConsistentRead: true }),
      );
      return Item ? bookCustomerFromItem(Item) : undefined;
    },
  };
}

export function memoryBookPort(
  customers: readonly BookCustomer[],
  options: { purchases?: ReadonlyMap<string, readonly PurchaseFacts[]>; pageSize?: number } = {},
): BookPort {
  const byId = new Map(customers.map((customer) => [customer.customerId, customer]));
  const purchases = options.purchases ?? new Map<string, readonly PurchaseFacts[]>();
  return {
    reader: memoryBookReader(customers, options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    purchases: memoryPurchaseReader(purchases),
    customer: async (customerId) => byId.get(customerId),
  };
}
