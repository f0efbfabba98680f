/**
 * Which campaigns still render a template: those that can still send (neither sent nor cancelled) with
 * `content.templateId` naming it. Shaped as a check for the templates' delete guard
 * (../templates/template-references.ts TEMPLATE_REFERENCE_CHECKS), which answers 409 while any is listed.
 * Reads the tenant's campaign list (the lookup index, one partition), so its cost grows with the number of campaigns,
 * not of customers.
 */
import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { env } from '../../config/env';
import { documentClient } from '../../store/dynamo';
import { indexKeys } from '../../store/keys';
import { INDEXES } from '../../store/table-definition';
import type { TemplateReference } from '../templates/template-references';
import type { CampaignStatus } from './state-machine';

export async function campaignsUsingTemplate(tenantId: string, templateId: string): Promise<TemplateReference[]> {
  const found: TemplateReference[] = [];
  const pages = paginateQuery(
    { client: documentClient },
    {
      TableName: env.tableName(),
      IndexName: INDEXES.lookup.indexName,
      KeyConditionExpression: 'gsi2pk = :pk',
      FilterExpression: '#content.#templateId = :templateId AND NOT #status IN (:sent, :cancelled)',
      ExpressionAttributeNames: { '#content': 'content', '#templateId': 'templateId', '#status': 'status', '#name': 'name' },
      ExpressionAttributeValues: {
        ':pk': indexKeys.campaignList(tenantId).gsi2pk,
        ':templateId': templateId,
        ':sent': 'sent' satisfies CampaignStatus,
        ':cancelled': 'cancelled' satisfies CampaignStatus,
      },
      ProjectionExpression: 'campaignId, #name',
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) found.push({ kind: 'campaign', id: String(item.campaignId), name: String(item.name) });
  }
  return found;
}
