import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { roleSchema } from '../../shared/auth/roles';
import { bearerKey, hashApiKey, looksLikeApiKey } from '../../shared/domain/staff/api-key';
import { resolveApiKey } from '../../shared/domain/staff/staff-repository';
import { logger } from '../../shared/observability/logger';

export interface PrincipalContext {
  tenantId: string;
  staffId: string;
  role: string;
}

export type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<PrincipalContext> | { isAuthorized: false };

const DENY = { isAuthorized: false } as const;

/**
 * HTTP API Lambda REQUEST authorizer (payload 2.0, simple responses). Identity source `$request.header.Authorization`:
 * `Bearer <key>` is hashed and looked up; the answer carries tenant, staff member and role for the handlers.
 *
 * API Gateway caches each answer for the authorizer's TTL (60 s), which is also how long a revoked key keeps working.
 * Nothing is cached here, so the TTL stays the only delay. A table error propagates (the client gets a 500) rather
 * than a deny that would be cached as "this key is invalid".
 */
export async function handler(event: APIGatewayRequestAuthorizerEventV2): Promise<AuthorizerResult> {
  const header = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  const key = bearerKey(header);
  if (!key || !looksLikeApiKey(key)) return DENY;

  const holder = await resolveApiKey(hashApiKey(key));
  const role = roleSchema.safeParse(holder?.role);
  if (!holder || !role.success) {
    logger.info('api key refused', { requestId: event.requestContext.requestId });
    return DENY;
  }
  return { isAuthorized: true, context: { tenantId: holder.tenantId, staffId: holder.staffId, role: role.data } };
}
