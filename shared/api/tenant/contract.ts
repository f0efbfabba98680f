import type { RouteContract } from '../../http/contract';

export const tenantRoutes: readonly RouteContract[] = [];
