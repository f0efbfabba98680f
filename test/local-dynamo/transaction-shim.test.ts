import { GetCommand, PutCommand, QueryCommand, TransactGetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type TestEmulators } from '../support/emulators';

let stack: TestEmulators;
let doc: typeof import('../../shared/store/dynamo').documentClient;
let uow: typeof import('../../shared/store/unit-of-work');

beforeAll(async () => {
  stack = await startEmulators();
  doc = (await import('../../shared/store/dynamo')).documentClient;
  uow = await import('../../shared/store/unit-of-work');
});
afterAll(() => stack.stop());

const get = async (pk: string, sk: string) =>
  (await doc.send(new GetCommand({ TableName: stack.tableName, Key: { pk, sk }, ConsistentRead: true }))).Item;

describe('local TransactWriteItems shim', () => {
  it('writes every item of a transaction', async () => {
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: stack.tableName, Item: { pk: 'a', sk: '1', v: 1 } } },
          { Put: { TableName: stack.tableName, Item: { pk: 'a', sk: '2', v: 2 } } },
        ],
      }),
    );
    expect(await get('a', '1')).toMatchObject({ v: 1 });
    expect(await get('a', '2')).toMatchObject({ v: 2 });
  });

  it('writes nothing when one condition fails, and names the failing item', async () => {
    await doc.send(new PutCommand({ TableName: stack.tableName, Item: { pk: 'b', sk: 'guard', v: 1 } }));
    await doc.send(new PutCommand({ TableName: stack.tableName, Item: { pk: 'b', sk: 'counter', n: 5 } }));
    const attempt = doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Update: { TableName: stack.tableName, Key: { pk: 'b', sk: 'counter' }, UpdateExpression: 'SET n = n + :one', ExpressionAttributeValues: { ':one': 1 } } },
          { Put: { TableName: stack.tableName, Item: { pk: 'b', sk: 'new' } } },
          { Put: { TableName: stack.tableName, Item: { pk: 'b', sk: 'guard', v: 2 }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      }),
    );
    const error = await attempt.catch((e: unknown) => e);
    expect((error as Error).name).toBe('TransactionCanceledException');
    expect(uow.isConditionFailure(error)).toBe(true);
    expect(uow.failedConditionIndexes(error)).toEqual([2]);
    expect(await get('b', 'counter')).toMatchObject({ n: 5 });
    expect(await get('b', 'new')).toBeUndefined();
    expect(await get('b', 'guard')).toMatchObject({ v: 1 });
  });

  it('evaluates ConditionChecks without leaving a trace', async () => {
    await doc.send(new PutCommand({ TableName: stack.tableName, Item: { pk: 'c', sk: 'status', state: 'open' } }));
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { ConditionCheck: { TableName: stack.tableName, Key: { pk: 'c', sk: 'status' }, ConditionExpression: '#s = :open', ExpressionAttributeNames: { '#s': 'state' }, ExpressionAttributeValues: { ':open': 'open' } } },
          { ConditionCheck: { TableName: stack.tableName, Key: { pk: 'c', sk: 'absent' }, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Put: { TableName: stack.tableName, Item: { pk: 'c', sk: 'child' } } },
        ],
      }),
    );
    expect(await get('c', 'child')).toBeDefined();
    expect(await get('c', 'absent')).toBeUndefined();
    expect(await get('c', 'status')).toEqual({ pk: 'c', sk: 'status', state: 'open' });

    const failed = await doc
      .send(
        new TransactWriteCommand({
          TransactItems: [
            { ConditionCheck: { TableName: stack.tableName, Key: { pk: 'c', sk: 'status' }, ConditionExpression: '#s = :closed', ExpressionAttributeNames: { '#s': 'state' }, ExpressionAttributeValues: { ':closed': 'closed' } } },
            { Put: { TableName: stack.tableName, Item: { pk: 'c', sk: 'child2' } } },
          ],
        }),
      )
      .catch((e: unknown) => e);
    expect(uow.failedConditionIndexes(failed)).toEqual([0]);
    expect(await get('c', 'child2')).toBeUndefined();
  });

  it('rejects two operations on one item, as DynamoDB does', async () => {
    const error = await doc
      .send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: stack.tableName, Item: { pk: 'd', sk: '1' } } },
            { Delete: { TableName: stack.tableName, Key: { pk: 'd', sk: '1' } } },
          ],
        }),
      )
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe('ValidationException');
  });

  it('serialises competing transactions: of 20 racing version-guarded updates, exactly one per version wins', async () => {
    await doc.send(new PutCommand({ TableName: stack.tableName, Item: { pk: 'e', sk: 'item', version: 1, total: 0 } }));
    const attempts = Array.from({ length: 20 }, (_, i) =>
      doc
        .send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: stack.tableName,
                  Key: { pk: 'e', sk: 'item' },
                  UpdateExpression: 'SET version = :next, #total = #total + :n',
                  ConditionExpression: 'version = :v',
                  ExpressionAttributeNames: { '#total': 'total' },
                  ExpressionAttributeValues: { ':v': 1, ':next': 2, ':n': 1 },
                },
              },
              { Put: { TableName: stack.tableName, Item: { pk: 'e', sk: `child#${i}` } } },
            ],
          }),
        )
        .then(() => 'won' as const, () => 'lost' as const),
    );
    const outcomes = await Promise.all(attempts);
    expect(outcomes.filter((o) => o === 'won')).toHaveLength(1);
    expect(await get('e', 'item')).toMatchObject({ version: 2, total: 1 });
    const children = await doc.send(
      new QueryCommand({ TableName: stack.tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)', ExpressionAttributeValues: { ':pk': 'e', ':c': 'child#' } }),
    );
    expect(children.Items).toHaveLength(1);
  });

  it('answers TransactGetItems', async () => {
    const res = await doc.send(
      new TransactGetCommand({
        TransactItems: [
          { Get: { TableName: stack.tableName, Key: { pk: 'a', sk: '1' } } },
          { Get: { TableName: stack.tableName, Key: { pk: 'a', sk: 'missing' } } },
        ],
      }),
    );
    expect(res.Responses?.[0]?.Item).toMatchObject({ v: 1 });
    expect(res.Responses?.[1]?.Item).toBeUndefined();
  });
});

describe('UnitOfWork', () => {
  it('commits the change and its outbox event together', async () => {
    const work = new uow.UnitOfWork(undefined);
    work.put({ pk: 'f', sk: 'thing' });
    const event = work.emit({
      type: 'customer.created',
      tenantId: 't1',
      customerId: 'c1',
      occurredAt: new Date().toISOString(),
      source: 'api',
    });
    await work.commit();
    expect(await get('f', 'thing')).toBeDefined();
    const { keys } = await import('../../shared/store/keys');
    const key = keys.outbox(event.eventId, event.occurredAt);
    expect(await get(key.pk, key.sk)).toMatchObject({ event: { eventId: event.eventId, type: 'customer.created' } });
  });
});
