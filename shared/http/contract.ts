import type { z } from 'zod';
import type { WriteArea } from '../auth/roles';

/**
 * An HTTP route as data: method, path, who may call it and the zod schemas of everything that crosses the wire.
 * Contracts import nothing but zod, so the CDK app (routes), the local gateway (routing) and the OpenAPI generator
 * read the same objects the handlers implement.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
}

export interface RouteContract {
  /** OpenAPI operationId; also the handler's dispatch key. */
  readonly id: string;
  readonly method: HttpMethod;
  /** API Gateway path template: `/v1/customers/{customerId}`. */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  /** `staff`: needs a Bearer API key (the Lambda authorizer runs); `public`: no auth (health, docs, unsubscribe). */
  readonly auth: 'staff' | 'public';
  /** Set on writes: only these roles may call the route, others get 403 "Only ... can {action}". */
  readonly writers?: WriteArea;
  /** Completes the 403 message: "Only owner or manager can {action}." */
  readonly action?: string;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** Content types accepted besides JSON; a route accepting text/csv gets the raw text as `rawBody`. */
  readonly accepts?: readonly string[];
  /** Largest body the route accepts (bytes); larger is 413. Default 256 KiB. */
  readonly bodyLimitBytes?: number;
  /** Header names the route reads (documented in OpenAPI), e.g. Idempotency-Key. */
  readonly headers?: readonly { name: string; required: boolean; description: string }[];
  readonly responses: Readonly<Record<number, ResponseSpec>>;
}

export const DEFAULT_BODY_LIMIT = 256 * 1024;

export function defineRoute<const T extends RouteContract>(route: T): T {
  return route;
}

export const routeKey = (route: Pick<RouteContract, 'method' | 'path'>) => `${route.method} ${route.path}`;

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface HttpRequest<R extends RouteContract> {
  params: Out<R['params']>;
  query: Out<R['query']>;
  body: Out<R['body']>;
  /** The raw text for a non-JSON body (e.g. CSV); undefined for JSON. */
  rawBody: string | undefined;
  contentType: string;
  headers: Record<string, string | undefined>;
  requestId: string;
}

export interface HttpResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Send `body` as-is (string) with this content type instead of JSON. */
  contentType?: string;
  /** With `contentType`: `body` is base64 of binary content (images). */
  isBase64Encoded?: boolean;
}
