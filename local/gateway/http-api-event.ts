import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { RouteMatch } from './route-table';

/** What the gateway read off the socket, before any API Gateway processing. */
export interface IncomingRequest {
  readonly method: string;
  /** Request target as sent: `/v1/customers?q=ann%20lee`. */
  readonly url: string;
  /** Node's `rawHeaders`: name, value, name, value... with duplicates kept. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly protocol: string;
  readonly localPort: number;
}

export interface ApiIdentity {
  readonly accountId: string;
  readonly apiId: string;
}

/** Splits `/a/b?x=1` into the path as sent and the raw query string (without `?`). */
export function splitTarget(url: string): { rawPathEncoded: string; rawQueryString: string } {
  const question = url.indexOf('?');
  return question === -1
    ? { rawPathEncoded: url, rawQueryString: '' }
    : { rawPathEncoded: url.slice(0, question), rawQueryString: url.slice(question + 1) };
}

/** HTTP APIs hand the body over as text for these media types and base64-encode everything else. */
export function isTextBody(contentType: string | undefined): boolean {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return (
    mediaType.startsWith('text/') ||
    mediaType === 'application/json' ||
    mediaType.endsWith('+json') ||
    mediaType === 'application/xml' ||
    mediaType.endsWith('+xml') ||
    mediaType === 'application/javascript'
  );
}

/** Lower-cased names, duplicate headers joined with commas (payload v2 has no multi-value headers). */
function joinHeaders(rawHeaders: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = rawHeaders[i + 1]!;
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  return headers;
}

function queryParameters(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  const parameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    parameters[name] = parameters[name] === undefined ? value : `${parameters[name]},${value}`;
  }
  return parameters;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** `12/Mar/2020:19:03:58 +0000`, the CLF time API Gateway puts in requestContext.time. */
export function requestTime(at: Date): string {
  return `${pad(at.getUTCDate())}/${MONTHS[at.getUTCMonth()]}/${at.getUTCFullYear()}:${pad(at.getUTCHours())}:${pad(
    at.getUTCMinutes(),
  )}:${pad(at.getUTCSeconds())} +0000`;
}

/** API Gateway request ids look like `JKJaXmPLvHcESHA=`. */
export const newApiRequestId = () => randomBytes(10).toString('base64');

const traceId = (at: Date) => `Root=1-${Math.floor(at.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;

/**
 * The API Gateway HTTP API payload v2 event for a matched request, as AWS builds it: the path decoded in `rawPath` and
 * `requestContext.http.path`, `rawQueryString` as sent, cookies moved out of the headers, forwarding headers added,
 * duplicate headers and query parameters comma-joined, binary bodies base64-encoded. Optional keys are omitted when
 * empty, as AWS omits them.
 */
export function buildHttpApiEvent(options: {
  request: IncomingRequest;
  decodedPath: string;
  match: RouteMatch;
  requestId: string;
  at: Date;
  api: ApiIdentity;
}): APIGatewayProxyEventV2 {
  const { request, match, at } = options;
  const { rawQueryString } = splitTarget(request.url);
  const { cookie, ...headers } = joinHeaders(request.rawHeaders);
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${request.sourceIp}` : request.sourceIp;
  headers['x-forwarded-port'] = String(request.localPort);
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] ??= traceId(at);

  const cookies = (cookie ?? '')
    .split(/[;,]/)
    .map((c) => c.trim())
    .filter((c) => c !== '');
  const query = queryParameters(rawQueryString);
  const hasPathParameters = Object.keys(match.pathParameters).length > 0;
  const host = headers.host ?? 'localhost';
  const textBody = isTextBody(headers['content-type']);

  return {
    version: '2.0',
    routeKey: match.route.routeKey,
    rawPath: options.decodedPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(query ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: options.api.accountId,
      apiId: options.api.apiId,
      domainName: host,
      domainPrefix: host.split('.')[0]!,
      http: {
        method: request.method,
        path: options.decodedPath,
        protocol: request.protocol,
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: options.requestId,
      routeKey: match.route.routeKey,
      stage: '$default',
      time: requestTime(at),
      timeEpoch: at.getTime(),
    },
    ...(request.body.length > 0 ? { body: textBody ? request.body.toString('utf8') : request.body.toString('base64') } : {}),
    ...(hasPathParameters ? { pathParameters: match.pathParameters } : {}),
    isBase64Encoded: request.body.length > 0 && !textBody,
  };
}
