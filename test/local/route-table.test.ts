import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../functions/manifest';
import { AUTHORIZER_CACHE_TTL } from '../../infra/api';
import { AUTHORIZER_CACHE_TTL_SECONDS } from '../../local/gateway/authorizer';
import { buildRouteTable, matchRoute } from '../../local/gateway/route-table';

const table = buildRouteTable(FUNCTIONS);

describe('route table from the manifest', () => {
  it('routes every contract to its own function, with its path parameters', () => {
    expect(table.length).toBeGreaterThan(10);
    for (const route of table) {
      const values: Record<string, string> = {};
      const path = route.contract.path.replace(/\{(\w+)\+?\}/g, (_, name: string) => (values[name] = `${name}-1`));
      const match = matchRoute(table, route.contract.method, path);
      expect(match?.route.routeKey, path).toBe(route.routeKey);
      expect(match?.route.spec.id).toBe(route.spec.id);
      expect(match?.pathParameters).toEqual(values);
    }
  });

  it('resolves nested customer paths to the most specific route', () => {
    expect(matchRoute(table, 'GET', '/v1/customers')?.route.routeKey).toBe('GET /v1/customers');
    const history = matchRoute(table, 'GET', '/v1/customers/c1/consent/history');
    expect(history?.route.routeKey).toBe('GET /v1/customers/{customerId}/consent/history');
    expect(history?.pathParameters).toEqual({ customerId: 'c1' });
    expect(matchRoute(table, 'GET', '/v1/customers/c1/unknown')).toBeUndefined();
    expect(matchRoute(table, 'GET', '/v1/customers/')).toBeUndefined();
  });

  it('refuses two functions claiming one route, as CDK would', () => {
    const [first] = FUNCTIONS.filter((fn) => fn.trigger.kind === 'http');
    expect(() => buildRouteTable([first!, { ...first!, id: 'copy' }])).toThrow(/declared by both/);
  });

  it('caches authorizer answers exactly as long as the CDK authorizer does', () => {
    expect(AUTHORIZER_CACHE_TTL_SECONDS).toBe(AUTHORIZER_CACHE_TTL.toSeconds());
  });
});
