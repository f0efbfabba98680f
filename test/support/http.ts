/**
 * Builds API Gateway HTTP API (payload v2) events, with the Lambda authorizer's context, and calls handlers with them:
 * handler tests go through exactly the event shape AWS and the local gateway deliver.
 */
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../../shared/auth/roles';
import type { HttpEvent } from '../../shared/http/handler';

export interface ApiEventInput {
  method: string;
  /** Concrete path, e.g. `/v1/customers/abc`. */
  path: string;
  /** Route template, e.g. `GET /v1/customers/{customerId}`; defaults to `${method} ${path}`. */
  routeKey?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  /** Objects are sent as JSON; strings as-is (set content-type yourself for non-JSON). */
  body?: unknown;
  headers?: Record<string, string>;
  principal?: Principal;
}

export function apiEvent(input: ApiEventInput): HttpEvent {
  const headers: Record<string, string> = { ...lower(input.headers ?? {}) };
  let body: string | undefined;
  if (input.body !== undefined) {
    body = typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
    headers['content-type'] ??= 'application/json';
  }
  const rawQueryString = new URLSearchParams(input.query ?? {}).toString();
  const now = new Date();
  return {
    version: '2.0',
    routeKey: input.routeKey ?? `${input.method} ${input.path}`,
    rawPath: input.path,
    rawQueryString,
    headers,
    ...(input.query ? { queryStringParameters: input.query } : {}),
    ...(input.pathParameters ? { pathParameters: input.pathParameters } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method: input.method, path: input.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: randomUUID(),
      routeKey: input.routeKey ?? `${input.method} ${input.path}`,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      authorizer: {
        lambda: input.principal
          ? { tenantId: input.principal.tenantId, staffId: input.principal.staffId, role: input.principal.role }
          : {},
      },
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
  } as HttpEvent;
}

function lower(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

export function lambdaContext(functionName = 'test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface CallResult<T = unknown> {
  status: number;
  headers: Record<string, string>;
  body: T;
  text: string;
}

type HttpHandlerFn = (event: HttpEvent, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** Invokes an HTTP handler and parses a JSON or problem+json body. */
export async function callRoute<T = any>(handler: HttpHandlerFn, event: HttpEvent): Promise<CallResult<T>> {
  const result = await handler(event, lambdaContext());
  const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  const text = result.body ?? '';
  const isJson = (headers['content-type'] ?? '').includes('json');
  return { status: result.statusCode ?? 200, headers, body: (isJson && text ? JSON.parse(text) : text) as T, text };
}

export interface RouteCallOptions {
  /** Fill the route template's `{name}` segments and become the event's path parameters. */
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * `callRouteKey(handler, principal, 'PATCH /v1/customers/{customerId}', { params, body })`: the route key as API Gateway
 * matched it, the concrete path from the template, through the real handler and event shape. An unfilled parameter
 * stays `{name}` in the path, as a client that forgot it would send.
 */
export function callRouteKey<T = any>(
  handler: HttpHandlerFn,
  principal: Principal | undefined,
  routeKey: string,
  options: RouteCallOptions = {},
): Promise<CallResult<T>> {
  const [method, template] = routeKey.split(' ') as [string, string];
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => options.params?.[name] ?? `{${name}}`);
  return callRoute<T>(
    handler,
    apiEvent({
      method,
      path,
      routeKey,
      ...(principal ? { principal } : {}),
      ...(options.params ? { pathParameters: options.params } : {}),
      ...(options.query ? { query: options.query } : {}),
      ...(options.body === undefined ? {} : { body: options.body }),
      ...(options.headers ? { headers: options.headers } : {}),
    }),
  );
}
