import { GetCommand, QueryCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { env } from '../../config/env';
import { documentClient } from '../../store/dynamo';
import { indexKeys, keys, normaliseForSort } from '../../store/keys';
import { INDEXES } from '../../store/table-definition';
import { decodeCursor, encodeCursor } from '../../store/pagination';
import { normaliseAddress } from './address-hash';
import type { CustomerItem } from './customer-item';
import { readCustomerItem } from './customer-store';
import { guardKey } from './uniqueness';

/**
 * Reading the customer book: the list (ordered by surname through the lookup index), its searches, and the pages of a
 * customer's own collection (consent history, communications). Never a Scan.
 */
export interface CustomerListQuery {
  limit: number;
  cursor?: string | undefined;
  /** Surname prefix; "Surname, First" narrows to a first-name prefix within the surname. */
  q?: string | undefined;
  firstName?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
  city?: string | undefined;
  tag?: string | undefined;
}

export interface ItemPage<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * A filtered list evaluates the name index from the cursor onwards and keeps what matches, so its read cost is the
 * customers it passes over, not the ones it returns: finding the 3 customers of a small town in a 20,000-customer book
 * reads up to all 20,000 index entries (about 2 KB each with aggregates, i.e. ~5,000 read units eventually consistent).
 * Each request stops after this many evaluated entries and returns what it has with a cursor to continue, which bounds
 * the latency and the read units of one request; an empty page with a non-null cursor means "keep going".
 */
export const MAX_EVALUATED_PER_REQUEST = 2_000;
const FILTERED_PAGE = 250;

interface Filter {
  expression: string;
  values: Record<string, unknown>;
}

/** Filters served by a FilterExpression on the name index (search attributes are stored normalised). */
function filterOf(query: CustomerListQuery): Filter | undefined {
  const parts: string[] = [];
  const values: Record<string, unknown> = {};
  if (query.firstName) {
    parts.push('begins_with(firstNameKey, :firstName)');
    values[':firstName'] = normaliseForSort(query.firstName);
  }
  if (query.city) {
    parts.push('begins_with(cityKey, :city)');
    values[':city'] = normaliseForSort(query.city);
  }
  if (query.tag) {
    parts.push('contains(tags, :tag)');
    values[':tag'] = query.tag.trim().toLowerCase();
  }
  if (query.phone) {
    // Stored as E.164; match the digits typed anywhere in it ("0412 345 678" finds +61412345678 by "412345678").
    parts.push('contains(phone, :phone)');
    values[':phone'] = phoneDigits(query.phone);
  }
  return parts.length === 0 ? undefined : { expression: parts.join(' AND '), values };
}

/** The digits of a typed phone number without a national trunk prefix ("0412 345 678" -> "412345678"). */
const phoneDigits = (typed: string) => typed.replace(/\D/g, '').replace(/^0+/, '');

/** `smith` or `smith, jo` -> the name-index sort-key prefix `smith` / `smith#jo`. */
export function surnamePrefix(q: string): string {
  const [last = '', first] = q.split(',', 2);
  const lastKey = normaliseForSort(last);
  const firstKey = first === undefined ? '' : normaliseForSort(first);
  return firstKey === '' ? lastKey : `${lastKey}#${firstKey}`;
}

function matchesInMemory(item: CustomerItem, query: CustomerListQuery): boolean {
  if (query.q && !(item.gsi2sk ?? '').startsWith(surnamePrefix(query.q))) return false;
  if (query.firstName && !(item.firstNameKey ?? '').startsWith(normaliseForSort(query.firstName))) return false;
  if (query.city && !(item.cityKey ?? '').startsWith(normaliseForSort(query.city))) return false;
  if (query.tag && !item.tags.includes(query.tag.trim().toLowerCase())) return false;
  if (query.phone && !(item.phone ?? '').includes(phoneDigits(query.phone))) return false;
  return true;
}

/**
 * Email is unique per tenant and guarded by an item keyed by the address's hash, so an email search is one read of
 * the guard and one of the customer, whatever the size of the book.
 */
async function findByEmail(tenantId: string, query: CustomerListQuery): Promise<ItemPage<CustomerItem>> {
  const { Item: guard } = await documentClient.send(
    new GetCommand({ TableName: env.tableName(), Key: guardKey(tenantId, 'email', normaliseAddress('email', query.email!)) }),
  );
  const customerId = guard?.customerId as string | undefined;
  const item = customerId ? await readCustomerItem(tenantId, customerId) : undefined;
  const found = item && !item.erased && matchesInMemory(item, query) ? [item] : [];
  return { items: found, nextCursor: null };
}

export async function listCustomers(tenantId: string, query: CustomerListQuery): Promise<ItemPage<CustomerItem>> {
  if (query.email) return findByEmail(tenantId, query);

  const { gsi2pk } = indexKeys.customerNames(tenantId);
  let startKey = decodeCursor(query.cursor, { attribute: 'gsi2pk', value: gsi2pk });
  const prefix = query.q ? surnamePrefix(query.q) : '';
  const filter = filterOf(query);
  const keyCondition = prefix ? 'gsi2pk = :names AND begins_with(gsi2sk, :prefix)' : 'gsi2pk = :names';
  const keyValues: Record<string, unknown> = { ':names': gsi2pk, ...(prefix ? { ':prefix': prefix } : {}) };

  const matches: CustomerItem[] = [];
  let evaluated = 0;
  for (;;) {
    const result = await documentClient.send(
      new QueryCommand({
        TableName: env.tableName(),
        IndexName: INDEXES.lookup.indexName,
        KeyConditionExpression: keyCondition,
        ...(filter ? { FilterExpression: filter.expression } : {}),
        ExpressionAttributeValues: { ...keyValues, ...filter?.values },
        ExclusiveStartKey: startKey,
        // Unfiltered, one more than a page tells whether another page exists (no empty last page).
        Limit: filter ? FILTERED_PAGE : query.limit + 1,
      }),
    );
    evaluated += result.ScannedCount ?? 0;
    for (const item of (result.Items ?? []) as CustomerItem[]) {
      matches.push(item);
      if (matches.length === query.limit) {
        // Stopped inside a page: resume right after the last customer returned.
        const more = item !== result.Items![result.Items!.length - 1] || result.LastEvaluatedKey !== undefined;
        return { items: matches, nextCursor: more ? encodeCursor(nameIndexKeyOf(item)) : null };
      }
    }
    startKey = result.LastEvaluatedKey;
    if (!startKey || evaluated >= MAX_EVALUATED_PER_REQUEST) return { items: matches, nextCursor: encodeCursor(startKey) };
  }
}

/** The LastEvaluatedKey DynamoDB would give for an item of the name index. */
function nameIndexKeyOf(item: CustomerItem): Record<string, unknown> {
  return { pk: item.pk, sk: item.sk, gsi2pk: item.gsi2pk, gsi2sk: item.gsi2sk };
}

/** One page of a customer's time-ordered children (`CONSENT#`, `COMM#`), newest first. */
export async function pageOfCustomerTimeline(
  tenantId: string,
  customerId: string,
  kind: 'CONSENT' | 'COMM',
  page: { limit: number; cursor?: string | undefined },
): Promise<ItemPage<Record<string, unknown>>> {
  const { pk } = keys.customerCollection(tenantId, customerId);
  const result = await documentClient.send(
    new QueryCommand({
      TableName: env.tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :kind)',
      ExpressionAttributeValues: { ':pk': pk, ':kind': `${kind}#` },
      ScanIndexForward: false,
      Limit: page.limit,
      ExclusiveStartKey: decodeCursor(page.cursor, { attribute: 'pk', value: pk }),
    }),
  );
  return { items: result.Items ?? [], nextCursor: encodeCursor(result.LastEvaluatedKey) };
}

/** Every item of a customer's collection (the profile and all its children), for export and erasure. */
export async function* customerCollection(tenantId: string, customerId: string): AsyncGenerator<Record<string, unknown>> {
  const { pk } = keys.customerCollection(tenantId, customerId);
  const results = paginateQuery(
    { client: documentClient },
    {
      TableName: env.tableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    },
  );
  for await (const result of results) {
    yield* result.Items ?? [];
  }
}

/** Removes the table's key attributes from an item (API responses and exports show data, not storage). */
export function withoutStorageKeys(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, gsi1pk: _g1p, gsi1sk: _g1s, gsi2pk: _g2p, gsi2sk: _g2s, ...data } = item;
  return data;
}
