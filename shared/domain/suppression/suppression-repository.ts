import { BatchGetCommand, GetCommand, QueryCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '../../auth/roles';
import { auditItem } from '../../audit/audit-entry';
import { env } from '../../config/env';
import { problems } from '../../http/problem';
import { documentClient } from '../../store/dynamo';
import { keys } from '../../store/keys';
import { decodeCursor, encodeCursor } from '../../store/pagination';
import { UnitOfWork, isConditionFailure } from '../../store/unit-of-work';
import { addressHash } from '../customers/address-hash';
import type { ConsentChannel } from '../customers/consent';
import type { SuppressionEntry, SuppressionReason } from './suppression-entry';
import { removalDetail, suppressionEntryFromItem, suppressionItem } from './suppression-item';

const auditEntityId = (channel: ConsentChannel, hash: string) => `${channel}#${hash}`;

async function getEntry(tenantId: string, channel: ConsentChannel, hash: string): Promise<SuppressionEntry | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: env.tableName(), Key: keys.suppression(tenantId, channel, hash), ConsistentRead: true }),
  );
  return Item ? suppressionEntryFromItem(Item) : undefined;
}

/** The send path's question: may anything at all go to this address? */
export async function isSuppressed(tenantId: string, channel: ConsentChannel, address: string): Promise<boolean> {
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: env.tableName(),
      Key: keys.suppression(tenantId, channel, addressHash(tenantId, channel, address)),
      ProjectionExpression: 'pk',
    }),
  );
  return Item !== undefined;
}

/** BatchGetItem takes at most this many keys a call. */
const BATCH_GET_LIMIT = 100;
/**
 * The longest list read whole, per address asked about. A key looked up costs half a read unit however small its entry;
 * a query costs half a unit per 4 KB, and an entry is ~250 bytes (~16 per half unit): reading up to 8 entries per
 * address costs at most half of looking each address up, and reading a list found too long wastes at most that.
 */
const LIST_ENTRIES_PER_ADDRESS = 8;

/**
 * Which of `addresses` are on the tenant's suppression list for `channel`, as address hashes: by reading the channel's
 * whole list when it is short next to the number of addresses (the usual case: a list of hundreds, a campaign slice
 * of thousands), else by looking each address up. Both ways answer the same; they differ only in read units.
 */
export async function suppressedAmong(tenantId: string, channel: ConsentChannel, addresses: readonly string[]): Promise<Set<string>> {
  const hashes = [...new Set(addresses.map((address) => addressHash(tenantId, channel, address)))];
  if (hashes.length === 0) return new Set();
  const list = await readWholeList(tenantId, channel, hashes.length * LIST_ENTRIES_PER_ADDRESS);
  if (list !== undefined) return new Set(hashes.filter((hash) => list.has(hash)));
  return lookUpEach(tenantId, channel, hashes);
}

/** The channel's listed hashes, or undefined once the list holds more than `limit` entries. */
async function readWholeList(tenantId: string, channel: ConsentChannel, limit: number): Promise<Set<string> | undefined> {
  const { pk } = keys.suppressionPrefix(tenantId);
  const listed = new Set<string>();
  const pages = paginateQuery(
    { client: documentClient, pageSize: limit + 1 },
    {
      TableName: env.tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :channel)',
      ExpressionAttributeValues: { ':pk': pk, ':channel': `${channel}#` },
      ProjectionExpression: 'addressHash',
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) listed.add(String(item.addressHash));
    if (listed.size > limit) return undefined;
  }
  return listed;
}

async function lookUpEach(tenantId: string, channel: ConsentChannel, hashes: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const tableName = env.tableName();
  for (let i = 0; i < hashes.length; i += BATCH_GET_LIMIT) {
    let pending: Record<string, unknown>[] = hashes.slice(i, i + BATCH_GET_LIMIT).map((hash) => ({ ...keys.suppression(tenantId, channel, hash) }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 6) throw new Error('Suppression lookups stayed unprocessed');
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      const result = await documentClient.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ProjectionExpression: 'addressHash' } } }),
      );
      for (const item of result.Responses?.[tableName] ?? []) found.add(String(item.addressHash));
      pending = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return found;
}

export interface ManualSuppression {
  channel: ConsentChannel;
  address: string;
  note?: string | undefined;
}

/** A staff member suppresses an address by hand. An address already on the list is a 409 naming the existing reason. */
export async function addManualSuppression(actor: Principal, input: ManualSuppression, now = new Date()): Promise<SuppressionEntry> {
  const entry: SuppressionEntry = {
    tenantId: actor.tenantId,
    channel: input.channel,
    addressHash: addressHash(actor.tenantId, input.channel, input.address),
    address: input.address.trim(),
    reason: 'manual',
    scope: 'all',
    createdAt: now.toISOString(),
    createdBy: actor.staffId,
    ...(input.note === undefined ? {} : { note: input.note }),
  };
  const uow = new UnitOfWork(undefined);
  uow.put(suppressionItem(entry), { expression: 'attribute_not_exists(pk)' });
  uow.put(
    auditItem(actor, { action: 'created', entity: 'suppression', entityId: auditEntityId(entry.channel, entry.addressHash), detail: 'manual' }, entry.createdAt),
  );
  try {
    await uow.commit();
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const existing = await getEntry(actor.tenantId, entry.channel, entry.addressHash);
    throw problems.conflict(`This address is already suppressed (${existing?.reason ?? 'another entry'}).`, {
      addressHash: entry.addressHash,
    });
  }
  return entry;
}

/**
 * Adds an entry inside another operation's transaction (erasure, bounce and complaint handling). It overwrites an
 * existing entry for the address, which is what erasure needs (the plain address must go).
 */
export function stageSuppression(uow: UnitOfWork, entry: SuppressionEntry): void {
  uow.put(suppressionItem(entry));
}

/** Builds an entry for `stageSuppression` from a plain address (hashed here; an `erased` entry keeps only the hash). */
export function suppressionFor(
  tenantId: string,
  channel: ConsentChannel,
  address: string,
  reason: SuppressionReason,
  createdBy: string,
  at: string,
): SuppressionEntry {
  return {
    tenantId,
    channel,
    addressHash: addressHash(tenantId, channel, address),
    ...(reason === 'erased' ? {} : { address: address.trim() }),
    reason,
    scope: 'all',
    createdAt: at,
    createdBy,
  };
}

export interface SuppressionQuery {
  limit: number;
  cursor?: string | undefined;
  channel?: ConsentChannel | undefined;
  /** Look one address up (needs `channel`): the page then holds that entry or nothing. */
  address?: string | undefined;
}

export async function listSuppressions(tenantId: string, query: SuppressionQuery) {
  if (query.address !== undefined && query.channel !== undefined) {
    const entry = await getEntry(tenantId, query.channel, addressHash(tenantId, query.channel, query.address));
    return { entries: entry ? [entry] : [], nextCursor: null };
  }
  const { pk } = keys.suppressionPrefix(tenantId);
  const result = await documentClient.send(
    new QueryCommand({
      TableName: env.tableName(),
      KeyConditionExpression: query.channel ? 'pk = :pk AND begins_with(sk, :channel)' : 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk, ...(query.channel ? { ':channel': `${query.channel}#` } : {}) },
      Limit: query.limit,
      ExclusiveStartKey: decodeCursor(query.cursor, { attribute: 'pk', value: pk }),
    }),
  );
  return { entries: (result.Items ?? []).map(suppressionEntryFromItem), nextCursor: encodeCursor(result.LastEvaluatedKey) };
}

/**
 * Takes an address off the list. The entry is deleted, and its history (why and since when it was suppressed, who
 * removed it and why) stays in the audit trail.
 */
export async function removeSuppression(
  actor: Principal,
  channel: ConsentChannel,
  hash: string,
  reason: string,
  now = new Date(),
): Promise<void> {
  const entry = await getEntry(actor.tenantId, channel, hash);
  if (!entry) throw problems.notFound('Suppression entry');
  const uow = new UnitOfWork(undefined);
  uow.delete(keys.suppression(actor.tenantId, channel, hash), {
    expression: 'createdAt = :createdAt',
    values: { ':createdAt': entry.createdAt },
  });
  uow.put(
    auditItem(
      actor,
      { action: 'deleted', entity: 'suppression', entityId: auditEntityId(channel, hash), detail: removalDetail(entry, reason) },
      now.toISOString(),
    ),
  );
  try {
    await uow.commit();
  } catch (error) {
    if (isConditionFailure(error)) throw problems.conflict('The entry changed while it was being removed; read it again.');
    throw error;
  }
}
