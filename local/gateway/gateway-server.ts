import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { FunctionSpec } from '../../functions/manifest';
import type { AwsIdentity } from '../runtime/aws-identity';
import type { FunctionInvoker } from '../runtime/function-invoker';
import { errorMessage, type RuntimeLog } from '../runtime/runtime-log';
import { createAuthorizer, type Authorizer } from './authorizer';
import { buildHttpApiEvent, newApiRequestId, splitTarget, type IncomingRequest } from './http-api-event';
import { GATEWAY_ERRORS, gatewayResponseFrom, type GatewayResponse } from './lambda-response';
import { buildRouteTable, matchRoute, type GatewayRoute } from './route-table';

/** API Gateway's request payload limit. */
export const API_GATEWAY_PAYLOAD_LIMIT_BYTES = 10 * 1024 * 1024;
export const LOCAL_API_ID = 'local';

export interface GatewayOptions {
  functions: readonly FunctionSpec[];
  invoker: FunctionInvoker;
  identity: AwsIdentity;
  log: RuntimeLog;
  /** 0 = a free port. */
  port: number;
  host?: string;
  /** Id of the manifest function that authorizes `auth: 'staff'` routes. */
  authorizerId?: string;
  authorizerCacheTtlSeconds?: number;
  now?: () => number;
  /** Requests wait for this before reaching a handler (the stack binds the port before its environment is complete). */
  whenReady?: Promise<unknown>;
}

export interface LocalGateway {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

type BodyRead = { kind: 'body'; body: Buffer } | { kind: 'too-large' };

/** Reads the whole body; past the limit it keeps draining (so the client gets its 413) but stops buffering. */
function readBody(request: http.IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const declared = Number(request.headers['content-length'] ?? 0);
    let tooLarge = declared > limit;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? { kind: 'too-large' } : { kind: 'body', body: Buffer.concat(chunks) }));
    request.on('error', reject);
  });
}

function decodePath(rawPathEncoded: string): string | undefined {
  try {
    return decodeURIComponent(rawPathEncoded);
  } catch {
    return undefined;
  }
}

function writeResponse(response: http.ServerResponse, result: GatewayResponse, requestId: string): void {
  const headers: http.OutgoingHttpHeaders = {
    ...result.headers,
    'content-length': result.body.length,
    'apigw-requestid': requestId,
  };
  if (result.cookies.length > 0) headers['set-cookie'] = [...result.cookies];
  response.writeHead(result.statusCode, headers);
  response.end(result.body);
}

/**
 * API Gateway (HTTP API) on a laptop: routes requests to the manifest's HTTP functions by their contracts, runs the
 * Lambda authorizer on staff routes (with API Gateway's result cache), invokes the very handler modules CDK deploys with
 * payload v2 events, and answers API Gateway's own errors (401, 403, 404, 413, 500) in its `{"message"}` shape.
 */
export async function startGateway(options: GatewayOptions): Promise<LocalGateway> {
  const table = buildRouteTable(options.functions);
  const now = options.now ?? Date.now;
  const authorizerSpec = options.functions.find((spec) => spec.id === (options.authorizerId ?? 'authorizer'));
  const api = { accountId: options.identity.accountId, apiId: LOCAL_API_ID, region: options.identity.region };
  const authorizer: Authorizer | undefined = authorizerSpec
    ? createAuthorizer({
        api,
        now,
        ...(options.authorizerCacheTtlSeconds === undefined ? {} : { ttlSeconds: options.authorizerCacheTtlSeconds }),
        invoke: async (event) => (await options.invoker.invoke(authorizerSpec, event)).result,
      })
    : undefined;

  type AuthorizationStep = { kind: 'pass'; event: APIGatewayProxyEventV2 } | { kind: 'deny'; response: GatewayResponse };

  /** Staff routes: the authorizer's context lands in `requestContext.authorizer.lambda`, as in AWS. */
  async function authorize(route: GatewayRoute, event: APIGatewayProxyEventV2): Promise<AuthorizationStep> {
    if (route.contract.auth !== 'staff') return { kind: 'pass', event };
    if (!authorizer) throw new Error(`Route ${route.routeKey} needs the authorizer, which the manifest does not declare`);
    const decision = await authorizer.authorize(event);
    if (decision.kind === 'unauthorized') return { kind: 'deny', response: GATEWAY_ERRORS.unauthorized() };
    if (decision.kind === 'forbidden') return { kind: 'deny', response: GATEWAY_ERRORS.forbidden() };
    const requestContext = { ...event.requestContext, authorizer: { lambda: decision.context } };
    return { kind: 'pass', event: { ...event, requestContext } };
  }

  async function respond(incoming: IncomingRequest, requestId: string): Promise<GatewayResponse> {
    const decodedPath = decodePath(splitTarget(incoming.url).rawPathEncoded);
    if (decodedPath === undefined) return GATEWAY_ERRORS.badRequest();
    const match = matchRoute(table, incoming.method, decodedPath);
    if (!match) return GATEWAY_ERRORS.notFound();

    const event = buildHttpApiEvent({ request: incoming, decodedPath, match, requestId, at: new Date(now()), api });
    try {
      const step = await authorize(match.route, event);
      if (step.kind === 'deny') return step.response;
      const { result } = await options.invoker.invoke(match.route.spec, step.event);
      return gatewayResponseFrom(result);
    } catch (error) {
      options.log(`[api] ${match.route.routeKey} (${match.route.spec.id}) failed: ${errorMessage(error)}`);
      return GATEWAY_ERRORS.internal();
    }
  }

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const started = now();
    const requestId = newApiRequestId();
    const method = request.method ?? 'GET';
    const url = request.url ?? '/';
    let result: GatewayResponse;
    try {
      const body = await readBody(request, API_GATEWAY_PAYLOAD_LIMIT_BYTES);
      await options.whenReady;
      result =
        body.kind === 'too-large'
          ? GATEWAY_ERRORS.payloadTooLarge()
          : await respond(
              {
                method,
                url,
                rawHeaders: request.rawHeaders,
                body: body.body,
                sourceIp: (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
                protocol: `HTTP/${request.httpVersion}`,
                localPort: request.socket.localPort ?? 0,
              },
              requestId,
            );
    } catch (error) {
      options.log(`[api] ${method} ${url} failed: ${errorMessage(error)}`);
      result = GATEWAY_ERRORS.internal();
    }
    writeResponse(response, result, requestId);
    options.log(`[api] ${method} ${splitTarget(url).rawPathEncoded} ${result.statusCode} ${now() - started} ms`);
  }

  const server = http.createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host === '0.0.0.0' || !options.host ? '127.0.0.1' : options.host}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
