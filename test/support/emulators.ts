/**
 * Test harness: real emulators on free ports, speaking the AWS wire protocols (dynalite behind the transaction shim,
 * local-aws-sqs, aws-ses-v2-local), with the table and queues created from the shared definitions.
 *
 * It sets process.env the way Lambda sees it in AWS (TABLE_NAME, QUEUE_URL_*, AWS_ENDPOINT_URL_*), so module-level SDK
 * clients in the code under test resolve these endpoints on their first request. Call it in `beforeAll` before the
 * first request is made; one stack per test file (vitest runs files in separate processes).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import type { QueueId } from '../../shared/config/queues';
import { ensureTable } from '../../local/dynamo/ensure-table';
import { startLocalDynamo } from '../../local/dynamo/local-dynamo';
import { createQueues, queueUrlEnv } from '../../local/queues/create-queues';
import { startLocalSqs } from '../../local/queues/sqs-server';
import { startLocalSes } from '../../local/ses/ses-server';

export interface TestEmulators {
  tableName: string;
  queueUrls: Record<QueueId, string>;
  endpoints: { dynamodb: string; sqs?: string; ses?: string };
  mailViewerUrl?: string;
  stop(): Promise<void>;
}

const REGION = 'us-east-1';

export function setAwsTestCredentials(): void {
  process.env.AWS_REGION = REGION;
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  delete process.env.AWS_PROFILE;
}

export async function startEmulators(options: { sqs?: boolean; ses?: boolean } = {}): Promise<TestEmulators> {
  setAwsTestCredentials();
  const stops: (() => Promise<void>)[] = [];
  const stage = 'test';
  const tableName = `facet-test-${randomUUID().slice(0, 8)}`;

  const dynamo = await startLocalDynamo();
  stops.push(dynamo.stop);
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
  process.env.TABLE_NAME = tableName;
  process.env.STAGE = stage;
  process.env.PUBLIC_API_URL ??= 'http://127.0.0.1:3000';
  const dynamoClient = new DynamoDBClient({ endpoint: dynamo.endpoint, region: REGION });
  await ensureTable(dynamoClient, tableName);
  dynamoClient.destroy();

  let queueUrls = {} as Record<QueueId, string>;
  const endpoints: TestEmulators['endpoints'] = { dynamodb: dynamo.endpoint };
  if (options.sqs) {
    const sqs = await startLocalSqs({ region: REGION });
    stops.push(sqs.stop);
    process.env.AWS_ENDPOINT_URL_SQS = sqs.endpoint;
    endpoints.sqs = sqs.endpoint;
    const client = new SQSClient({ endpoint: sqs.endpoint, region: REGION });
    queueUrls = await createQueues(client, stage);
    client.destroy();
    Object.assign(process.env, queueUrlEnv(queueUrls));
  }

  let mailViewerUrl: string | undefined;
  if (options.ses) {
    const ses = await startLocalSes({});
    stops.push(ses.stop);
    process.env.AWS_ENDPOINT_URL_SESV2 = ses.endpoint;
    endpoints.ses = ses.endpoint;
    mailViewerUrl = ses.mailViewerUrl;
  }

  return {
    tableName,
    queueUrls,
    endpoints,
    ...(mailViewerUrl ? { mailViewerUrl } : {}),
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
