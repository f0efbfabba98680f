import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FunctionSpec } from '../../functions/manifest';
import { defineRoute, type RouteContract } from '../../shared/http/contract';
import { startGateway, type LocalGateway } from '../../local/gateway/gateway-server';
import { createFunctionInvoker, type LambdaHandler } from '../../local/runtime/function-invoker';
import { silentLog } from '../../local/runtime/runtime-log';

type EchoedEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<Record<string, string>>;

const route = (method: RouteContract['method'], path: string, auth: RouteContract['auth']) =>
  defineRoute({ id: `${method} ${path}`, method, path, auth, summary: path, tag: 'Test', responses: { 200: { description: 'ok' } } });

const spec = (id: string, trigger: FunctionSpec['trigger']): FunctionSpec => ({
  id,
  entry: `${id}.ts`,
  description: id,
  timeoutSeconds: 5,
  memoryMb: 128,
  trigger,
  access: { table: 'read' },
});

const FUNCTIONS: FunctionSpec[] = [
  spec('authorizer', { kind: 'authorizer' }),
  spec('echo', {
    kind: 'http',
    routes: [
      route('GET', '/v1/things/{thingId}', 'staff'),
      route('GET', '/v1/things/special', 'staff'),
      route('GET', '/files/{proxy+}', 'public'),
      route('POST', '/upload', 'public'),
      route('GET', '/health', 'public'),
    ],
  }),
  spec('shaped', { kind: 'http', routes: [route('GET', '/shaped/{kind}', 'public')] }),
  spec('sink', { kind: 'http', routes: [route('POST', '/sink', 'public')] }),
];

const authorizerEvents: APIGatewayRequestAuthorizerEventV2[] = [];
let clock = Date.parse('2026-11-30T08:00:00Z');

const HANDLERS: Record<string, LambdaHandler> = {
  authorizer: async (event) => {
    const authorizerEvent = event as APIGatewayRequestAuthorizerEventV2;
    authorizerEvents.push(authorizerEvent);
    const key = authorizerEvent.identitySource[0];
    if (key === 'Bearer boom') throw new Error('table unavailable');
    if (key === 'Bearer malformed') return { allowed: true };
    if (!key?.startsWith('Bearer good')) return { isAuthorized: false };
    return { isAuthorized: true, context: { tenantId: 't-1', staffId: 's-1', role: 'owner' } };
  },
  echo: async (event) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) }),
  sink: async (event) => ({ statusCode: 200, body: String((event as EchoedEvent).body?.length ?? 0) }),
  shaped: async (event) => {
    const kind = (event as EchoedEvent).pathParameters?.kind;
    if (kind === 'throws') throw new Error('handler bug');
    if (kind === 'plain') return { hello: 'world' };
    if (kind === 'bad-status') return { statusCode: 'two hundred' };
    if (kind === 'too-big') return { statusCode: 200, body: 'x'.repeat(6 * 1024 * 1024 + 1) };
    return {
      statusCode: 201,
      headers: { 'content-type': 'image/png', 'x-count': 3 },
      cookies: ['session=abc; HttpOnly', 'theme=dark'],
      body: Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64'),
      isBase64Encoded: true,
    };
  },
};

let gateway: LocalGateway;

beforeAll(async () => {
  const invoker = createFunctionInvoker({
    rootDir: '.',
    stage: 'test',
    identity: { region: 'eu-west-1', accountId: '123456789012' },
    loadHandler: async (fn) => HANDLERS[fn.id]!,
  });
  gateway = await startGateway({
    functions: FUNCTIONS,
    invoker,
    identity: { region: 'eu-west-1', accountId: '123456789012' },
    log: silentLog,
    port: 0,
    now: () => clock,
  });
});
afterAll(() => gateway.stop());
beforeEach(() => {
  authorizerEvents.length = 0;
  clock += 3_600_000; // every test starts with an empty authorizer cache
});

const call = (path: string, init: RequestInit = {}) => fetch(`${gateway.url}${path}`, init);
function rawGet(path: string, rawHeaders: string[]): Promise<{ status: number; body: string; requestId: unknown }> {
  return new Promise((resolve, reject) => {
    const host = new URL(gateway.url).host;
    const request = http.request(`${gateway.url}${path}`, { headers: ['Host', host, ...rawHeaders] }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), requestId: response.headers['apigw-requestid'] }),
      );
    });
    request.on('error', reject);
    request.end();
  });
}
const echoed = async (response: Response) => (await response.json()) as EchoedEvent;

describe('local gateway: payload v2 events', () => {
  it('builds the event API Gateway builds, with the same keys as the AWS sample', async () => {
    // node:http, not fetch: fetch merges duplicate headers itself, and the gateway's joining is what is under test.
    const response = await rawGet('/v1/things/abc%20d%C3%A9f?b=2&a=1&a=x%20y', [
      'Authorization', 'Bearer good-1',
      'X-Custom', 'one',
      'x-custom', 'two',
      'Cookie', 'a=1; b=2',
      'User-Agent', 'curl/8.5.0',
      'Accept', 'application/json',
      'Accept-Encoding', 'gzip, deflate, br',
    ]);
    expect(response.status).toBe(200);
    const event = JSON.parse(response.body) as EchoedEvent;
    expect(response.requestId).toBe(event.requestContext.requestId);

    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /v1/things/{thingId}',
      rawPath: '/v1/things/abc déf',
      rawQueryString: 'b=2&a=1&a=x%20y',
      cookies: ['a=1', 'b=2'],
      queryStringParameters: { b: '2', a: '1,x y' },
      pathParameters: { thingId: 'abc déf' },
      isBase64Encoded: false,
      requestContext: {
        accountId: '123456789012',
        apiId: 'local',
        http: { method: 'GET', path: '/v1/things/abc déf', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'curl/8.5.0' },
        routeKey: 'GET /v1/things/{thingId}',
        stage: '$default',
        time: '30/Nov/2026:09:00:00 +0000',
        timeEpoch: clock,
        authorizer: { lambda: { tenantId: 't-1', staffId: 's-1', role: 'owner' } },
      },
    });
    expect(event.headers).toMatchObject({ 'x-custom': 'one,two', authorization: 'Bearer good-1', 'x-forwarded-for': '127.0.0.1' });
    expect(event.headers.cookie).toBeUndefined();
    expect(event.body).toBeUndefined();

    const sample = JSON.parse(readFileSync('events/api-customers/get-customer.json', 'utf8')) as EchoedEvent;
    expect(Object.keys(event).sort()).toEqual([...Object.keys(sample), 'cookies', 'queryStringParameters'].sort());
    expect(Object.keys(event.requestContext).sort()).toEqual(Object.keys(sample.requestContext).sort());
    expect(Object.keys(event.requestContext.http).sort()).toEqual(Object.keys(sample.requestContext.http).sort());
    expect(Object.keys(sample.headers).filter((name) => !(name in event.headers))).toEqual([]);
  });

  it('omits the optional keys AWS omits on a bare public request', async () => {
    const event = await echoed(await call('/health'));
    expect(event).not.toHaveProperty('cookies');
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('pathParameters');
    expect(event).not.toHaveProperty('body');
    expect(event.requestContext).not.toHaveProperty('authorizer');
    expect(event.rawQueryString).toBe('');
  });

  it('passes JSON bodies as text and binary bodies base64-encoded', async () => {
    const json = await echoed(await call('/upload', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":"é"}' }));
    expect(json).toMatchObject({ body: '{"a":"é"}', isBase64Encoded: false });

    const bytes = Buffer.from([0, 1, 2, 250, 251, 252]);
    const binary = await echoed(await call('/upload', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes }));
    expect(binary.isBase64Encoded).toBe(true);
    expect(Buffer.from(binary.body!, 'base64')).toEqual(bytes);
  });
});

describe('local gateway: routing', () => {
  it('prefers a literal segment over a path variable, and gives greedy variables the rest of the path', async () => {
    expect((await echoed(await call('/v1/things/special', { headers: { authorization: 'Bearer good' } }))).routeKey).toBe(
      'GET /v1/things/special',
    );
    const files = await echoed(await call('/files/a/b/c.txt'));
    expect(files.routeKey).toBe('GET /files/{proxy+}');
    expect(files.pathParameters).toEqual({ proxy: 'a/b/c.txt' });
  });

  it("answers API Gateway's 404 for unknown paths and for a known path under another method", async () => {
    for (const [path, method] of [['/nope', 'GET'], ['/v1/things/x', 'DELETE'], ['/files/', 'GET']] as const) {
      const response = await call(path, { method, headers: { authorization: 'Bearer good' } });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ message: 'Not Found' });
    }
    expect(authorizerEvents).toHaveLength(0);
  });
});

describe('local gateway: authorizer', () => {
  it('answers 401 without calling the authorizer when the Authorization header is missing', async () => {
    const response = await call('/v1/things/x');
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
    expect(authorizerEvents).toHaveLength(0);
  });

  it('answers 403 when the authorizer says isAuthorized: false, and 500 when it fails', async () => {
    const denied = await call('/v1/things/x', { headers: { authorization: 'Bearer wrong' } });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({ message: 'Forbidden' });

    for (const key of ['Bearer boom', 'Bearer malformed']) {
      const failed = await call('/v1/things/x', { headers: { authorization: key } });
      expect(failed.status).toBe(500);
      expect(await failed.json()).toEqual({ message: 'Internal Server Error' });
    }
  });

  it('sends the REQUEST authorizer event (payload 2.0) with the identity source', async () => {
    await call('/v1/things/abc?x=1', { headers: { authorization: 'Bearer good-2' } });
    expect(authorizerEvents[0]).toMatchObject({
      version: '2.0',
      type: 'REQUEST',
      identitySource: ['Bearer good-2'],
      routeKey: 'GET /v1/things/{thingId}',
      routeArn: 'arn:aws:execute-api:eu-west-1:123456789012:local/$default/GET/v1/things/abc',
      rawQueryString: 'x=1',
      pathParameters: { thingId: 'abc' },
      cookies: [],
    });
  });

  it('caches answers per Authorization header for 60 seconds, across routes, denials included', async () => {
    const get = (path: string, key: string) => call(path, { headers: { authorization: key } });
    expect((await get('/v1/things/a', 'Bearer good-a')).status).toBe(200);
    expect((await get('/v1/things/special', 'Bearer good-a')).status).toBe(200);
    expect((await get('/v1/things/a', 'Bearer nope')).status).toBe(403);
    expect((await get('/v1/things/a', 'Bearer nope')).status).toBe(403);
    expect(authorizerEvents.map((e) => e.identitySource[0])).toEqual(['Bearer good-a', 'Bearer nope']);

    clock += 59_000;
    await get('/v1/things/a', 'Bearer good-a');
    expect(authorizerEvents).toHaveLength(2);

    clock += 2_000;
    await get('/v1/things/a', 'Bearer good-a');
    expect(authorizerEvents).toHaveLength(3);
  });
});

describe('local gateway: responses and limits', () => {
  it('writes a structured result: status, headers, cookies and a base64 body', async () => {
    const response = await call('/shaped/png');
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('x-count')).toBe('3');
    expect(response.headers.getSetCookie()).toEqual(['session=abc; HttpOnly', 'theme=dark']);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  });

  it('turns a result without statusCode into a 200 JSON response', async () => {
    const response = await call('/shaped/plain');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ hello: 'world' });
  });

  it('answers 500 Internal Server Error for a throwing handler, an invalid result or one over 6 MB', async () => {
    for (const kind of ['throws', 'bad-status', 'too-big']) {
      const response = await call(`/shaped/${kind}`);
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ message: 'Internal Server Error' });
    }
  });

  it('refuses bodies over 10 MB with 413 before any function runs', async () => {
    const response = await call('/upload', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x20),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ message: 'Request Entity Too Large' });

    const atLimit = await call('/sink', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: Buffer.alloc(10 * 1024 * 1024, 0x61) });
    expect(atLimit.status).toBe(200);
    expect(await atLimit.text()).toBe(String(10 * 1024 * 1024));
  });
});
