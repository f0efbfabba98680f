import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Principal, Role } from '../../auth/roles';
import { auditItem } from '../../audit/audit-entry';
import { env } from '../../config/env';
import { problems } from '../../http/problem';
import { newId } from '../../ids';
import { documentClient } from '../../store/dynamo';
import { keys } from '../../store/keys';
import { decodeCursor, encodeCursor } from '../../store/pagination';
import { UnitOfWork, failedConditionIndexes, isConditionFailure } from '../../store/unit-of-work';
import { generateApiKey } from './api-key';
import { apiKeyItem, staffMemberFromItem, staffMemberItem, type ApiKeyLookup } from './staff-items';
import type { StaffKey, StaffMember } from './staff-member';
import { LAST_OWNER_MESSAGE, staffManagementRefusal, type StaffAction } from './staff-rules';

/** Who acts: a staff member through the API, or the system (tenant CLI, demo seeder) which skips role rules. */
export type Actor = Principal | { tenantId: string; staffId: 'system'; role: 'system' };

export interface NewStaffMember {
  name: string;
  email: string;
  role: Role;
}

/** A freshly issued key: the secret is in `apiKey`, returned to the caller once and never readable again. */
export interface IssuedKey {
  keyId: string;
  apiKey: string;
}

function assertAllowed(actor: Actor, target: Role, action: StaffAction) {
  if (actor.role === 'system') return;
  const refusal = staffManagementRefusal(actor.role, target, action);
  if (refusal) throw problems.forbidden(refusal);
}

function newKey(createdBy: string, at: string): { key: StaffKey; plain: string } {
  const issued = generateApiKey();
  return {
    plain: issued.plain,
    key: { keyId: newId(), keyHash: issued.hash, hint: issued.hint, createdAt: at, createdBy },
  };
}

const tenantCondition = { expression: 'attribute_exists(pk)' };
const newItemCondition = { expression: 'attribute_not_exists(pk)' };

/**
 * A staff member with a first key, in one transaction: the record, the key's lookup item, the tenant's owner-key count
 * (or a check that the tenant exists) and the audit entries.
 */
export function stageNewStaffMember(uow: UnitOfWork, actor: Actor, input: NewStaffMember, at: string) {
  const staffId = newId();
  const { key, plain } = newKey(actor.staffId, at);
  const member: StaffMember = {
    tenantId: actor.tenantId,
    staffId,
    name: input.name,
    email: input.email,
    role: input.role,
    createdAt: at,
    createdBy: actor.staffId,
    keys: [key],
    version: 1,
  };
  uow.put(staffMemberItem(member), newItemCondition);
  uow.put(apiKeyItem(member, key), newItemCondition);
  uow.put(auditItem(actor, { action: 'created', entity: 'staff', entityId: staffId, fields: ['name', 'email', 'role'] }, at));
  uow.put(auditItem(actor, { action: 'key_created', entity: 'api_key', entityId: key.keyId, detail: keyDetail(member) }, at));
  return { member, issued: { keyId: key.keyId, apiKey: plain } satisfies IssuedKey };
}

const keyDetail = (member: StaffMember) => `staff ${member.staffId} (${member.role})`;

export async function createStaffMember(actor: Actor, input: NewStaffMember, now = new Date()) {
  assertAllowed(actor, input.role, 'create');
  const at = now.toISOString();
  const uow = new UnitOfWork(undefined);
  if (input.role === 'owner') {
    uow.update(keys.tenant(actor.tenantId), { expression: 'ADD activeOwnerKeys :one', values: { ':one': 1 } }, tenantCondition);
  } else {
    uow.check(keys.tenant(actor.tenantId), tenantCondition);
  }
  const staged = stageNewStaffMember(uow, actor, input, at);
  await commitOrNotFound(uow, 'Tenant');
  return staged;
}

export async function getStaffMember(tenantId: string, staffId: string): Promise<StaffMember | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: env.tableName(), Key: keys.staff(tenantId, staffId), ConsistentRead: true }),
  );
  return Item ? staffMemberFromItem(Item) : undefined;
}

export async function listStaff(tenantId: string, page: { limit: number; cursor?: string | undefined }) {
  const { pk, skPrefix } = keys.staffPrefix(tenantId);
  const result = await documentClient.send(
    new QueryCommand({
      TableName: env.tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
      Limit: page.limit,
      ExclusiveStartKey: decodeCursor(page.cursor, { attribute: 'pk', value: pk }),
    }),
  );
  return { members: (result.Items ?? []).map(staffMemberFromItem), nextCursor: encodeCursor(result.LastEvaluatedKey) };
}

/** Writes the staff record only if nobody changed it since it was read (a lost key revocation would be a hole). */
function putMemberIfUnchanged(uow: UnitOfWork, before: StaffMember, after: StaffMember) {
  uow.put(staffMemberItem({ ...after, version: before.version + 1 }), {
    expression: '#version = :version',
    names: { '#version': 'version' },
    values: { ':version': before.version },
  });
}

async function requireMember(actor: Actor, staffId: string): Promise<StaffMember> {
  const member = await getStaffMember(actor.tenantId, staffId);
  if (!member) throw problems.notFound('Staff member');
  return member;
}

export async function issueStaffKey(actor: Actor, staffId: string, now = new Date()): Promise<IssuedKey> {
  const member = await requireMember(actor, staffId);
  assertAllowed(actor, member.role, 'issue_key');
  const at = now.toISOString();
  const { key, plain } = newKey(actor.staffId, at);
  const uow = new UnitOfWork(undefined);
  putMemberIfUnchanged(uow, member, { ...member, keys: [...member.keys, key] });
  uow.put(apiKeyItem(member, key), newItemCondition);
  if (member.role === 'owner') {
    uow.update(keys.tenant(actor.tenantId), { expression: 'ADD activeOwnerKeys :one', values: { ':one': 1 } }, tenantCondition);
  }
  uow.put(auditItem(actor, { action: 'key_created', entity: 'api_key', entityId: key.keyId, detail: keyDetail(member) }, at));
  await commitOrConflict(uow);
  return { keyId: key.keyId, apiKey: plain };
}

/**
 * Revokes one key. Revoking a key that is already revoked changes nothing. The last active owner key is refused by a
 * condition on the tenant's owner-key count, so two owners revoking each other at the same moment cannot both win.
 * The authorizer caches its answer for up to 60 s, which is how long a revoked key may still work.
 */
export async function revokeStaffKey(actor: Actor, staffId: string, keyId: string, now = new Date()): Promise<void> {
  const member = await requireMember(actor, staffId);
  const key = member.keys.find((k) => k.keyId === keyId);
  if (!key) throw problems.notFound('API key');
  assertAllowed(actor, member.role, 'revoke_key');
  if (key.revokedAt !== undefined) return;

  const at = now.toISOString();
  const revoked: StaffKey = { ...key, revokedAt: at, revokedBy: actor.staffId };
  const uow = new UnitOfWork(undefined);
  putMemberIfUnchanged(uow, member, { ...member, keys: member.keys.map((k) => (k.keyId === keyId ? revoked : k)) });
  uow.put(apiKeyItem(member, revoked));
  const ownerCountIndex = uow.size;
  if (member.role === 'owner') {
    uow.update(
      keys.tenant(actor.tenantId),
      { expression: 'ADD activeOwnerKeys :minusOne', values: { ':minusOne': -1 } },
      { expression: 'activeOwnerKeys > :one', values: { ':one': 1 } },
    );
  }
  uow.put(auditItem(actor, { action: 'key_revoked', entity: 'api_key', entityId: keyId, detail: keyDetail(member) }, at));
  try {
    await uow.commit();
  } catch (error) {
    if (member.role === 'owner' && failedConditionIndexes(error).includes(ownerCountIndex)) {
      throw problems.conflict(LAST_OWNER_MESSAGE);
    }
    if (isConditionFailure(error)) throw concurrentChange();
    throw error;
  }
}

/** The authorizer's lookup: who holds this key hash, or undefined for an unknown or revoked key. */
export async function resolveApiKey(keyHash: string): Promise<Pick<ApiKeyLookup, 'tenantId' | 'staffId' | 'role'> | undefined> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: env.tableName(), Key: keys.apiKey(keyHash) }));
  if (!Item || Item.revoked === true) return undefined;
  const { tenantId, staffId, role } = Item as ApiKeyLookup;
  return { tenantId, staffId, role };
}

const concurrentChange = () => problems.conflict('The staff member was changed at the same time; read it again and retry.');

async function commitOrConflict(uow: UnitOfWork) {
  try {
    await uow.commit();
  } catch (error) {
    if (isConditionFailure(error)) throw concurrentChange();
    throw error;
  }
}

async function commitOrNotFound(uow: UnitOfWork, what: string) {
  try {
    await uow.commit();
  } catch (error) {
    if (isConditionFailure(error)) throw problems.notFound(what);
    throw error;
  }
}
