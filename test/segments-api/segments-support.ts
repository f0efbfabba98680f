/** Helpers for the segments integration tests: call a segments route, build a small book through the real APIs. */
import { DateTime } from 'luxon';
import { handler as customersApi } from '../../functions/http/customers';
import { handler as recordsApi } from '../../functions/http/records';
import { handler as segmentsApi } from '../../functions/http/segments';
import type { Principal, Role } from '../../shared/auth/roles';
import { type CallResult, callRouteKey, type RouteCallOptions } from '../support/http';

export const staff = (tenantId: string, role: Role = 'owner'): Principal => ({ tenantId, staffId: `staff-${role}`, role });

type Handler = typeof segmentsApi;

function call<T>(handler: Handler, principal: Principal, route: string, options: RouteCallOptions): Promise<CallResult<T>> {
  return callRouteKey<T>(handler, principal, route, options);
}

/** `segments(principal, 'GET /v1/segments/{segmentId}/count', { params: { segmentId } })` */
export function segments<T = any>(
  principal: Principal,
  route: string,
  options: { params?: Record<string, string>; query?: Record<string, string>; body?: unknown; headers?: Record<string, string> } = {},
): Promise<CallResult<T>> {
  return call<T>(segmentsApi, principal, route, options);
}

export interface SmallCustomer {
  firstName: string;
  lastName: string;
  city: string;
  customerSince?: string;
  purchases: { daysAgo: number; department: string; amount: number }[];
}

/**
 * A jeweller's small book whose answers are known by heart (tenant time zone Australia/Sydney):
 *  - Bob (Melbourne) is the top spender: the only VIP of six buyers, and high value;
 *  - Alice (Sydney) is high value, but in Sydney;
 *  - Carol (Perth) bought a watch eight months ago: lapsed watch customer; Dan (Perth) lapsed on rings;
 *  - Eve (Sydney) bought a watch last week; Frank (Hobart) a ring last month; Gina (Sydney) is new and never bought.
 */
export const SMALL_BOOK: readonly SmallCustomer[] = [
  { firstName: 'Alice', lastName: 'Archer', city: 'Sydney', purchases: [{ daysAgo: 10, department: 'rings', amount: 600_000 }] },
  { firstName: 'Bob', lastName: 'Baker', city: 'Melbourne', purchases: [{ daysAgo: 20, department: 'diamonds', amount: 700_000 }] },
  { firstName: 'Carol', lastName: 'Carter', city: 'Perth', purchases: [{ daysAgo: 240, department: 'Watches', amount: 150_000 }] },
  { firstName: 'Dan', lastName: 'Dawson', city: 'Perth', purchases: [{ daysAgo: 270, department: 'rings', amount: 90_000 }] },
  { firstName: 'Eve', lastName: 'Evans', city: 'Sydney', purchases: [{ daysAgo: 7, department: 'watches', amount: 200_000 }] },
  { firstName: 'Frank', lastName: 'Fisher', city: 'Hobart', purchases: [{ daysAgo: 40, department: 'rings', amount: 300_000 }, { daysAgo: 400, department: 'rings', amount: 1_000 }] },
  { firstName: 'Gina', lastName: 'Green', city: 'Sydney', customerSince: 'today', purchases: [] },
];

/** Creates the book through the customers and records APIs; returns customer ids by first name. */
export async function createSmallBook(tenantId: string, book: readonly SmallCustomer[] = SMALL_BOOK): Promise<Record<string, string>> {
  const owner = staff(tenantId);
  const today = DateTime.now().setZone('Australia/Sydney');
  const ids: Record<string, string> = {};
  for (const person of book) {
    const created = await call<{ customerId: string }>(customersApi, owner, 'POST /v1/customers', {
      body: {
        firstName: person.firstName,
        lastName: person.lastName,
        address: { city: person.city },
        customerSince: person.customerSince === 'today' ? today.toISODate() : '2019-05-01',
      },
    });
    if (created.status !== 201) throw new Error(`customer not created: ${created.text}`);
    ids[person.firstName] = created.body.customerId;
    for (const purchase of person.purchases) {
      const recorded = await call(recordsApi, owner, 'POST /v1/customers/{customerId}/purchases', {
        params: { customerId: created.body.customerId },
        body: {
          purchasedAt: today.minus({ days: purchase.daysAgo }).set({ hour: 11 }).toUTC().toISO(),
          lines: [{ department: purchase.department, description: 'item', amount: purchase.amount }],
        },
      });
      if (recorded.status !== 201) throw new Error(`purchase not recorded: ${recorded.text}`);
    }
  }
  return ids;
}
