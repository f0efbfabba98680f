/**
 * The Idempotency-Key helper on a stand-in sending route (the real routes are tested in their own files), against
 * DynamoDB (dynalite): replays, different bodies, concurrent duplicates, failures, tenancy and the stored record.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../shared/auth/roles';
import { defineRoute } from '../../shared/http/contract';
import { httpHandler, implement } from '../../shared/http/handler';
import { IDEMPOTENCY_WINDOW_SECONDS, idempotencyKeyHeader, withIdempotency } from '../../shared/http/idempotency';
import { problems } from '../../shared/http/problem';
import { documentClient } from '../../shared/store/dynamo';
import { keys } from '../../shared/store/keys';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { apiEvent, callRoute } from '../support/http';

const route = defineRoute({
  id: 'standInSend',
  method: 'POST',
  path: '/v1/things/{thingId}/send',
  summary: 'A stand-in sending route',
  tag: 'Test',
  auth: 'staff',
  params: z.object({ thingId: z.string() }),
  body: z.object({ note: z.string() }).optional(),
  headers: [idempotencyKeyHeader],
  responses: { 202: { description: 'Sent' } },
});

const otherRoute = defineRoute({ ...route, id: 'otherStandInSend', path: '/v1/things/{thingId}/other' });

/** What the stand-in route "sent": one entry per run of its body. */
const sent: { tenantId: string; thingId: string }[] = [];
let gate: Promise<void> | undefined;
let failNext = false;

const send = async (request: { params: { thingId: string } }, principal: Principal) => {
  if (gate) await gate;
  if (failNext) {
    failNext = false;
    throw problems.conflict('Not now', { currentStatus: 'paused' });
  }
  sent.push({ tenantId: principal.tenantId, thingId: request.params.thingId });
  return { status: 202, headers: { location: `/v1/things/${request.params.thingId}` }, body: { sendNumber: sent.length, at: new Date().toISOString() } };
};

const handler = httpHandler([implement(route, withIdempotency(route, send)), implement(otherRoute, withIdempotency(otherRoute, send))]);

const alice: Principal = { tenantId: 'tenant-a', staffId: 'staff-a', role: 'owner' };
const bob: Principal = { tenantId: 'tenant-b', staffId: 'staff-b', role: 'owner' };

function post(principal: Principal, thingId: string, options: { key?: string; body?: unknown; path?: 'send' | 'other' } = {}) {
  const path = options.path ?? 'send';
  return callRoute(
    handler,
    apiEvent({
      method: 'POST',
      path: `/v1/things/${thingId}/${path}`,
      routeKey: `POST /v1/things/{thingId}/${path}`,
      pathParameters: { thingId },
      principal,
      ...(options.body === undefined ? {} : { body: options.body }),
      ...(options.key === undefined ? {} : { headers: { 'Idempotency-Key': options.key } }),
    }),
  );
}

let stack: TestEmulators;
beforeAll(async () => {
  stack = await startEmulators();
});
afterAll(async () => stack?.stop());

describe('withIdempotency', () => {
  it('replays the first answer for a retry with the same key and runs nothing again', async () => {
    const first = await post(alice, 't1', { key: 'key-1', body: { note: 'hello' } });
    const retry = await post(alice, 't1', { key: 'key-1', body: { note: 'hello' } });
    expect(first.status).toBe(202);
    expect(retry.status).toBe(202);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.location).toBe('/v1/things/t1');
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(sent.filter((s) => s.thingId === 't1')).toHaveLength(1);
  });

  it('runs again with a new key, and every time without a key', async () => {
    await post(alice, 't2', { key: 'key-2a' });
    await post(alice, 't2', { key: 'key-2b' });
    await post(alice, 't2');
    await post(alice, 't2');
    expect(sent.filter((s) => s.thingId === 't2')).toHaveLength(4);
  });

  it('refuses the same key with a different body or path with 422, and sends nothing', async () => {
    await post(alice, 't3', { key: 'key-3', body: { note: 'one' } });
    const otherBody = await post(alice, 't3', { key: 'key-3', body: { note: 'two' } });
    const otherThing = await post(alice, 't3-other', { key: 'key-3', body: { note: 'one' } });
    expect(otherBody.status).toBe(422);
    expect(otherBody.headers['content-type']).toBe('application/problem+json');
    expect(otherBody.body.detail).toMatch(/different request/);
    expect(otherThing.status).toBe(422);
    expect(sent.filter((s) => s.thingId.startsWith('t3'))).toHaveLength(1);
  });

  it('keeps two tenants apart: the same key runs once for each', async () => {
    const forAlice = await post(alice, 't4', { key: 'shared-key' });
    const forBob = await post(bob, 't4', { key: 'shared-key' });
    expect(forBob.headers['idempotent-replayed']).toBeUndefined();
    expect(forBob.body.sendNumber).not.toBe(forAlice.body.sendNumber);
    expect(sent.filter((s) => s.thingId === 't4').map((s) => s.tenantId)).toEqual(['tenant-a', 'tenant-b']);
  });

  it('keeps two routes apart', async () => {
    await post(alice, 't5', { key: 'route-key' });
    const other = await post(alice, 't5', { key: 'route-key', path: 'other' });
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(sent.filter((s) => s.thingId === 't5')).toHaveLength(2);
  });

  it('answers 409 to a duplicate while the first request is still running', async () => {
    let release!: () => void;
    gate = new Promise((resolve) => (release = resolve));
    const first = post(alice, 't6', { key: 'slow-key' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const duplicate = await post(alice, 't6', { key: 'slow-key' });
    gate = undefined;
    release();
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.detail).toMatch(/still in progress/);
    expect((await first).status).toBe(202);
    expect(sent.filter((s) => s.thingId === 't6')).toHaveLength(1);
  });

  it('keeps no answer for a request that failed: the retry runs again', async () => {
    failNext = true;
    const failed = await post(alice, 't7', { key: 'fail-key' });
    expect(failed.status).toBe(409);
    expect(failed.body.currentStatus).toBe('paused');
    const retry = await post(alice, 't7', { key: 'fail-key' });
    expect(retry.status).toBe(202);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(sent.filter((s) => s.thingId === 't7')).toHaveLength(1);
  });

  it('refuses a malformed key with 400', async () => {
    const tooLong = await post(alice, 't8', { key: 'x'.repeat(256) });
    const withSpace = await post(alice, 't8', { key: 'two words' });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors[0].path).toBe('headers.Idempotency-Key');
    expect(withSpace.status).toBe(400);
    expect(sent.filter((s) => s.thingId === 't8')).toHaveLength(0);
  });

  it('stores the record under the idempotency partition with a 24-hour TTL in the table TTL attribute', async () => {
    const before = Math.floor(Date.now() / 1000);
    await post(alice, 't9', { key: 'ttl-key' });
    const { Items = [] } = await documentClient.send(
      new QueryCommand({ TableName: stack.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.idempotencyPk } }),
    );
    expect(Items.length).toBeGreaterThan(0);
    for (const item of Items) {
      expect(item.status).toBe('COMPLETED');
      expect(item.expiresAt).toBeGreaterThanOrEqual(before + IDEMPOTENCY_WINDOW_SECONDS - 5);
      expect(item.expiresAt).toBeLessThanOrEqual(before + IDEMPOTENCY_WINDOW_SECONDS + 60);
      // Keys are hashed: neither the tenant nor the client's key appears in the record.
      expect(JSON.stringify(item)).not.toContain('ttl-key');
      expect(JSON.stringify(item)).not.toContain('tenant-a');
    }
    const { Item } = await documentClient.send(new GetCommand({ TableName: stack.tableName, Key: { pk: Items[0]!.pk, sk: Items[0]!.sk } }));
    expect(Item?.in_progress_expiration).toBeGreaterThan(Date.now() - 120_000);
  });
});
