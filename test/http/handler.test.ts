import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineRoute } from '../../shared/http/contract';
import { httpHandler, implement } from '../../shared/http/handler';
import { problems } from '../../shared/http/problem';
import { apiEvent, callRoute } from '../support/http';

const principal = { tenantId: 't1', staffId: 's1', role: 'salesperson' as const };

const createThing = defineRoute({
  id: 'createThing',
  method: 'POST',
  path: '/v1/things',
  summary: 'Create a thing',
  tag: 'Test',
  auth: 'staff',
  writers: 'customers',
  action: 'create things',
  body: z.object({ name: z.string().min(1), lines: z.array(z.object({ amount: z.number().int() })) }),
  bodyLimitBytes: 200,
  responses: { 201: { description: 'Created' } },
});
const changeSettings = defineRoute({
  id: 'changeSettings',
  method: 'PATCH',
  path: '/v1/settings',
  summary: 'Change settings',
  tag: 'Test',
  auth: 'staff',
  writers: 'settings',
  action: 'change tenant settings',
  body: z.object({}),
  responses: { 200: { description: 'OK' } },
});
const listThings = defineRoute({
  id: 'listThings',
  method: 'GET',
  path: '/v1/things',
  summary: 'List',
  tag: 'Test',
  auth: 'staff',
  query: z.object({ limit: z.coerce.number().int().max(100).default(25) }),
  responses: { 200: { description: 'OK' } },
});
const explode = defineRoute({ id: 'explode', method: 'GET', path: '/v1/explode', summary: 'Fails', tag: 'Test', auth: 'public', responses: {} });

const handler = httpHandler([
  implement(createThing, async (req, who) => ({ status: 201, body: { name: req.body.name, by: who.staffId } })),
  implement(changeSettings, async () => ({ status: 200, body: {} })),
  implement(listThings, async (req) => ({ status: 200, body: { limit: req.query.limit } })),
  implement(explode, async () => {
    throw new Error('secret internals at /var/task/index.js:1');
  }),
]);

const post = (body: unknown, extra: Partial<Parameters<typeof apiEvent>[0]> = {}) =>
  apiEvent({ method: 'POST', path: '/v1/things', body, principal, ...extra });

describe('httpHandler', () => {
  it('parses the body with the contract and passes the principal', async () => {
    const res = await callRoute(handler, post({ name: 'Ring', lines: [] }));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ name: 'Ring', by: 's1' });
  });

  it('answers 400 problem+json with every field path', async () => {
    const res = await callRoute(handler, post({ name: '', lines: [{ amount: 'x' }] }));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.lines[0].amount', 'body.name']);
  });

  it('answers 400 for malformed JSON and for wrong query types', async () => {
    const bad = await callRoute(handler, post('{"name": '));
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('body');
    const query = await callRoute(handler, apiEvent({ method: 'GET', path: '/v1/things', query: { limit: 'lots' }, principal }));
    expect(query.status).toBe(400);
    expect(query.body.errors[0].path).toBe('query.limit');
  });

  it('answers 413 problem+json for a body over the route limit', async () => {
    const res = await callRoute(handler, post({ name: 'x'.repeat(500), lines: [] }));
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toBe('application/problem+json');
  });

  it('answers 415 for a content type the route does not accept', async () => {
    const res = await callRoute(handler, post('a,b', { headers: { 'content-type': 'text/csv' } }));
    expect(res.status).toBe(415);
  });

  it('refuses a write by a role that may not, naming who can', async () => {
    const res = await callRoute(handler, apiEvent({ method: 'PATCH', path: '/v1/settings', body: {}, principal }));
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe('Only owner or manager can change tenant settings.');
  });

  it('answers 401 when the authorizer context is missing', async () => {
    const res = await callRoute(handler, apiEvent({ method: 'GET', path: '/v1/things' }));
    expect(res.status).toBe(401);
  });

  it('never leaks a stack trace: an unexpected error is a generic 500', async () => {
    const res = await callRoute(handler, apiEvent({ method: 'GET', path: '/v1/explode' }));
    expect(res.status).toBe(500);
    expect(res.text).not.toContain('/var/task');
    expect(res.text).not.toContain('secret');
  });

  it('maps ProblemError thrown by the core', async () => {
    const h = httpHandler([
      implement(listThings, async () => {
        throw problems.conflict('Cannot delete a segment in use by a campaign');
      }),
    ]);
    const res = await callRoute(h, apiEvent({ method: 'GET', path: '/v1/things', principal }));
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ title: 'Conflict', detail: 'Cannot delete a segment in use by a campaign', status: 409 });
  });
});
