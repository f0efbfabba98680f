import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { buildOpenApiDocument } from '../../shared/api/openapi';
import { docsAsset, docsPage, health, openApiDocument } from '../../shared/api/public/contract';
import { httpHandler, implement } from '../../shared/http/handler';
import { problems } from '../../shared/http/problem';
import { FUNCTIONS } from '../manifest';

const API_VERSION = '0.1.0';

const allRoutes = FUNCTIONS.flatMap((fn) => (fn.trigger.kind === 'http' ? fn.trigger.routes : []));
let cachedDocument: ReturnType<typeof buildOpenApiDocument> | undefined;

/**
 * Swagger UI's files come from the swagger-ui-dist package, resolved the same way in both runtimes: from node_modules
 * here, and from the copy the CDK bundling step places next to the function bundle (manifest `bundleNodePackages`).
 */
const DOCS_ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css',
  'swagger-ui-bundle.js': 'application/javascript',
  'favicon-32x32.png': 'image/png',
};
const swaggerDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>Facet API</title>
  <link rel="icon" href="docs/favicon-32x32.png" />
  <link rel="stylesheet" href="docs/swagger-ui.css" />
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="docs/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: 'v1/openapi.json', dom_id: '#swagger-ui', persistAuthorization: true });
  </script>
</body>
</html>`;

export const handler = httpHandler([
  implement(health, async () => ({ status: 200, body: { status: 'ok', time: new Date().toISOString() } })),
  implement(openApiDocument, async (request) => {
    const host = request.headers['host'];
    const proto = request.headers['x-forwarded-proto'] ?? (host?.startsWith('localhost') || host?.startsWith('127.') ? 'http' : 'https');
    cachedDocument ??= buildOpenApiDocument(allRoutes, { version: API_VERSION });
    const document = host ? { ...cachedDocument, servers: [{ url: `${proto}://${host}` }] } : cachedDocument;
    return { status: 200, body: document };
  }),
  implement(docsPage, async () => ({ status: 200, body: DOCS_HTML, contentType: 'text/html; charset=utf-8' })),
  implement(docsAsset, async (request) => {
    const contentType = DOCS_ASSETS[request.params.asset];
    if (!contentType) throw problems.notFound('Asset');
    const file = readFileSync(path.join(swaggerDir, request.params.asset));
    const binary = contentType.startsWith('image/');
    return {
      status: 200,
      body: binary ? file.toString('base64') : file.toString('utf8'),
      contentType,
      isBase64Encoded: binary,
      headers: { 'cache-control': 'public, max-age=86400' },
    };
  }),
]);
