import type { RouteContract } from '../../http/contract';

export const importRoutes: readonly RouteContract[] = [];
