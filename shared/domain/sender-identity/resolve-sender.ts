/**
 * The sender of a tenant's mail right now, for the send pipeline: the tenant's settings and its sending domain's kept
 * status (./sender-choice.ts decides). Read at most every SENDER_CACHE_MS per container and tenant, so a batch of
 * sends costs one read; a domain that becomes verified is used within that time (the identity refresher and
 * `GET /v1/sender-identity` keep the status current).
 */
import { env } from '../../config/env';
import { loadTenantSettings } from '../tenants/tenant-repository';
import type { TenantSettings } from '../tenants/settings';
import { loadSenderIdentity } from './identity-store';
import { chooseSender, type ResolvedSender } from './sender-choice';

export type { ResolvedSender } from './sender-choice';

export const SENDER_CACHE_MS = 60_000;

const cache = new Map<string, { identity: Awaited<ReturnType<typeof loadSenderIdentity>>; readAt: number }>();

/** `settings`: the caller's copy, when it has one (saves a read). */
export async function resolveSender(tenantId: string, settings?: TenantSettings, nowMs: number = Date.now()): Promise<ResolvedSender> {
  const store = settings ?? (await loadTenantSettings(tenantId));
  let cached = cache.get(tenantId);
  if (!cached || nowMs - cached.readAt >= SENDER_CACHE_MS) {
    if (cache.size > 1000) cache.clear();
    cached = { identity: await loadSenderIdentity(tenantId), readAt: nowMs };
    cache.set(tenantId, cached);
  }
  return chooseSender(store, cached.identity, env.platformFromAddress());
}

/** After this container changed a tenant's identity (and in tests). */
export function forgetResolvedSender(tenantId?: string): void {
  if (tenantId === undefined) cache.clear();
  else cache.delete(tenantId);
}
