import { BatchWriteCommand, QueryCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { DateTime } from 'luxon';
import type { Principal } from '../../auth/roles';
import { auditItem } from '../../audit/audit-entry';
import { env } from '../../config/env';
import { ProblemError, problems } from '../../http/problem';
import { newId } from '../../ids';
import { documentClient } from '../../store/dynamo';
import { keys, type CustomerChildKind } from '../../store/keys';
import { failedConditionIndexes, isConditionFailure, UnitOfWork, type EventPublisher } from '../../store/unit-of-work';
import { loadTenantSettings } from '../tenants/tenant-repository';
import { consentChangedEvent, consentHistoryItem } from './consent-history';
import { applyCustomerChanges, changedAttributes, newCustomerItem, patchToChanges, type CustomerItem } from './customer-item';
import type { CustomerCreate, CustomerPatch } from './customer-schema';
import { loadCustomer, putNewCustomer } from './customer-store';
import { mutateCustomer, throwIfGuardTaken } from './mutate-customer';
import { addGuardWrites } from './uniqueness';

/**
 * The customer book's write operations. Every one is a single transaction: the customer item, its uniqueness guards,
 * consent history, the audit entry and the outbox events commit together or not at all.
 */
export { mutateCustomer, AlsoConditionFailed, type MutateCustomerOptions, type MutateCustomerResult, type CustomerMutation } from './mutate-customer';
export { loadCustomer, readCustomerItem } from './customer-store';

/** Who is writing: a staff member, or the platform itself (imports, seeding). */
export type CustomerActor = Principal | { tenantId: string; staffId: 'system'; role: 'system' };

export interface WriteOptions {
  publisher: EventPublisher | undefined;
  /** Where the change comes from, carried on events (imported records never trigger automations). */
  source?: 'api' | 'import' | 'system';
  now?: Date;
}

const staffIdOf = (actor: CustomerActor) => (actor.role === 'system' ? undefined : actor.staffId);

/** Today's date in the tenant's time zone (the default customer-since date). */
export async function tenantToday(tenantId: string, now: Date): Promise<string> {
  const { timeZone } = await loadTenantSettings(tenantId);
  return DateTime.fromJSDate(now, { zone: timeZone }).toISODate()!;
}

export async function createCustomer(actor: CustomerActor, input: CustomerCreate, options: WriteOptions): Promise<CustomerItem> {
  const now = options.now ?? new Date();
  const source = options.source ?? 'api';
  const at = now.toISOString();
  const actorStaffId = staffIdOf(actor);
  const { item, consentTransitions } = newCustomerItem(actor.tenantId, input, {
    customerId: newId(now.getTime()),
    now: at,
    today: input.customerSince ?? (await tenantToday(actor.tenantId, now)),
    ...(actorStaffId === undefined ? {} : { actorStaffId }),
    consentSource: source === 'import' ? 'import' : 'staff',
  });

  const uow = new UnitOfWork(options.publisher);
  putNewCustomer(uow, item);
  const guards = addGuardWrites(uow, undefined, item);
  for (const transition of consentTransitions) {
    uow.put(consentHistoryItem(actor.tenantId, item.customerId, transition));
    if (transition.record.source !== 'default') uow.emit(consentChangedEvent(actor.tenantId, item.customerId, transition, source));
  }
  uow.put(auditItem(actor, { action: 'created', entity: 'customer', entityId: item.customerId }, at));
  uow.emit({ type: 'customer.created', tenantId: actor.tenantId, customerId: item.customerId, occurredAt: at, source });
  try {
    await uow.commit();
  } catch (error) {
    if (isConditionFailure(error)) throwIfGuardTaken(failedConditionIndexes(error), guards);
    throw error;
  }
  return item;
}

/**
 * Applies a PATCH. With `expectedVersion` (the `If-Match` header) the update applies only to that version, else 412;
 * without it, concurrent edits are merged field by field (each attempt re-reads and re-applies the patch), so an edit of
 * the phone and a purchase recorded at the same moment both land.
 */
export async function updateCustomer(
  actor: CustomerActor,
  customerId: string,
  patch: CustomerPatch,
  options: WriteOptions & { expectedVersion?: number },
): Promise<CustomerItem> {
  const changes = patchToChanges(patch);
  const { after } = await mutateCustomer({
    tenantId: actor.tenantId,
    customerId,
    publisher: options.publisher,
    ...(options.now ? { now: () => options.now! } : {}),
    apply: (customer) => {
      if (options.expectedVersion !== undefined && customer.version !== options.expectedVersion) {
        throw preconditionFailed(customer.version);
      }
      // A PATCH that changes nothing (same values sent again) writes nothing: no new version, no audit entry.
      const unchanged = changedAttributes(customer, applyCustomerChanges(customer, changes, customer.updatedAt)).length === 0;
      return unchanged ? null : { set: changes };
    },
    also: (uow, { before, after: next }) => {
      uow.put(
        auditItem(actor, { action: 'updated', entity: 'customer', entityId: customerId, fields: changedAttributes(before, next) }, next.updatedAt),
      );
    },
  });
  return after;
}

export function preconditionFailed(currentVersion: number): ProblemError {
  return new ProblemError(
    412,
    'Precondition failed',
    `The customer has changed since you read it (now version ${currentVersion}). Read it again and reapply your change.`,
    { currentVersion },
  );
}

/** Records that make a customer part of the shop's history: such a customer is erased, not deleted. */
const HISTORY_KINDS: readonly CustomerChildKind[] = ['PURCHASE', 'REPAIR', 'LAYBY', 'APPT', 'COMM'];

async function hasHistory(tenantId: string, customerId: string): Promise<boolean> {
  const found = await Promise.all(
    HISTORY_KINDS.map(async (kind) => {
      const prefix = keys.customerChildPrefix(tenantId, customerId, kind);
      const result = await documentClient.send(
        new QueryCommand({
          TableName: env.tableName(),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': prefix.pk, ':prefix': prefix.skPrefix },
          ProjectionExpression: 'pk',
          Limit: 1,
        }),
      );
      return (result.Items?.length ?? 0) > 0;
    }),
  );
  return found.some(Boolean);
}

/**
 * Deletes a customer created by mistake. A customer with history (purchases, repairs, lay-bys, appointments, messages)
 * is refused with 409: deleting would silently change the shop's totals and lose records the jeweller must keep;
 * `POST /erase` removes the personal data and keeps the history anonymous, `status: inactive` hides them from sends.
 *
 * The delete is conditional on the version read, so a purchase recorded in between (which bumps the version through
 * mutateCustomer) makes it fail and re-check.
 */
export async function deleteCustomer(actor: CustomerActor, customerId: string, options: WriteOptions): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const customer = await loadCustomer(actor.tenantId, customerId);
    if (customer.agg.purchaseCount > 0 || (await hasHistory(actor.tenantId, customerId))) {
      throw problems.conflict(
        'This customer has purchase or service history and cannot be deleted. Erase their personal data (POST /v1/customers/{customerId}/erase) or set their status to inactive.',
      );
    }
    const at = (options.now ?? new Date()).toISOString();
    const uow = new UnitOfWork(options.publisher);
    uow.delete(keys.customer(actor.tenantId, customerId), { expression: 'version = :v', values: { ':v': customer.version } });
    addGuardWrites(uow, customer, undefined);
    uow.put(auditItem(actor, { action: 'deleted', entity: 'customer', entityId: customerId }, at));
    try {
      await uow.commit();
      break;
    } catch (error) {
      if (!isConditionFailure(error) || attempt >= 3) throw isConditionFailure(error) ? problems.conflict('The customer changed while it was being deleted; try again.') : error;
    }
  }
  await deleteCollection(actor.tenantId, customerId);
}

/** Removes what is left in a deleted customer's collection (its consent history). */
async function deleteCollection(tenantId: string, customerId: string): Promise<void> {
  const { pk } = keys.customerCollection(tenantId, customerId);
  const results = paginateQuery(
    { client: documentClient },
    {
      TableName: env.tableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ProjectionExpression: 'pk, sk',
      Limit: 25,
    },
  );
  for await (const result of results) {
    const items = result.Items ?? [];
    if (items.length > 0) {
      let requests: Record<string, unknown>[] = items.map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } }));
      for (let tries = 0; requests.length > 0 && tries < 5; tries++) {
        const written = await documentClient.send(new BatchWriteCommand({ RequestItems: { [env.tableName()]: requests as never } }));
        requests = (written.UnprocessedItems?.[env.tableName()] ?? []) as Record<string, unknown>[];
      }
    }
  }
}
