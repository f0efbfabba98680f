import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { keys } from '../../shared/store/keys';
import type { RuntimeLog } from './runtime-log';
import type { StackFile } from './stack-file';

export type SeededTenant = Pick<StackFile, 'tenantId' | 'apiKeys'>;
export type SeedTenant = (options: { anchor: Date; stage: string; log: RuntimeLog }) => Promise<SeededTenant>;

/** The demo tenant of local/seed, imported only when needed (and after process.env is complete). */
export const seedDemoTenantWithStats: SeedTenant = async ({ anchor, stage, log }) => {
  const { seedDemoTenant } = await import('../seed/seed-demo-tenant');
  return seedDemoTenant({
    anchor,
    stage,
    onStats: (stats) =>
      log(
        `[stack] seeded the demo tenant: ${stats.customers} customers, ${stats.items} items ` +
          `(generated in ${stats.generateMs} ms, written in ${stats.writeMs} ms)`,
      ),
  });
};

async function tenantExists(client: DynamoDBClient, tableName: string, tenantId: string): Promise<boolean> {
  const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: marshall(keys.tenant(tenantId)) }));
  return Item !== undefined;
}

/**
 * The tenant stack.json hands out: the previous start's, when its file names this table and the tenant is still in
 * it (its keys are only in that file), otherwise a freshly seeded one (first start, or after `npm run reset`).
 */
export async function tenantForStack(options: {
  previous: StackFile | undefined;
  client: DynamoDBClient;
  tableName: string;
  seed: SeedTenant;
  anchor: Date;
  stage: string;
  log: RuntimeLog;
}): Promise<SeededTenant> {
  const { previous } = options;
  if (previous?.tableName === options.tableName && (await tenantExists(options.client, options.tableName, previous.tenantId))) {
    return { tenantId: previous.tenantId, apiKeys: previous.apiKeys };
  }
  return options.seed({ anchor: options.anchor, stage: options.stage, log: options.log });
}
