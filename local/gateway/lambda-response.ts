/** Lambda's synchronous response payload limit; a larger response fails the invocation. */
export const LAMBDA_RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024;

export interface GatewayResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly cookies: readonly string[];
  readonly body: Buffer;
}

export class InvalidLambdaResponse extends Error {
  override name = 'InvalidLambdaResponse';
}

/** API Gateway's own error responses: JSON `{"message": ...}`. */
export function gatewayError(statusCode: number, message: string): GatewayResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from(JSON.stringify({ message })),
  };
}

export const GATEWAY_ERRORS = {
  badRequest: () => gatewayError(400, 'Bad Request'),
  unauthorized: () => gatewayError(401, 'Unauthorized'),
  forbidden: () => gatewayError(403, 'Forbidden'),
  notFound: () => gatewayError(404, 'Not Found'),
  payloadTooLarge: () => gatewayError(413, 'Request Entity Too Large'),
  internal: () => gatewayError(500, 'Internal Server Error'),
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Turns a handler's result into the HTTP response, by payload v2 rules: a result with `statusCode` is a structured
 * response (headers, cookies, body, isBase64Encoded); anything else is a 200 JSON body.
 */
export function gatewayResponseFrom(result: unknown): GatewayResponse {
  const serialized = JSON.stringify(result) ?? '';
  if (Buffer.byteLength(serialized) > LAMBDA_RESPONSE_LIMIT_BYTES) {
    throw new InvalidLambdaResponse('Response payload size exceeded the Lambda limit of 6 MB');
  }
  if (!isRecord(result) || !('statusCode' in result)) {
    const body = typeof result === 'string' ? result : serialized;
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, cookies: [], body: Buffer.from(body) };
  }

  const { statusCode, headers, cookies, body, isBase64Encoded } = result;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new InvalidLambdaResponse(`Invalid statusCode ${JSON.stringify(statusCode)}`);
  }
  const outHeaders: Record<string, string> = {};
  if (headers !== undefined) {
    if (!isRecord(headers)) throw new InvalidLambdaResponse('headers must be an object');
    for (const [name, value] of Object.entries(headers)) outHeaders[name.toLowerCase()] = String(value);
  }
  if (cookies !== undefined && (!Array.isArray(cookies) || cookies.some((c) => typeof c !== 'string'))) {
    throw new InvalidLambdaResponse('cookies must be an array of strings');
  }
  if (body !== undefined && body !== null && typeof body !== 'string') throw new InvalidLambdaResponse('body must be a string');
  const text = typeof body === 'string' ? body : '';
  return {
    statusCode,
    headers: outHeaders,
    cookies: (cookies as string[] | undefined) ?? [],
    body: isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8'),
  };
}
