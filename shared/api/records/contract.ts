import type { RouteContract } from '../../http/contract';

export const recordRoutes: readonly RouteContract[] = [];
