/**
 * What the send worker reads about a customer just before it sends: the customer item (consent, address and merge
 * fields as of now) and, for a marketing message, how many marketing messages reached them since the frequency window
 * opened.
 *
 * Both live in the customer's partition and the timeline sorts just before the customer item, so a marketing send reads
 * them as one key range (`keys.customerWithTimelineSince`): one request, and for most customers half a read unit where
 * a get and a query cost one. The range also holds the customer's consent history, a few small entries, which is passed
 * over. All reads are eventually consistent: fresh to within a second, which is all a re-check made minutes or hours
 * after the freeze needs.
 */
import { GetCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { env } from '../../config/env';
import { documentClient } from '../../store/dynamo';
import { keys } from '../../store/keys';
import type { CustomerItem } from '../customers/customer-item';
import { countRecentMarketing } from './gates';

export interface SendTimeCustomer {
  readonly customer: CustomerItem | undefined;
  /** Marketing messages the customer got inside the window (0 when no window was asked for). */
  readonly recentMarketingSends: number;
}

/**
 * The customer, and with `frequencyWindow` their marketing messages since `since`, not counting `excludeCampaignId`
 * (a retried send sees its own entry).
 */
export async function readSendTimeCustomer(
  tenantId: string,
  customerId: string,
  frequencyWindow?: { readonly since: Date; readonly excludeCampaignId: string },
): Promise<SendTimeCustomer> {
  if (frequencyWindow === undefined) {
    const { Item } = await documentClient.send(new GetCommand({ TableName: env.tableName(), Key: keys.customer(tenantId, customerId) }));
    return { customer: Item as CustomerItem | undefined, recentMarketingSends: 0 };
  }
  const range = keys.customerWithTimelineSince(tenantId, customerId, frequencyWindow.since.toISOString());
  const timeline: Record<string, unknown>[] = [];
  let customer: CustomerItem | undefined;
  const pages = paginateQuery(
    { client: documentClient },
    {
      TableName: env.tableName(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': range.pk, ':from': range.from, ':to': range.to },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const sk = String(item.sk);
      if (sk === range.to) customer = item as CustomerItem;
      else if (sk.startsWith('COMM#')) timeline.push(item);
    }
  }
  return { customer, recentMarketingSends: countRecentMarketing(timeline, frequencyWindow.since, frequencyWindow.excludeCampaignId) };
}
