import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/http/public';
import { FUNCTIONS } from '../../functions/manifest';
import { apiEvent, callRoute } from '../support/http';

const routes = FUNCTIONS.flatMap((fn) => (fn.trigger.kind === 'http' ? fn.trigger.routes : []));

function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refs(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

describe('public routes', () => {
  it('GET /health answers 200 without auth', async () => {
    const res = await callRoute(handler, apiEvent({ method: 'GET', path: '/health' }));
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
  });

  it('serves an OpenAPI 3.1 document with every route and only resolvable $refs', async () => {
    const res = await callRoute(handler, apiEvent({ method: 'GET', path: '/v1/openapi.json', headers: { host: 'localhost:3000' } }));
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers[0].url).toBe('http://localhost:3000');
    for (const route of routes) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(op.operationId).toBe(route.id);
      if (route.auth === 'staff') expect(op.responses['401']).toBeDefined();
    }
    const ids = new Set(routes.map((r) => r.id));
    expect(ids.size).toBe(routes.length);
    for (const ref of refs(doc)) {
      expect(ref.startsWith('#/components/schemas/')).toBe(true);
      expect(doc.components.schemas[ref.slice('#/components/schemas/'.length)], ref).toBeDefined();
    }
  });

  it('serves the docs page and its assets from the swagger-ui-dist package', async () => {
    const page = await callRoute(handler, apiEvent({ method: 'GET', path: '/docs' }));
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const asset = await callRoute(
      handler,
      apiEvent({ method: 'GET', path: '/docs/swagger-ui-bundle.js', routeKey: 'GET /docs/{asset}', pathParameters: { asset: 'swagger-ui-bundle.js' } }),
    );
    expect(asset.status).toBe(200);
    expect(asset.text.length).toBeGreaterThan(100_000);
    const missing = await callRoute(
      handler,
      apiEvent({ method: 'GET', path: '/docs/../../etc/passwd', routeKey: 'GET /docs/{asset}', pathParameters: { asset: '../../etc/passwd' } }),
    );
    expect(missing.status).toBe(404);
  });
});
