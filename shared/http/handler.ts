import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { WRITERS, describeRoles, roleSchema, type Principal } from '../auth/roles';
import { logger } from '../observability/logger';
import { DEFAULT_BODY_LIMIT, routeKey, type HttpRequest, type HttpResult, type RouteContract } from './contract';
import { ProblemError, formatPath, problems, type FieldError } from './problem';

export type AuthorizerContext = { tenantId?: string; staffId?: string; role?: string };
export type HttpEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<AuthorizerContext>;

export type RouteImpl<R extends RouteContract> = R['auth'] extends 'staff'
  ? (request: HttpRequest<R>, principal: Principal) => Promise<HttpResult>
  : (request: HttpRequest<R>) => Promise<HttpResult>;

export interface ImplementedRoute {
  contract: RouteContract;
  run: (request: HttpRequest<RouteContract>, principal: Principal | undefined) => Promise<HttpResult>;
}

/** Pairs a contract with its implementation; the types of params, query and body come from the contract's schemas. */
export function implement<R extends RouteContract>(contract: R, impl: RouteImpl<R>): ImplementedRoute {
  return {
    contract,
    run: (request, principal) =>
      (impl as (r: HttpRequest<RouteContract>, p: Principal | undefined) => Promise<HttpResult>)(request, principal),
  };
}

function zodIssuesToFields(prefix: string, error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: formatPath([prefix, ...issue.path]),
    message: issue.message,
  }));
}

function parsePart<S extends z.ZodType | undefined>(prefix: string, schema: S, value: unknown, errors: FieldError[]) {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) {
    errors.push(...zodIssuesToFields(prefix, result.error));
    return undefined;
  }
  return result.data;
}

function principalFrom(event: HttpEvent): Principal {
  const ctx = event.requestContext.authorizer?.lambda ?? {};
  const role = roleSchema.safeParse(ctx.role);
  if (!ctx.tenantId || !ctx.staffId || !role.success) throw problems.unauthorized();
  return { tenantId: ctx.tenantId, staffId: ctx.staffId, role: role.data };
}

function lowerCaseHeaders(headers: Record<string, string | undefined> | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}

/** Decodes and size-checks the body, then parses JSON (or hands raw text to routes that accept e.g. text/csv). */
function readBody(contract: RouteContract, event: HttpEvent, contentType: string) {
  if (event.body === undefined || event.body === null || event.body === '') return { json: undefined, raw: undefined };
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const limit = contract.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  if (Buffer.byteLength(text, 'utf8') > limit) throw problems.payloadTooLarge(limit);
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  if (mediaType !== '' && mediaType !== 'application/json' && !mediaType.endsWith('+json')) {
    if (contract.accepts?.includes(mediaType)) return { json: undefined, raw: text };
    throw problems.unsupportedMediaType(`Send the body as application/json${contract.accepts ? ` or ${contract.accepts.join(', ')}` : ''}.`);
  }
  try {
    return { json: JSON.parse(text) as unknown, raw: undefined };
  } catch (error) {
    throw problems.validation([{ path: 'body', message: `Malformed JSON: ${(error as Error).message}` }], 'The body is not valid JSON.');
  }
}

function toResponse(result: HttpResult): APIGatewayProxyStructuredResultV2 {
  const headers: Record<string, string> = { ...result.headers };
  if (result.body === undefined) return { statusCode: result.status, headers };
  if (result.contentType) {
    headers['content-type'] = result.contentType;
    return {
      statusCode: result.status,
      headers,
      body: String(result.body),
      ...(result.isBase64Encoded ? { isBase64Encoded: true } : {}),
    };
  }
  headers['content-type'] = 'application/json';
  return { statusCode: result.status, headers, body: JSON.stringify(result.body) };
}

export function problemResponse(error: ProblemError, instance?: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: error.status,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify(error.toBody(instance)),
  };
}

async function dispatch(routes: Map<string, ImplementedRoute>, event: HttpEvent): Promise<HttpResult> {
  const route = routes.get(event.routeKey);
  if (!route) throw problems.notFound(`Route ${event.routeKey}`);
  const { contract } = route;

  let principal: Principal | undefined;
  if (contract.auth === 'staff') {
    principal = principalFrom(event);
    logger.appendKeys({ tenantId: principal.tenantId, staffId: principal.staffId });
    if (contract.writers) {
      const allowed: readonly string[] = WRITERS[contract.writers];
      if (!allowed.includes(principal.role)) {
        throw problems.forbidden(`Only ${describeRoles(WRITERS[contract.writers])} can ${contract.action ?? 'do this'}.`);
      }
    }
  }

  const headers = lowerCaseHeaders(event.headers);
  const contentType = headers['content-type'] ?? '';
  const { json, raw } = contract.body || contract.accepts ? readBody(contract, event, contentType) : { json: undefined, raw: undefined };

  const errors: FieldError[] = [];
  const params = parsePart('path', contract.params, event.pathParameters ?? {}, errors);
  const query = parsePart('query', contract.query, event.queryStringParameters ?? {}, errors);
  const body = raw === undefined ? parsePart('body', contract.body, json, errors) : undefined;
  if (errors.length > 0) throw problems.validation(errors);

  const request = {
    params,
    query,
    body,
    rawBody: raw,
    contentType,
    headers,
    requestId: event.requestContext.requestId,
  } as HttpRequest<RouteContract>;
  return route.run(request, principal);
}

/**
 * Builds the Lambda handler for a group of routes: routing on `routeKey`, role gate, body limits, zod parsing with
 * field paths, and one error boundary that turns everything into problem+json (unknown errors into a logged 500 with
 * no stack trace).
 */
export function httpHandler(implemented: readonly ImplementedRoute[]) {
  const routes = new Map(implemented.map((r) => [routeKey(r.contract), r]));
  const base = async (event: HttpEvent, _context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    logger.appendKeys({ requestId: event.requestContext.requestId, route: event.routeKey });
    try {
      return toResponse(await dispatch(routes, event));
    } catch (error) {
      if (error instanceof ProblemError) {
        if (error.status >= 500) logger.error('request failed', { error });
        return problemResponse(error, event.rawPath);
      }
      logger.error('unhandled error', { error: error as Error });
      return problemResponse(problems.internal(), event.rawPath);
    } finally {
      logger.removeKeys(['tenantId', 'staffId', 'requestId', 'route']);
    }
  };
  return middy(base).use(injectLambdaContext(logger));
}
