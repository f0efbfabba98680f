/**
 * Sender identities in the table: the tenant's identity item (`keys.senderIdentity`), the platform-wide claim on its
 * domain (`keys.senderDomainClaim`: an SES identity is account-wide, so two jewellers can never hold the same domain,
 * nor remove each other's) and the refresher's worklist of domains still waiting for DNS.
 */
import { DeleteCommand, GetCommand, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { env } from '../../config/env';
import { documentClient } from '../../store/dynamo';
import { keys } from '../../store/keys';
import { isConditionFailure, type Condition, type UnitOfWork } from '../../store/unit-of-work';
import type { SenderIdentity } from './sender-identity';

export function senderIdentityItem(identity: SenderIdentity): Record<string, unknown> {
  return { ...keys.senderIdentity(identity.tenantId), type: 'SenderIdentity', ...identity };
}

export function senderIdentityFromItem(item: Record<string, unknown>): SenderIdentity {
  const { pk: _pk, sk: _sk, type: _type, ...identity } = item;
  return identity as unknown as SenderIdentity;
}

export async function loadSenderIdentity(tenantId: string): Promise<SenderIdentity | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: env.tableName(), Key: keys.senderIdentity(tenantId), ConsistentRead: true }),
  );
  return Item ? senderIdentityFromItem(Item) : undefined;
}

/** Takes the domain for the tenant (or confirms it holds it already); false when another tenant holds it. */
export async function claimDomain(tenantId: string, domain: string, now: Date): Promise<boolean> {
  try {
    await documentClient.send(
      new PutCommand({
        TableName: env.tableName(),
        Item: { ...keys.senderDomainClaim(domain), type: 'SenderDomainClaim', tenantId, domain, claimedAt: now.toISOString() },
        ConditionExpression: 'attribute_not_exists(pk) OR tenantId = :tenant',
        ExpressionAttributeValues: { ':tenant': tenantId },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Gives a claim up (only the holder can). */
export async function releaseDomain(tenantId: string, domain: string): Promise<void> {
  try {
    await documentClient.send(
      new DeleteCommand({
        TableName: env.tableName(),
        Key: keys.senderDomainClaim(domain),
        ConditionExpression: 'tenantId = :tenant',
        ExpressionAttributeValues: { ':tenant': tenantId },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/** Condition: the stored identity is still for `domain` (`domain` is a DynamoDB reserved word). */
export const sameDomain = (domain: string): Condition => ({ expression: '#domain = :domain', names: { '#domain': 'domain' }, values: { ':domain': domain } });

/** The identity item plus the worklist entry while it is pending (and none once it is not). */
export function stageIdentityWrite(uow: UnitOfWork, identity: SenderIdentity, condition: Condition): void {
  uow.put(senderIdentityItem(identity), condition);
  const pending = keys.pendingSenderIdentity(identity.tenantId);
  if (identity.status === 'pending') uow.put({ ...pending, type: 'PendingSenderIdentity', tenantId: identity.tenantId, domain: identity.domain });
  else uow.delete(pending);
}

export function stageIdentityRemoval(uow: UnitOfWork, identity: SenderIdentity): void {
  uow.delete(keys.senderIdentity(identity.tenantId), sameDomain(identity.domain));
  uow.delete(keys.senderDomainClaim(identity.domain), { expression: 'tenantId = :tenant', values: { ':tenant': identity.tenantId } });
  uow.delete(keys.pendingSenderIdentity(identity.tenantId));
}

/** Tenants whose sending domain is still pending (the refresher's worklist). */
export async function* pendingIdentityTenants(): AsyncGenerator<string> {
  const results = paginateQuery(
    { client: documentClient },
    {
      TableName: env.tableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.pendingSenderIdentities().pk },
    },
  );
  for await (const result of results) {
    for (const item of result.Items ?? []) yield String(item.tenantId);
  }
}
