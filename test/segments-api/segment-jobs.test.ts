import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { handler as segmentJobsConsumer } from '../../functions/queue/segment-jobs';
import { sqsEvent } from '../../local/queues/sqs-event';
import { dynamoBookReader } from '../../shared/domain/segments/book-reader';
import { dynamoPurchaseReader, emptyPurchaseReadStats } from '../../shared/domain/segments/purchase-reader';
import { runSegmentJobStep, type StepOutcome } from '../../shared/domain/segments/segment-job-runner';
import { getSegmentJob, type SegmentJobMessage } from '../../shared/domain/segments/segment-jobs';
import { rememberJobResult } from '../../shared/domain/segments/segment-service';
import { createTenant } from '../../shared/domain/tenants/tenant-repository';
import { logger } from '../../shared/observability/logger';
import { documentClient } from '../../shared/store/dynamo';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { lambdaContext } from '../support/http';
import { createSmallBook, segments, staff } from './segments-support';

let stack: TestEmulators;
let tenantId: string;
let ids: Record<string, string>;

beforeAll(async () => {
  logger.setLogLevel('ERROR');
  stack = await startEmulators({ sqs: true });
  tenantId = (await createTenant({ name: 'Jobs Jeweller', timeZone: 'Australia/Sydney', currency: 'AUD', owner: { name: 'O', email: 'o@example.com' } })).tenantId;
  ids = await createSmallBook(tenantId);
}, 120_000);

afterEach(() => {
  delete process.env.SYNC_COUNT_MAX_CUSTOMERS;
  delete process.env.SEGMENT_SYNC_DEADLINE_MS;
});

afterAll(async () => stack?.stop());

const owner = () => staff(tenantId);

/** Delivers the segment-jobs queue to its consumer the way the event source mapping does, until it is empty. */
async function drainSegmentJobs(): Promise<number> {
  const sqs = new SQSClient({});
  let delivered = 0;
  for (;;) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: stack.queueUrls.segmentJobs, MaxNumberOfMessages: 1, AttributeNames: ['All'], MessageAttributeNames: ['All'] }),
    );
    if (!Messages || Messages.length === 0) return delivered;
    const result = await segmentJobsConsumer(sqsEvent(Messages, { queueArn: 'arn:aws:sqs:us-east-1:000000000000:segment-jobs', region: 'us-east-1' }), lambdaContext('segment-jobs'));
    expect(result.batchItemFailures).toEqual([]);
    for (const message of Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: stack.queueUrls.segmentJobs, ReceiptHandle: message.ReceiptHandle }));
    delivered += Messages.length;
  }
}

/** Starts a job through the API by making the synchronous path give up at once. */
async function startJob(route: string, options: { params?: Record<string, string>; body?: unknown; query?: Record<string, string> }): Promise<string> {
  process.env.SEGMENT_SYNC_DEADLINE_MS = '1';
  const accepted = await segments(owner(), route, options);
  delete process.env.SEGMENT_SYNC_DEADLINE_MS;
  expect(accepted.status).toBe(202);
  return accepted.body.jobId as string;
}

/** Runs a job step by step with a tiny page size and budget, so it checkpoints many times. */
async function runInSmallSteps(jobId: string, pagesPerStep: number): Promise<{ outcomes: StepOutcome[]; messages: SegmentJobMessage[] }> {
  const messages: SegmentJobMessage[] = [{ tenantId, jobId, seq: 0 }];
  const outcomes: StepOutcome[] = [];
  while (messages.length > outcomes.length) {
    const message = messages[outcomes.length] as SegmentJobMessage;
    let pages = 0;
    const purchaseStats = emptyPurchaseReadStats();
    const reader = dynamoBookReader(tenantId, { pageSize: 1 });
    const counting = { shards: reader.shards, readPage: async (...args: Parameters<typeof reader.readPage>) => { pages += 1; return reader.readPage(...args); } };
    outcomes.push(
      await runSegmentJobStep(message, {
        access: () => ({ reader: counting, purchases: dynamoPurchaseReader(tenantId, purchaseStats), purchaseStats }),
        shouldStop: () => pages >= pagesPerStep,
        enqueue: async (next) => {
          messages.push(next);
        },
        onCompleted: rememberJobResult,
      }),
    );
    if (outcomes.length > 200) throw new Error('the job does not finish');
  }
  return { outcomes, messages };
}

describe('segment jobs', () => {
  it('answer 202 once the book is larger than a request may read, and the queue consumer finishes the count', async () => {
    const sync = await segments(owner(), 'GET /v1/segments/{segmentId}/count', { params: { segmentId: 'sys_lapsed' } });
    expect(sync.status).toBe(200);

    process.env.SYNC_COUNT_MAX_CUSTOMERS = '3';
    const accepted = await segments(owner(), 'GET /v1/segments/{segmentId}/count', { params: { segmentId: 'sys_lapsed' } });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ status: 'queued', links: { self: `/v1/segments/jobs/${accepted.body.jobId}` } });
    expect(accepted.headers.location).toBe(accepted.body.links.self);

    const queued = await segments(owner(), 'GET /v1/segments/jobs/{jobId}', { params: { jobId: accepted.body.jobId } });
    expect(queued.body).toMatchObject({ status: 'queued', kind: 'count', segmentId: 'sys_lapsed' });
    expect(queued.body.result).toBeUndefined();

    expect(await drainSegmentJobs()).toBeGreaterThanOrEqual(1);
    const done = await segments(owner(), 'GET /v1/segments/jobs/{jobId}', { params: { jobId: accepted.body.jobId } });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'completed', result: { segmentId: 'sys_lapsed', count: sync.body.count, customersRead: 7 } });
  });

  it('checkpoint each shard and resume, adding up to the synchronous answer (plain, percentile and preview rules)', async () => {
    const rules = [
      { and: [{ type: 'lapsed' }, { type: 'purchases', departments: ['watches'] }] },
      { or: [{ type: 'vip' }, { type: 'high_value', amount: 500_000 }] },
      { type: 'purchases', during: { lastDays: 30 }, min: 1 },
      { not: { type: 'city', city: 'Sydney' } },
    ];
    for (const rule of rules) {
      const sync = await segments(owner(), 'POST /v1/segments/preview', { body: { rule, limit: 100 } });
      expect(sync.status).toBe(200);
      const jobId = await startJob('POST /v1/segments/preview', { body: { rule, limit: 100 } });
      const { outcomes } = await runInSmallSteps(jobId, 2);
      expect(outcomes.at(-1)).toBe('completed');
      expect(outcomes.filter((o) => o === 'checkpointed').length, JSON.stringify(rule)).toBeGreaterThan(2);

      const job = await segments(owner(), 'GET /v1/segments/jobs/{jobId}', { params: { jobId } });
      expect(job.body.status).toBe('completed');
      expect(job.body.progress.steps).toBe(outcomes.length);
      const { result } = job.body;
      expect(result.count, JSON.stringify(rule)).toBe(sync.body.count);
      const byId = (list: { customerId: string }[]) => [...list].sort((a, b) => a.customerId.localeCompare(b.customerId));
      expect(byId(result.customers)).toEqual(byId(sync.body.customers));
      // A percentile rule reads the book twice (spend distribution first), like the synchronous path.
      expect(result.customersRead).toBe(sync.body.customersRead);
    }
  });

  it('evaluate a top-N rule in one step (its ranking cannot be split)', async () => {
    const rule = { type: 'best_customers', limit: 2 };
    const jobId = await startJob('POST /v1/segments/preview', { body: { rule } });
    const { outcomes } = await runInSmallSteps(jobId, 1);
    expect(outcomes).toEqual(['completed']);
    const job = await getSegmentJob(tenantId, jobId);
    expect(job?.result?.count).toBe(2);
    expect((job?.result as { customers: { customerId: string }[] }).customers.map((c) => c.customerId).sort()).toEqual([ids.Alice, ids.Bob].sort());
  });

  it('run each step once: a stale or repeated message is skipped, and a lost continuation is queued again', async () => {
    const jobId = await startJob('GET /v1/segments/{segmentId}/count', { params: { segmentId: 'sys_vip' } });
    const enqueued: SegmentJobMessage[] = [];
    const access = () => ({ reader: dynamoBookReader(tenantId, { pageSize: 1 }) });
    const first = await runSegmentJobStep({ tenantId, jobId, seq: 0 }, { access, shouldStop: () => true, enqueue: async (m) => void enqueued.push(m) });
    expect(first).toBe('checkpointed');
    expect(enqueued).toEqual([{ tenantId, jobId, seq: 1 }]);
    // The same message again (SQS delivers at least once): skipped, but the next step is queued again in case the
    // first delivery died between its checkpoint and queueing it.
    const again = await runSegmentJobStep({ tenantId, jobId, seq: 0 }, { access, shouldStop: () => true, enqueue: async (m) => void enqueued.push(m) });
    expect(again).toBe('skipped');
    expect(enqueued).toEqual([{ tenantId, jobId, seq: 1 }, { tenantId, jobId, seq: 1 }]);
    const job = await getSegmentJob(tenantId, jobId);
    expect(job).toMatchObject({ status: 'running', seq: 1, progress: { steps: 1 } });
  });

  it('are marked failed when their last delivery fails, and say so when polled', async () => {
    const jobId = await startJob('GET /v1/segments/{segmentId}/count', { params: { segmentId: 'sys_new' } });
    const job = await getSegmentJob(tenantId, jobId);
    // A rule the engine cannot compile stands in for any failure of a step.
    await documentClient.send(new PutCommand({ TableName: stack.tableName, Item: { ...job, rule: { type: 'no_such_leaf' } } }));
    const delivery = (receiveCount: number) =>
      segmentJobsConsumer(
        sqsEvent([{ MessageId: `m${receiveCount}`, ReceiptHandle: 'r', Body: JSON.stringify({ tenantId, jobId, seq: 0 }), Attributes: { ApproximateReceiveCount: String(receiveCount) } }], {
          queueArn: 'arn:aws:sqs:us-east-1:000000000000:segment-jobs',
          region: 'us-east-1',
        }),
        lambdaContext('segment-jobs'),
      );
    expect((await delivery(1)).batchItemFailures).toHaveLength(1);
    expect((await getSegmentJob(tenantId, jobId))?.status).toBe('queued');
    expect((await delivery(3)).batchItemFailures).toHaveLength(1);
    const polled = await segments(owner(), 'GET /v1/segments/jobs/{jobId}', { params: { jobId } });
    expect(polled.body).toMatchObject({ status: 'failed', error: 'The evaluation failed; try again later' });
  });

  it('are 404 for another tenant', async () => {
    const jobId = await startJob('GET /v1/segments/{segmentId}/count', { params: { segmentId: 'sys_new' } });
    const other = (await createTenant({ name: 'Other', owner: { name: 'P', email: 'p@example.com' } })).tenantId;
    expect((await segments(staff(other), 'GET /v1/segments/jobs/{jobId}', { params: { jobId } })).status).toBe(404);
    expect((await segments(owner(), 'GET /v1/segments/jobs/{jobId}', { params: { jobId } })).status).toBe(200);
  });
});
