/**
 * Calls the tenant API the way API Gateway does: the authorizer resolves the Bearer key first and its context becomes
 * the principal of the request, so these tests exercise the keys themselves, not hand-made principals.
 */
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { handler as authorizer } from '../../functions/auth/authorizer';
import { handler as tenantApi } from '../../functions/http/tenant';
import type { Principal } from '../../shared/auth/roles';
import { type CallResult, callRouteKey, type RouteCallOptions } from '../support/http';

export function authorizerEvent(authorization: string | undefined): APIGatewayRequestAuthorizerEventV2 {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: 'arn:aws:execute-api:us-east-1:123456789012:api/$default/GET/v1/staff',
    identitySource: authorization === undefined ? [] : [authorization],
    routeKey: 'GET /v1/staff',
    rawPath: '/v1/staff',
    rawQueryString: '',
    cookies: [],
    headers: authorization === undefined ? {} : { authorization },
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method: 'GET', path: '/v1/staff', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'req-1',
      routeKey: 'GET /v1/staff',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
  } as APIGatewayRequestAuthorizerEventV2;
}

export async function principalOf(apiKey: string): Promise<Principal> {
  const result = await authorizer(authorizerEvent(`Bearer ${apiKey}`));
  if (!result.isAuthorized) throw new Error('the key was refused');
  return result.context as Principal;
}

/** `call(key, 'PATCH /v1/settings', { body })`; path parameters fill the template. */
export async function call<T = any>(apiKey: string, route: string, options: RouteCallOptions = {}): Promise<CallResult<T>> {
  return callRouteKey<T>(tenantApi, await principalOf(apiKey), route, options);
}
