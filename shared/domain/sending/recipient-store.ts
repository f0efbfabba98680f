/**
 * Recipients in the table (`keys.campaignRecipient`). Every change is one conditional write on the status it leaves
 * (and, for a claimed recipient, on the claim's time), so the table decides races: of two workers holding the same
 * message, one claims and the other finds the recipient no longer `queued`.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { env } from '../../config/env';
import { documentClient } from '../../store/dynamo';
import { keys, RECIPIENT_SHARDS } from '../../store/keys';
import { isConditionFailure } from '../../store/unit-of-work';
import type { CampaignRecipient, RecipientStatus } from './recipient';

export function recipientItem(recipient: CampaignRecipient): Record<string, unknown> {
  return { ...keys.campaignRecipient(recipient.tenantId, recipient.campaignId, recipient.customerId), type: 'CampaignRecipient', ...recipient };
}

export function recipientFromItem(item: Record<string, unknown>): CampaignRecipient {
  const { pk: _pk, sk: _sk, type: _type, ...rest } = item;
  return rest as unknown as CampaignRecipient;
}

/** Writes a frozen recipient unless one exists already (a second dispatcher run or a redone step changes nothing). */
export async function freezeRecipient(recipient: CampaignRecipient): Promise<'created' | 'exists'> {
  try {
    await documentClient.send(
      new PutCommand({ TableName: env.tableName(), Item: recipientItem(recipient), ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return 'created';
  } catch (error) {
    if (isConditionFailure(error)) return 'exists';
    throw error;
  }
}

export async function getRecipient(tenantId: string, campaignId: string, customerId: string): Promise<CampaignRecipient | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: env.tableName(), Key: keys.campaignRecipient(tenantId, campaignId, customerId), ConsistentRead: true }),
  );
  return Item ? recipientFromItem(Item) : undefined;
}

export interface RecipientRef {
  readonly tenantId: string;
  readonly campaignId: string;
  readonly customerId: string;
}

export interface Transition {
  /** The statuses the recipient may be in for the change to apply. */
  readonly from: readonly RecipientStatus[];
  /** When leaving `sending`: only the claim taken at this time (a claim released and taken again is another claim). */
  readonly claimedAt?: string;
  readonly to: RecipientStatus;
  readonly set?: Readonly<Record<string, unknown>>;
  readonly remove?: readonly string[];
  /** Adds 1 to `attempts` (a claim). */
  readonly countAttempt?: boolean;
}

/** Applies a transition; false when the recipient was not in a `from` status (someone else moved it first). */
export async function transitionRecipient(ref: RecipientRef, transition: Transition): Promise<boolean> {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':to': transition.to };
  const sets = ['#status = :to'];
  Object.entries(transition.set ?? {}).forEach(([name, value], index) => {
    names[`#s${index}`] = name;
    values[`:s${index}`] = value;
    sets.push(`#s${index} = :s${index}`);
  });
  const fromList = transition.from.map((status, index) => {
    values[`:from${index}`] = status;
    return `:from${index}`;
  });
  const conditions = [`#status IN (${fromList.join(', ')})`];
  if (transition.claimedAt !== undefined) {
    names['#claimedAt'] = 'claimedAt';
    values[':claimedAt'] = transition.claimedAt;
    conditions.push('#claimedAt = :claimedAt');
  }
  const removes = (transition.remove ?? []).map((name, index) => {
    names[`#r${index}`] = name;
    return `#r${index}`;
  });
  let expression = `SET ${sets.join(', ')}`;
  if (removes.length > 0) expression += ` REMOVE ${removes.join(', ')}`;
  if (transition.countAttempt) {
    names['#attempts'] = 'attempts';
    values[':one'] = 1;
    expression += ' ADD #attempts :one';
  }
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: env.tableName(),
        Key: keys.campaignRecipient(ref.tenantId, ref.campaignId, ref.customerId),
        UpdateExpression: expression,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export interface RecipientPage {
  readonly recipients: CampaignRecipient[];
  /** Customer id to continue after; undefined at the shard's end. */
  readonly after: string | undefined;
  readonly readUnits: number;
}

/**
 * One page of a recipient shard, in customer id order. `status` filters (the read still pays for every item it
 * passes over, which at ~250 bytes an item is about 1/16 of a read unit each).
 */
export async function readRecipientShard(
  ref: { tenantId: string; campaignId: string },
  shard: number,
  options: { after?: string | undefined; limit?: number; status?: RecipientStatus; consistent?: boolean } = {},
): Promise<RecipientPage> {
  const { pk } = keys.campaignRecipientShard(ref.tenantId, ref.campaignId, shard);
  const result = await documentClient.send(
    new QueryCommand({
      TableName: env.tableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk, ...(options.status ? { ':status': options.status } : {}) },
      ...(options.status ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } } : {}),
      ...(options.after !== undefined ? { ExclusiveStartKey: { pk, sk: options.after } } : {}),
      ...(options.limit !== undefined ? { Limit: options.limit } : {}),
      ...(options.consistent ? { ConsistentRead: true } : {}),
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  const last = result.LastEvaluatedKey?.sk;
  return {
    recipients: (result.Items ?? []).map(recipientFromItem),
    after: typeof last === 'string' ? last : undefined,
    readUnits: result.ConsumedCapacity?.CapacityUnits ?? 0,
  };
}

/** Every recipient of a campaign, shard after shard (the reconciler's walk). */
export async function* allRecipients(ref: { tenantId: string; campaignId: string }): AsyncGenerator<CampaignRecipient> {
  for (let shard = 0; shard < RECIPIENT_SHARDS; shard++) {
    let after: string | undefined;
    do {
      const page = await readRecipientShard(ref, shard, { after, consistent: true });
      yield* page.recipients;
      after = page.after;
    } while (after !== undefined);
  }
}
