import { keys } from '../../store/keys';
import type { TenantSettings } from './settings';

/**
 * The tenant item: settings plus `activeOwnerKeys`, the number of active keys held by owners. Every owner key written
 * or revoked adjusts that count in the same transaction, and a revocation is conditioned on it staying above zero.
 */
export function tenantItem(tenantId: string, settings: TenantSettings, createdAt: string, activeOwnerKeys: number) {
  return { ...keys.tenant(tenantId), type: 'Tenant', tenantId, settings, activeOwnerKeys, createdAt };
}
