import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { env } from '../../config/env';
import { problems } from '../../http/problem';
import { documentClient } from '../../store/dynamo';
import { keys } from '../../store/keys';
import { tenantSettingsSchema, type TenantSettings } from './settings';

/**
 * Settings change rarely and are read on almost every request ("today" needs the time zone), so each Lambda container
 * keeps them for a short while. A change made through another container shows up here within this delay.
 */
export const SETTINGS_CACHE_MS = 30_000;

const cache = new Map<string, { settings: TenantSettings; until: number }>();

/**
 * The tenant's settings with every default filled in (an item written before a setting existed still gets its
 * default). A tenant that does not exist is a 404: the authorizer only lets known tenants through, so this means it
 * was deleted since.
 */
export async function loadTenantSettings(tenantId: string, now: number = Date.now()): Promise<TenantSettings> {
  const cached = cache.get(tenantId);
  if (cached && cached.until > now) return cached.settings;
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: env.tableName(), Key: keys.tenant(tenantId), ConsistentRead: true }),
  );
  if (!Item) throw problems.notFound('Tenant');
  const settings = tenantSettingsSchema.parse(Item.settings ?? {});
  cache.set(tenantId, { settings, until: now + SETTINGS_CACHE_MS });
  return settings;
}

/** Drops the cached copy after this container changed the settings (and between tests). */
export function forgetTenantSettings(tenantId?: string): void {
  if (tenantId === undefined) cache.clear();
  else cache.delete(tenantId);
}
