import { DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable } from '../../local/dynamo/ensure-table';
import { startLocalDynamo, type LocalDynamo } from '../../local/dynamo/local-dynamo';
import { startTtlSweeper } from '../../local/runtime/ttl-sweeper';
import { silentLog } from '../../local/runtime/runtime-log';

const tableName = 'ttl-test';
const nowMs = Date.parse('2026-11-30T08:00:00Z');
const nowSeconds = nowMs / 1000;
let dynamo: LocalDynamo;
let client: DynamoDBClient;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  await ensureTable(client, tableName);
});
afterAll(async () => {
  client.destroy();
  await dynamo.stop();
});

const put = (sk: string, expiresAt?: number) =>
  client.send(
    new PutItemCommand({
      TableName: tableName,
      Item: { pk: { S: 'P' }, sk: { S: sk }, ...(expiresAt === undefined ? {} : { expiresAt: { N: String(expiresAt) } }) },
    }),
  );

describe('local TTL sweeper', () => {
  it('deletes the items whose expiresAt has passed and nothing else', async () => {
    await put('expired-long-ago', nowSeconds - 86_400);
    await put('expired-just-now', nowSeconds - 1);
    await put('expires-later', nowSeconds + 60);
    await put('never-expires');

    const sweeper = startTtlSweeper({ client, tableName, log: silentLog, now: () => nowMs, intervalMs: 3_600_000 });
    expect(await sweeper.sweep()).toBe(2);
    await sweeper.stop();

    const { Items } = await client.send(new ScanCommand({ TableName: tableName }));
    expect(Items?.map((item) => item.sk?.S).sort()).toEqual(['expires-later', 'never-expires']);
  });
});
