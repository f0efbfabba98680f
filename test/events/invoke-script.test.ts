import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '../../shared/domain/tenants/tenant-repository';
import { logger } from '../../shared/observability/logger';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createSchedulesDlq } from '../../local/queues/schedules-dlq';
import type { StackFile } from '../../local/runtime/stack-file';
import { invokeSample, readable } from '../../scripts/invoke';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { receiveAll } from './sqs-messages';

let stack: TestEmulators;
let stackFile: string;
let tenantId: string;
let importId: string;

/** A local stack file like `npm start` writes, pointing at this test's emulators and tenant. */
beforeAll(async () => {
  logger.setLogLevel('CRITICAL');
  stack = await startEmulators({ sqs: true });
  const tenant = await createTenant({ name: 'Invoke', owner: { name: 'O', email: 'o@example.com' } });
  tenantId = tenant.tenantId;
  // What `npm start` also creates: the schedules' dead-letter queue, whose ARN functions are given.
  const sqs = new SQSClient({ endpoint: stack.endpoints.sqs });
  await createSchedulesDlq(sqs, 'test');
  sqs.destroy();
  const file: StackFile = {
    apiUrl: 'http://127.0.0.1:3999',
    tenantId,
    apiKeys: { owner: tenant.apiKey, manager: 'unused', salesperson: 'unused', workshop: 'unused', accountant: 'unused' },
    mailViewerUrl: 'http://127.0.0.1:3998',
    tableName: stack.tableName,
    queueUrls: stack.queueUrls,
    stage: 'test',
    region: process.env.AWS_REGION!,
    endpoints: { dynamodb: stack.endpoints.dynamodb, sqs: stack.endpoints.sqs!, ses: 'http://127.0.0.1:1', scheduler: 'http://127.0.0.1:2' },
  };
  stackFile = join(mkdtempSync(join(tmpdir(), 'facet-invoke-')), 'stack.json');
  writeFileSync(stackFile, JSON.stringify(file));
});
afterAll(async () => {
  await stack?.stop();
});

describe('scripts/invoke', () => {
  it('invokes an HTTP handler with a sample, as the demo staff member of the chosen role', async () => {
    const { result } = await invokeSample({ functionId: 'api-imports', event: 'start-customers-csv', stackFile, role: 'owner' });
    const response = readable(result) as { statusCode: number; body: { importId: string; rows: number } };
    expect(response.statusCode).toBe(202);
    expect(response.body.rows).toBe(2);
    importId = response.body.importId;
    // The queue URL came from the stack file, so the chunk landed on the stack's queue.
    const messages = await receiveAll(stack.queueUrls.imports);
    expect(messages.map((m) => (JSON.parse(m.Body ?? '{}') as { tenantId: string }).tenantId)).toEqual([tenantId]);
  });

  it('answers a sample naming an id of no demo record with a 404, and --path swaps in a real one', async () => {
    const { result } = await invokeSample({ functionId: 'api-imports', event: 'get-import', stackFile, role: 'owner' });
    expect((readable(result) as { statusCode: number }).statusCode).toBe(404);
    const { result: real } = await invokeSample({ functionId: 'api-imports', event: 'get-import', stackFile, pathOverrides: { importId } });
    expect(readable(real)).toMatchObject({ statusCode: 200, body: { importId, status: 'queued', totals: { rows: 2 } } });
  });

  it('runs a queue consumer and the authorizer from their samples', async () => {
    const { result: sweep } = await invokeSample({ functionId: 'outbox-sweeper', event: 'every-minute', stackFile });
    expect(sweep).toMatchObject({ failed: 0 });
    const { result: authorized } = await invokeSample({ functionId: 'authorizer', event: 'bearer-key', stackFile, role: 'owner' });
    expect(authorized).toMatchObject({ isAuthorized: true, context: { tenantId, role: 'owner' } });
  });

  it('says which function ids exist when given an unknown one', async () => {
    await expect(invokeSample({ functionId: 'nope', event: 'x', stackFile })).rejects.toThrow(/known: authorizer, /);
  });
});
