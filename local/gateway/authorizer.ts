import type { APIGatewayProxyEventV2, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import type { ApiIdentity } from './http-api-event';

/** The authorizer's identity source, as CDK declares it: `$request.header.Authorization`. */
export const IDENTITY_HEADER = 'authorization';
/** Result cache TTL, as CDK declares it; this is also the longest a revoked key keeps working. */
export const AUTHORIZER_CACHE_TTL_SECONDS = 60;

export type AuthorizerDecision =
  /** No identity source in the request: API Gateway answers 401 without calling the authorizer. */
  | { kind: 'unauthorized' }
  /** The authorizer said `isAuthorized: false`: 403. */
  | { kind: 'forbidden' }
  | { kind: 'allowed'; context: Record<string, unknown> };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A simple-response authorizer must answer `{ isAuthorized: boolean, context? }`; anything else is a 500 in API Gateway. */
function decisionFrom(response: unknown): AuthorizerDecision {
  if (!isRecord(response) || typeof response.isAuthorized !== 'boolean') {
    throw new Error(`Authorizer returned an invalid simple response: ${JSON.stringify(response)}`);
  }
  if (!response.isAuthorized) return { kind: 'forbidden' };
  return { kind: 'allowed', context: isRecord(response.context) ? response.context : {} };
}

/** The REQUEST authorizer event (payload v2) API Gateway sends for a request. */
export function authorizerEvent(request: APIGatewayProxyEventV2, identity: string, api: ApiIdentity & { region: string }): APIGatewayRequestAuthorizerEventV2 {
  const { method } = request.requestContext.http;
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:${api.region}:${api.accountId}:${api.apiId}/${request.requestContext.stage}/${method}${request.rawPath}`,
    identitySource: [identity],
    routeKey: request.routeKey,
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    cookies: request.cookies ?? [],
    headers: request.headers,
    ...(request.queryStringParameters ? { queryStringParameters: request.queryStringParameters } : {}),
    requestContext: request.requestContext,
    pathParameters: request.pathParameters ?? {},
    stageVariables: {},
  };
}

export interface Authorizer {
  authorize(request: APIGatewayProxyEventV2): Promise<AuthorizerDecision>;
}

/**
 * API Gateway's Lambda authorizer step: read the identity source, answer from the result cache (keyed on the
 * identity, shared by all routes, allow and deny alike) or invoke the authorizer and cache its answer for the TTL.
 * A failing authorizer is not cached; the caller turns its error into a 500.
 */
export function createAuthorizer(options: {
  invoke: (event: APIGatewayRequestAuthorizerEventV2) => Promise<unknown>;
  api: ApiIdentity & { region: string };
  ttlSeconds?: number;
  now?: () => number;
}): Authorizer {
  const ttlMs = (options.ttlSeconds ?? AUTHORIZER_CACHE_TTL_SECONDS) * 1000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { decision: AuthorizerDecision; expiresAt: number }>();

  return {
    async authorize(request) {
      const identity = request.headers[IDENTITY_HEADER];
      if (!identity) return { kind: 'unauthorized' };

      const cached = cache.get(identity);
      if (cached && cached.expiresAt > now()) return cached.decision;

      const decision = decisionFrom(await options.invoke(authorizerEvent(request, identity, options.api)));
      if (ttlMs > 0) cache.set(identity, { decision, expiresAt: now() + ttlMs });
      return decision;
    },
  };
}
