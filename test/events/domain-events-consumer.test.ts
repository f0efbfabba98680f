import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { lambdaContext } from '../support/http';
import { consumeDomainEvent, PROCESSED_MARKER_TTL_SECONDS } from '../../shared/events/consume';
import type { DomainEvent } from '../../shared/events/domain-events';
import { ReactionRegistry, reactions } from '../../shared/events/reactions';
import { newId } from '../../shared/ids';
import { logger } from '../../shared/observability/logger';
import { documentClient } from '../../shared/store/dynamo';
import { keys } from '../../shared/store/keys';
import { handler } from '../../functions/queue/domain-events';

let stack: TestEmulators;
const runs: string[] = [];
/** Event ids whose reaction throws (until removed from this set). */
const failing = new Set<string>();

beforeAll(async () => {
  logger.setLogLevel('CRITICAL');
  stack = await startEmulators();
  reactions.register({
    name: 'test.repair-ready',
    on: ['repair.status_changed'],
    run: async (event) => {
      if (failing.has(event.eventId)) throw new Error('reaction failed');
      runs.push(event.eventId);
    },
  });
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(() => {
  runs.length = 0;
  failing.clear();
});

function repairReady(overrides: Partial<DomainEvent> = {}): DomainEvent {
  return {
    eventId: newId(),
    type: 'repair.status_changed',
    tenantId: 'tenant-consumer',
    customerId: 'cust-1',
    occurredAt: new Date().toISOString(),
    source: 'api',
    repairId: 'r-1',
    from: 'in_progress',
    to: 'ready',
    ...overrides,
  } as DomainEvent;
}

function sqsEvent(bodies: string[]): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `m-${i}`,
      receiptHandle: `rh-${i}`,
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:facet-test-domain-events',
      awsRegion: 'us-east-1',
    })),
  };
}

describe('domain-events consumer', () => {
  it('reports only the records that failed and handles the rest', async () => {
    const good = repairReady();
    const failingEvent = repairReady();
    failing.add(failingEvent.eventId);
    const result = await handler(
      sqsEvent([JSON.stringify(good), 'not json', JSON.stringify({ type: 'purchase.recorded' }), JSON.stringify(failingEvent)]),
      lambdaContext('domain-events'),
    );
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m-1', 'm-2', 'm-3']);
    expect(runs).toEqual([good.eventId]);
  });

  it('runs a failed event again on redelivery (its marker was released)', async () => {
    const event = repairReady();
    failing.add(event.eventId);
    const first = await handler(sqsEvent([JSON.stringify(event)]), lambdaContext());
    expect(first.batchItemFailures).toHaveLength(1);
    failing.delete(event.eventId);
    const retry = await handler(sqsEvent([JSON.stringify(event)]), lambdaContext());
    expect(retry.batchItemFailures).toEqual([]);
    expect(runs).toEqual([event.eventId]);
  });

  it('dedupes on eventId, across deliveries and within one batch', async () => {
    const event = repairReady();
    const body = JSON.stringify(event);
    const batch = await handler(sqsEvent([body, body, body]), lambdaContext());
    const later = await handler(sqsEvent([body]), lambdaContext());
    expect(batch.batchItemFailures).toEqual([]);
    expect(later.batchItemFailures).toEqual([]);
    expect(runs).toEqual([event.eventId]);
  });

  it('leaves a marker that expires after a few days', async () => {
    const event = repairReady();
    const now = Date.now();
    await consumeDomainEvent(event, { registry: reactions, tableName: stack.tableName, now });
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: stack.tableName, Key: keys.processedEvent(event.eventId), ConsistentRead: true }),
    );
    // The app's own reactions to a repair's status (automations) run too, registered by the consumer's module.
    expect(Item).toMatchObject({ status: 'done', reactions: ['automations', 'test.repair-ready'] });
    expect(Item?.expiresAt).toBe(Math.floor(now / 1000) + PROCESSED_MARKER_TTL_SECONDS);
    expect(PROCESSED_MARKER_TTL_SECONDS).toBeGreaterThanOrEqual(2 * 24 * 3600);
  });

  it('takes over an event whose consumer died mid-way once its lease is over, but not before', async () => {
    const event = repairReady();
    const now = Date.now();
    await documentClient.send(
      new PutCommand({
        TableName: stack.tableName,
        Item: { ...keys.processedEvent(event.eventId), status: 'processing', leaseUntil: now + 5_000, expiresAt: now / 1000 + 3600 },
      }),
    );
    const options = { registry: reactions, tableName: stack.tableName };
    expect(await consumeDomainEvent(event, { ...options, now })).toEqual({ outcome: 'duplicate' });
    expect(await consumeDomainEvent(event, { ...options, now: now + 10_000 })).toEqual({ outcome: 'handled', reactions: 2 });
    expect(runs).toEqual([event.eventId]);
  });

  it('does not run reactions for imported records unless a reaction asks for them', async () => {
    const registry = new ReactionRegistry();
    const seen: string[] = [];
    registry
      .register({ name: 'automation', on: ['repair.status_changed'], run: async () => void seen.push('automation') })
      .register({
        name: 'index',
        on: ['repair.status_changed'],
        includeImported: true,
        run: async () => void seen.push('index'),
      });
    const result = await consumeDomainEvent(repairReady({ source: 'import' }), { registry, tableName: stack.tableName });
    expect(result).toEqual({ outcome: 'handled', reactions: 1 });
    expect(seen).toEqual(['index']);
  });
});

describe('reaction registry', () => {
  it('routes by event type and refuses a second reaction with the same name', () => {
    const registry = new ReactionRegistry();
    registry.register({ name: 'a', on: ['layby.created', 'layby.paid'], run: async () => undefined });
    expect(registry.reactionsFor(repairReady())).toEqual([]);
    const laybyCreated = { ...repairReady(), type: 'layby.created', laybyId: 'l', dueDate: '2025-01-01' } as DomainEvent;
    expect(registry.reactionsFor(laybyCreated).map((r) => r.name)).toEqual(['a']);
    expect(() => registry.register({ name: 'a', on: ['customer.created'], run: async () => undefined })).toThrow(/twice/);
  });
});
