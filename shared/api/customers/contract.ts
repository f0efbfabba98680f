import type { RouteContract } from '../../http/contract';

export const customerRoutes: readonly RouteContract[] = [];
