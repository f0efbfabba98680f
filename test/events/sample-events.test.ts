import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS, type FunctionSpec } from '../../functions/manifest';
import { ROLES } from '../../shared/auth/roles';
import { QUEUES, type QueueId } from '../../shared/config/queues';
import { dispatchInputSchema } from '../../shared/domain/campaigns/campaign-schedule';
import { importChunkMessageSchema } from '../../shared/domain/imports/import-message';
import { dispatchMessageSchema, sendJobSchema } from '../../shared/domain/sending/messages';
import { segmentJobMessageSchema } from '../../shared/domain/segments/segment-jobs';
import { domainEventSchema } from '../../shared/events/domain-events';
import { outboxSweepInputSchema } from '../../shared/events/outbox-sweep';
import type { RouteContract } from '../../shared/http/contract';
import { retarget, sampleRole } from '../../scripts/invoke';
import { lambdaContext } from '../support/http';
import { authorizerRequestEventSchema, httpApiEventSchema, sesEventBridgeEventSchema, sqsEventSchema, type HttpApiEvent } from './sample-event-shapes';

const EVENTS_DIR = fileURLToPath(new URL('../../events', import.meta.url));
/** Sample folders that belong to no function of the manifest (none at the moment). */
const NON_FUNCTION_FOLDERS: Record<string, (event: unknown) => unknown> = {};
/** Message schemas of the queues whose producers and consumers are in place; others are checked for shape only. */
const QUEUE_MESSAGE_SCHEMAS: Record<string, { parse(value: unknown): unknown } | undefined> = {
  imports: importChunkMessageSchema,
  domainEvents: domainEventSchema,
  segmentJobs: segmentJobMessageSchema,
  sendDispatch: dispatchMessageSchema,
  sendPriority: sendJobSchema,
  sendBulk: sendJobSchema,
};
/** Input schemas of schedule targets; a target not listed here is only checked to receive a JSON object. */
const SCHEDULE_INPUT_SCHEMAS: Record<string, { parse(value: unknown): unknown } | undefined> = {
  'outbox-sweeper': outboxSweepInputSchema,
  'campaign-dispatcher': dispatchInputSchema,
};

function samples(folder: string): { name: string; event: unknown }[] {
  const dir = resolve(EVENTS_DIR, folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => ({ name, event: JSON.parse(readFileSync(resolve(dir, name), 'utf8')) as unknown }));
}

const templateRegex = (path: string) => new RegExp(`^${path.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`);

function checkHttpEvent(spec: FunctionSpec, raw: unknown) {
  const event: HttpApiEvent = httpApiEventSchema.parse(raw);
  if (spec.trigger.kind !== 'http') throw new Error('not http');
  const route = spec.trigger.routes.find((r: RouteContract) => `${r.method} ${r.path}` === event.routeKey);
  expect(route, `route ${event.routeKey} belongs to ${spec.id}`).toBeDefined();
  expect(event.requestContext.routeKey).toBe(event.routeKey);
  expect(event.requestContext.http.method).toBe(route!.method);
  expect(event.requestContext.http.path).toBe(event.rawPath);
  const match = templateRegex(route!.path).exec(event.rawPath);
  expect(match, `${event.rawPath} fits ${route!.path}`).not.toBeNull();
  expect(event.pathParameters ?? {}).toEqual({ ...match!.groups });
  expect(new URLSearchParams(event.rawQueryString).toString()).toBe(new URLSearchParams(event.queryStringParameters ?? {}).toString());
  if (route!.params) route!.params.parse(event.pathParameters ?? {});
  if (route!.query) route!.query.parse(event.queryStringParameters ?? {});

  if (route!.auth === 'staff') {
    const principal = event.requestContext.authorizer?.lambda ?? {};
    expect(principal).toEqual({ tenantId: expect.any(String), staffId: expect.any(String), role: expect.toBeOneOf([...ROLES]) });
    expect(event.headers.authorization).toMatch(/^Bearer fct_[A-Za-z0-9_-]{43}$/);
  } else {
    expect(event.requestContext.authorizer).toBeUndefined();
  }

  if (event.body !== undefined) {
    expect(Number(event.headers['content-length'])).toBe(Buffer.byteLength(event.body));
    const mediaType = (event.headers['content-type'] ?? '').split(';')[0];
    if (mediaType === 'application/json') route!.body?.parse(JSON.parse(event.body));
    else expect(route!.accepts).toContain(mediaType);
  }
}

function checkQueueEvent(queue: QueueId, raw: unknown) {
  const event = sqsEventSchema.parse(raw);
  for (const record of event.Records) {
    expect(record.eventSourceARN.endsWith(`:facet-dev-${QUEUES[queue].name}`)).toBe(true);
    QUEUE_MESSAGE_SCHEMAS[queue]?.parse(JSON.parse(record.body));
  }
}

function checkSample(spec: FunctionSpec, event: unknown) {
  switch (spec.trigger.kind) {
    case 'http':
      return checkHttpEvent(spec, event);
    case 'authorizer':
      return authorizerRequestEventSchema.parse(event);
    case 'queue':
      return checkQueueEvent(spec.trigger.queue, event);
    case 'eventbridge':
      return sesEventBridgeEventSchema.parse(event);
    default: {
      // Schedules (recurring, and one-off schedules a function creates as a target): the event is the schedule's input.
      const schema = SCHEDULE_INPUT_SCHEMAS[spec.id];
      if (schema) return schema.parse(event);
      expect(typeof event === 'object' && event !== null && !Array.isArray(event), `${spec.id} input is a JSON object`).toBe(true);
      return event;
    }
  }
}

describe('sample events', () => {
  it('exist for every function of the manifest, and every folder is a function or a known extra', () => {
    const missing = FUNCTIONS.filter((spec) => samples(spec.id).length === 0).map((spec) => `events/${spec.id}/<case>.json`);
    expect(missing, 'every function needs a sample event (see events/README.md)').toEqual([]);
    const folders = readdirSync(EVENTS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    const known = new Set([...FUNCTIONS.map((f) => f.id), ...Object.keys(NON_FUNCTION_FOLDERS)]);
    expect(folders.filter((folder) => !known.has(folder))).toEqual([]);
  });

  for (const spec of FUNCTIONS) {
    for (const { name, event } of samples(spec.id)) {
      it(`${spec.id}/${name} has the shape its trigger delivers`, () => {
        checkSample(spec, event);
      });
    }
  }

  for (const [folder, check] of Object.entries(NON_FUNCTION_FOLDERS)) {
    for (const { name, event } of samples(folder)) {
      it(`${folder}/${name} has the documented shape`, () => {
        check(event);
      });
    }
  }

  it('use reserved example domains for every email address', () => {
    const text = readdirSync(EVENTS_DIR, { recursive: true, encoding: 'utf8' })
      .filter((path) => path.endsWith('.json'))
      .map((path) => readFileSync(resolve(EVENTS_DIR, path), 'utf8'))
      .join('\n');
    const addresses = text.match(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g) ?? [];
    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses.filter((address) => !/@([\w-]+\.)*example\.(com|net|org)$/.test(address))).toEqual([]);
  });
});

describe('invoking handlers with samples', () => {
  it('the public API answers the health and OpenAPI samples, and the document lists the import routes', async () => {
    const { handler } = await import('../../functions/http/public');
    const sample = (name: string) => samples('api-public').find((s) => s.name === name)!.event as Parameters<typeof handler>[0];
    const [health, openapi] = [sample('get-health.json'), sample('get-openapi.json')];
    expect((await handler(health, lambdaContext())).statusCode).toBe(200);
    const document = await handler(openapi, lambdaContext());
    expect(document.statusCode).toBe(200);
    const paths = (JSON.parse(document.body ?? '{}') as { paths: Record<string, Record<string, unknown>> }).paths;
    expect(Object.keys(paths['/v1/imports'] ?? {})).toContain('post');
    expect(Object.keys(paths['/v1/imports/{importId}'] ?? {})).toContain('get');
  });

  it('the authorizer denies the sample without a key without touching the table', async () => {
    const { handler } = await import('../../functions/auth/authorizer');
    const sample = samples('authorizer').find((s) => s.name === 'no-key.json')!.event;
    expect(await handler(sample as never)).toEqual({ isAuthorized: false });
  });
});

describe('scripts/invoke retargeting', () => {
  it('points a sample at a real caller and path parameter, leaving the file untouched', () => {
    const sample = samples('api-customers').find((s) => s.name === 'get-customer.json')!.event as HttpApiEvent;
    expect(sampleRole(sample)).toBe('owner');
    const principal = { tenantId: 'T-demo', staffId: 'S-demo', role: 'manager' as const };
    const apiKey = `fct_${'k'.repeat(43)}`;
    const out = retarget(sample, { principal, apiKey, pathOverrides: { customerId: 'C-real' } }) as HttpApiEvent;
    expect(out.requestContext.authorizer?.lambda).toEqual(principal);
    expect(out.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(out.pathParameters).toEqual({ customerId: 'C-real' });
    expect(out.rawPath).toBe('/v1/customers/C-real');
    expect(out.requestContext.http.path).toBe('/v1/customers/C-real');
    expect(sample.pathParameters?.customerId).not.toBe('C-real');
    expect(() => retarget(sample, { pathOverrides: { nope: 'x' } })).toThrow(/no path parameter "nope"/);
  });
});
