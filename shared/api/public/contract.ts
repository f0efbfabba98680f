import { z } from 'zod';
import { defineRoute } from '../../http/contract';

export const health = defineRoute({
  id: 'getHealth',
  method: 'GET',
  path: '/health',
  summary: 'Liveness check (no auth)',
  tag: 'System',
  auth: 'public',
  responses: { 200: { description: 'The API is up', schema: z.object({ status: z.literal('ok'), time: z.string() }) } },
});

export const openApiDocument = defineRoute({
  id: 'getOpenApi',
  method: 'GET',
  path: '/v1/openapi.json',
  summary: 'This API as an OpenAPI 3.1 document, generated from the zod contracts',
  tag: 'System',
  auth: 'public',
  responses: { 200: { description: 'OpenAPI 3.1 document', schema: z.record(z.string(), z.unknown()) } },
});

export const docsPage = defineRoute({
  id: 'getDocs',
  method: 'GET',
  path: '/docs',
  summary: 'Interactive API documentation (Swagger UI, served from the bundle)',
  tag: 'System',
  auth: 'public',
  responses: { 200: { description: 'HTML page', contentType: 'text/html' } },
});

export const docsAsset = defineRoute({
  id: 'getDocsAsset',
  method: 'GET',
  path: '/docs/{asset}',
  summary: 'Static asset of the docs page',
  tag: 'System',
  auth: 'public',
  params: z.object({ asset: z.string() }),
  responses: { 200: { description: 'Asset' } },
});

export const publicRoutes = [health, openApiDocument, docsPage, docsAsset] as const;
