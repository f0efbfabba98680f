/** Helpers for the records integration tests: call a route of the records handler, read outbox events. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Principal, Role } from '../../shared/auth/roles';
import { customerCreateSchema } from '../../shared/domain/customers/customer-schema';
import { createCustomer } from '../../shared/domain/customers/customer-repository';
import type { DomainEvent } from '../../shared/events/domain-events';
import type { RouteContract } from '../../shared/http/contract';
import { documentClient } from '../../shared/store/dynamo';
import { keys } from '../../shared/store/keys';
import { OUTBOX_SHARDS } from '../../shared/store/table-definition';
import { handler } from '../../functions/http/records';
import { apiEvent, callRoute, type CallResult } from '../support/http';

export const principalOf = (tenantId: string, role: Role = 'owner'): Principal => ({ tenantId, staffId: `staff-${role}`, role });

export async function newCustomer(tenantId: string): Promise<string> {
  const input = customerCreateSchema.parse({ firstName: 'Ada', lastName: 'Lovelace' });
  const item = await createCustomer(principalOf(tenantId), input, { publisher: undefined });
  return item.customerId;
}

/** Invokes the records handler for a route, filling the path template from `params`. */
export function send<T = any>(
  route: RouteContract,
  params: Record<string, string>,
  options: { principal: Principal; body?: unknown; query?: Record<string, string> },
): Promise<CallResult<T>> {
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? `{${name}}`);
  return callRoute<T>(
    handler,
    apiEvent({
      method: route.method,
      path,
      routeKey: `${route.method} ${route.path}`,
      pathParameters: params,
      principal: options.principal,
      ...(options.body === undefined ? {} : { body: options.body }),
      ...(options.query ? { query: options.query } : {}),
    }),
  );
}

/**
 * Events of a customer's records still in the outbox (nothing publishes them in these tests: no queue is running),
 * oldest first; the customer's own events (created, consent) are left out.
 */
export async function outboxEvents(tableName: string, customerId: string): Promise<DomainEvent[]> {
  const events: DomainEvent[] = [];
  for (let shard = 0; shard < OUTBOX_SHARDS; shard++) {
    const { Items } = await documentClient.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.outboxShard(shard).pk },
        ConsistentRead: true,
      }),
    );
    for (const item of Items ?? []) {
      const event = item.event as DomainEvent;
      if (event.customerId === customerId && !event.type.startsWith('customer.') && !event.type.startsWith('consent.')) {
        events.push(event);
      }
    }
  }
  return events.sort((a, b) => a.eventId.localeCompare(b.eventId));
}
