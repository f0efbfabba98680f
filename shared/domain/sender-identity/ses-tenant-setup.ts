/**
 * Each jeweller is an SES tenant (`facet-{stage}-{tenantId}`): every send names it, so one jeweller's bounces and
 * complaints do not spend another's reputation. SES only accepts a send whose tenant is associated with the identity
 * and the configuration set it uses, so the tenant is set up with the stage's configuration set and the platform's
 * identity (the sender until the jeweller's own domain is verified); registering a domain adds that identity.
 *
 * `ensureSesTenant` is idempotent and cheap once done (one read of `keys.sesTenant`); whatever starts a send for a
 * tenant calls it first.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { sesTenantName } from '../../adapters/ses/ses-tenant';
import { env } from '../../config/env';
import { documentClient } from '../../store/dynamo';
import { keys } from '../../store/keys';
import { associateWithSesTenant, configurationSetArn, createSesTenant, identityArn } from './ses-identities';
import { domainOfAddress } from './sending-domain';

/** What the tenant's SES tenant must be associated with; a change (new platform domain) sets it up again. */
function wantedResources(): string[] {
  const configurationSet = env.sesConfigurationSet();
  return [identityArn(domainOfAddress(env.platformFromAddress())), ...(configurationSet ? [configurationSetArn(configurationSet)] : [])];
}

/** The SES tenant's name, after making sure it exists with the stage's shared resources. */
export async function ensureSesTenant(tenantId: string, now: Date = new Date()): Promise<string> {
  const tenantName = sesTenantName(env.stage(), tenantId);
  const resources = wantedResources();
  const { Item } = await documentClient.send(new GetCommand({ TableName: env.tableName(), Key: keys.sesTenant(tenantId) }));
  const done = new Set(Array.isArray(Item?.resources) ? (Item.resources as string[]) : []);
  if (Item?.tenantName === tenantName && resources.every((arn) => done.has(arn))) return tenantName;

  await createSesTenant(tenantName, { tenantId, stage: env.stage() });
  for (const arn of resources) await associateWithSesTenant(tenantName, arn);
  await documentClient.send(
    new PutCommand({
      TableName: env.tableName(),
      Item: { ...keys.sesTenant(tenantId), type: 'SesTenant', tenantId, tenantName, resources, readyAt: now.toISOString() },
    }),
  );
  return tenantName;
}
