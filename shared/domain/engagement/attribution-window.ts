import { ProblemError } from '../../http/problem';
import { loadTenantSettings } from '../tenants/tenant-repository';

/**
 * The tenant's attribution window in days (tracking tokens count for it plus 30 days; purchases look back over it),
 * or undefined when the tenant no longer exists: nothing is counted or attributed for it any more.
 */
export async function attributionWindowOf(tenantId: string): Promise<number | undefined> {
  try {
    return (await loadTenantSettings(tenantId)).attributionWindowDays;
  } catch (error) {
    if (error instanceof ProblemError && error.status === 404) return undefined;
    throw error;
  }
}
