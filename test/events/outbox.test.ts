import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { lambdaContext } from '../support/http';
import type { DomainEvent, NewDomainEvent } from '../../shared/events/domain-events';
import { documentClient } from '../../shared/store/dynamo';
import { keys } from '../../shared/store/keys';
import { logger } from '../../shared/observability/logger';
import { OUTBOX_SHARDS } from '../../shared/store/table-definition';
import { UnitOfWork, type EventPublisher } from '../../shared/store/unit-of-work';
import { receiveAll, toSqsEvent } from './sqs-messages';
import { recurringScheduleInput } from '../../infra/schedule-input';
import { outboxSweepInputSchema } from '../../shared/events/outbox-sweep';

let stack: TestEmulators;
// Imported after the emulators set process.env: module-level clients resolve their endpoints lazily, but keep it obvious.
let sweep: typeof import('../../shared/events/outbox-sweep');
let publisherModule: typeof import('../../shared/events/publisher');
let reactionsModule: typeof import('../../shared/events/reactions');
let consumer: typeof import('../../functions/queue/domain-events');

const SWEEP_LATER = 31_000;
const reactionRuns: string[] = [];

beforeAll(async () => {
  // The deferred-publish warnings are the scenario under test, not news.
  logger.setLogLevel('ERROR');
  stack = await startEmulators({ sqs: true });
  sweep = await import('../../shared/events/outbox-sweep');
  publisherModule = await import('../../shared/events/publisher');
  reactionsModule = await import('../../shared/events/reactions');
  consumer = await import('../../functions/queue/domain-events');
  reactionsModule.reactions.register({
    name: 'test.count-purchases',
    on: ['purchase.recorded'],
    run: async (event) => {
      reactionRuns.push(event.eventId);
    },
  });
});

afterAll(async () => {
  await stack?.stop();
});

function purchaseRecorded(tenantId = 'tenant-outbox'): NewDomainEvent {
  const now = new Date().toISOString();
  return {
    type: 'purchase.recorded',
    tenantId,
    customerId: 'cust-1',
    occurredAt: now,
    source: 'api',
    purchaseId: 'p-1',
    purchasedAt: now,
    amount: 125_00,
    departments: ['engagement_rings'],
  };
}

/** The process "dies" between the commit and the publish: the publish never reaches SQS. */
const dyingPublisher: EventPublisher = {
  publish: async () => {
    throw new Error('process died before publishing');
  },
};

async function outboxEntry(event: DomainEvent) {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: stack.tableName, Key: keys.outbox(event.eventId, event.occurredAt), ConsistentRead: true }),
  );
  return Item;
}

async function outboxSize(): Promise<number> {
  let total = 0;
  for (let shard = 0; shard < OUTBOX_SHARDS; shard++) {
    const { Count = 0 } = await documentClient.send(
      new QueryCommand({
        TableName: stack.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.outboxShard(shard).pk },
        Select: 'COUNT',
      }),
    );
    total += Count;
  }
  return total;
}

const eventIdsOf = (messages: { Body?: string }[]) => messages.map((m) => (JSON.parse(m.Body ?? '{}') as DomainEvent).eventId);

describe('outbox', () => {
  it('publishes on commit, with type and tenant attributes, and clears the outbox entry', async () => {
    const uow = new UnitOfWork(publisherModule.eventPublisher);
    uow.emit(purchaseRecorded());
    const [event] = await uow.commit();

    const messages = await receiveAll(stack.queueUrls.domainEvents);
    expect(eventIdsOf(messages)).toEqual([event!.eventId]);
    expect(messages[0]!.MessageAttributes?.type?.StringValue).toBe('purchase.recorded');
    expect(messages[0]!.MessageAttributes?.tenantId?.StringValue).toBe('tenant-outbox');
    expect(await outboxEntry(event!)).toBeUndefined();
  });

  it('keeps a committed event whose publish died, and the sweeper publishes it exactly once', async () => {
    const uow = new UnitOfWork(dyingPublisher);
    uow.emit(purchaseRecorded());
    const [event] = await uow.commit();
    expect(await outboxEntry(event!)).toMatchObject({ event: { eventId: event!.eventId } });
    expect(await receiveAll(stack.queueUrls.domainEvents)).toHaveLength(0);

    // Within the grace period the request path may still be publishing: the sweeper leaves the entry alone.
    const early = await sweep.sweepOutbox({ publisher: publisherModule.eventPublisher, tableName: stack.tableName });
    expect(early.due).toBe(0);

    const first = await sweep.sweepOutbox({
      publisher: publisherModule.eventPublisher,
      tableName: stack.tableName,
      now: Date.now() + SWEEP_LATER,
    });
    expect(first).toMatchObject({ due: 1, published: 1, failed: 0 });
    expect(eventIdsOf(await receiveAll(stack.queueUrls.domainEvents))).toEqual([event!.eventId]);
    expect(await outboxEntry(event!)).toBeUndefined();

    const again = await sweep.sweepOutbox({
      publisher: publisherModule.eventPublisher,
      tableName: stack.tableName,
      now: Date.now() + SWEEP_LATER,
    });
    expect(again).toMatchObject({ due: 0, published: 0 });
    expect(await receiveAll(stack.queueUrls.domainEvents)).toHaveLength(0);
  });

  it('also recovers a commit made with no publisher at all', async () => {
    const uow = new UnitOfWork(undefined);
    uow.emit(purchaseRecorded());
    const [event] = await uow.commit();
    const result = await sweep.sweepOutbox({
      publisher: publisherModule.eventPublisher,
      tableName: stack.tableName,
      now: Date.now() + SWEEP_LATER,
    });
    expect(result.published).toBe(1);
    expect(eventIdsOf(await receiveAll(stack.queueUrls.domainEvents))).toEqual([event!.eventId]);
  });

  it('two sweeps running at once publish each stranded event once', async () => {
    const stranded: DomainEvent[] = [];
    for (let i = 0; i < 25; i++) {
      const uow = new UnitOfWork(dyingPublisher);
      uow.emit(purchaseRecorded(`tenant-${i}`));
      stranded.push(...(await uow.commit()));
    }
    const options = { publisher: publisherModule.eventPublisher, tableName: stack.tableName, now: Date.now() + SWEEP_LATER };
    const [a, b] = await Promise.all([sweep.sweepOutbox(options), sweep.sweepOutbox(options)]);
    expect(a.published + b.published).toBe(25);

    const published = eventIdsOf(await receiveAll(stack.queueUrls.domainEvents));
    expect(published.sort()).toEqual(stranded.map((e) => e.eventId).sort());
    expect(await outboxSize()).toBe(0);
  });

  it('publishes again when a good send was followed by a failed delete, and the consumer runs the reaction once', async () => {
    const forgetfulPublisher = publisherModule.sqsEventPublisher({
      removeFromOutbox: async () => {
        throw new Error('DynamoDB unavailable');
      },
    });
    const uow = new UnitOfWork(forgetfulPublisher);
    uow.emit(purchaseRecorded());
    const [event] = await uow.commit();
    const firstDelivery = await receiveAll(stack.queueUrls.domainEvents);
    expect(eventIdsOf(firstDelivery)).toEqual([event!.eventId]);
    expect(await outboxEntry(event!)).toBeDefined();

    const swept = await sweep.sweepOutbox({
      publisher: publisherModule.eventPublisher,
      tableName: stack.tableName,
      now: Date.now() + SWEEP_LATER,
    });
    expect(swept.published).toBe(1);
    const secondDelivery = await receiveAll(stack.queueUrls.domainEvents);
    expect(eventIdsOf(secondDelivery)).toEqual([event!.eventId]);

    reactionRuns.length = 0;
    const context = lambdaContext('domain-events');
    const firstResult = await consumer.handler(toSqsEvent(firstDelivery), context);
    const secondResult = await consumer.handler(toSqsEvent(secondDelivery), context);
    expect(firstResult.batchItemFailures).toEqual([]);
    expect(secondResult.batchItemFailures).toEqual([]);
    expect(reactionRuns).toEqual([event!.eventId]);
  });

  it('the scheduled handler sweeps with the schedule input', async () => {
    const uow = new UnitOfWork(dyingPublisher);
    uow.emit(purchaseRecorded());
    const [event] = await uow.commit();
    const { handler } = await import('../../functions/schedule/outbox-sweeper');
    // What the app's recurring schedule sends (the <aws.scheduler.*> keywords are filled in by Scheduler per firing).
    const input = { ...(JSON.parse(recurringScheduleInput('outbox-sweeper')) as object), minAgeSeconds: 0 };
    expect(outboxSweepInputSchema.safeParse(input).success).toBe(true);
    const result = await handler(input);
    expect(result.published).toBeGreaterThanOrEqual(1);
    expect(eventIdsOf(await receiveAll(stack.queueUrls.domainEvents))).toContain(event!.eventId);
  });
});
