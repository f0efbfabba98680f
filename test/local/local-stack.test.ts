import { ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/auth/roles';
import { LocalStackAlreadyRunning, startLocalStack, type LocalStack, type SeededTenant } from '../../local/runtime/local-stack';
import { writeStackFile } from '../../local/runtime/stack-file';
import { silentLog } from '../../local/runtime/runtime-log';
import { waitFor } from './wait-for';

const stateDir = mkdtempSync(join(tmpdir(), 'facet-local-stack-'));
let seeded = 0;

/** The demo seed writes 2,000 customers; this smoke test only needs a tenant with a key per role. */
async function seedSmallTenant(): Promise<SeededTenant> {
  seeded += 1;
  const { createTenant } = await import('../../shared/domain/tenants/tenant-repository');
  const { createStaffMember } = await import('../../shared/domain/staff/staff-repository');
  const tenant = await createTenant({ name: 'Smoke Test Jewellers', owner: { name: 'Olive Owner', email: 'owner@smoke.example' } });
  const system = { tenantId: tenant.tenantId, staffId: 'system', role: 'system' } as const;
  const apiKeys = { owner: tenant.apiKey } as Record<Role, string>;
  for (const role of ['manager', 'salesperson', 'workshop', 'accountant'] as const) {
    apiKeys[role] = (await createStaffMember(system, { name: `${role} one`, email: `${role}@smoke.example`, role })).issued.apiKey;
  }
  return { tenantId: tenant.tenantId, apiKeys };
}

const portOf = (url: string) => Number(new URL(url).port);

/**
 * The restart reuses the emulator ports: it happens inside one test process, where the handlers' module-level SDK
 * clients (created once per container, as in Lambda) keep the endpoints they resolved on first use.
 */
const start = (previous?: LocalStack['info']) =>
  startLocalStack({
    stateDir,
    ports: previous
      ? {
          api: portOf(previous.apiUrl),
          dynamodb: portOf(previous.endpoints.dynamodb),
          sqs: portOf(previous.endpoints.sqs),
          ses: portOf(previous.endpoints.ses),
          scheduler: portOf(previous.endpoints.scheduler),
        }
      : { api: 0 },
    log: silentLog,
    pollWaitSeconds: 1,
    seedTenant: seedSmallTenant,
  });

let stack: LocalStack | undefined;
afterAll(async () => {
  await stack?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('local stack (npm start), end to end', () => {
  it('serves the API through the gateway, the authorizer and the deployed handlers, and writes stack.json', async () => {
    stack = await start();
    const { info } = stack;

    const health = await fetch(`${info.apiUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });

    const settings = await fetch(`${info.apiUrl}/v1/settings`, { headers: { authorization: `Bearer ${info.apiKeys.owner}` } });
    expect(settings.status).toBe(200);
    expect(await settings.json()).toMatchObject({ name: 'Smoke Test Jewellers' });

    const refused = await fetch(`${info.apiUrl}/v1/settings`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${info.apiKeys.salesperson}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Renamed' }),
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');

    const file = JSON.parse(readFileSync(join(stateDir, 'stack.json'), 'utf8')) as Record<string, unknown>;
    expect(file).toMatchObject({
      apiUrl: info.apiUrl,
      tenantId: info.tenantId,
      apiKeys: info.apiKeys,
      mailViewerUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/),
      endpoints: {
        dynamodb: expect.stringMatching(/^http:/),
        sqs: expect.stringMatching(/^http:/),
        ses: expect.stringMatching(/^http:/),
        scheduler: expect.stringMatching(/^http:/),
      },
      tableName: 'facet-dev',
      queueUrls: { domainEvents: expect.stringMatching(/facet-dev-domain-events$/) },
      pid: process.pid,
    });
    expect(Object.keys(info.apiKeys).sort()).toEqual(['accountant', 'manager', 'owner', 'salesperson', 'workshop']);
    expect(process.env).toMatchObject({
      TABLE_NAME: 'facet-dev',
      STAGE: 'dev',
      PUBLIC_API_URL: info.apiUrl,
      POWERTOOLS_SERVICE_NAME: 'facet',
      AWS_ENDPOINT_URL_DYNAMODB: info.endpoints.dynamodb,
      AWS_ENDPOINT_URL_SQS: info.endpoints.sqs,
      AWS_ENDPOINT_URL_SESV2: info.endpoints.ses,
      AWS_ENDPOINT_URL_SCHEDULER: info.endpoints.scheduler,
      QUEUE_URL_DOMAIN_EVENTS: info.queueUrls.domainEvents,
    });

    // Clients built as the handlers build them (no endpoint) reach the emulators through the environment alone.
    const scheduler = new SchedulerClient({});
    const { Schedules } = await scheduler.send(new ListSchedulesCommand({ GroupName: 'facet-dev' }));
    scheduler.destroy();
    expect(Schedules?.map((s) => s.Name)).toContain('facet-dev-outbox-sweeper');

    const ses = new SESv2Client({});
    await ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'shop@smoke.example',
        Destination: { ToAddresses: ['customer@smoke.example'] },
        Content: { Simple: { Subject: { Data: 'Your repair is ready' }, Body: { Text: { Data: 'Come and collect it.' } } } },
      }),
    );
    ses.destroy();
    const mailbox = (await (await fetch(`${info.mailViewerUrl}store`)).json()) as { emails: { subject: string }[] };
    expect(mailbox.emails.map((email) => email.subject)).toContain('Your repair is ready');
  });

  it('keeps the data and the demo keys across a restart, and publishes the events the in-memory queue lost', async () => {
    const before = stack!.info;
    // A committed event whose publish never happened: the process "died" between the commit and the SendMessage.
    const { UnitOfWork } = await import('../../shared/store/unit-of-work');
    const uow = new UnitOfWork(undefined);
    const lost = uow.emit({
      type: 'customer.created',
      tenantId: before.tenantId,
      customerId: 'customer-whose-event-was-lost',
      occurredAt: new Date().toISOString(),
      source: 'api',
    });
    await uow.commit();
    await stack!.stop();
    stack = undefined;
    expect(JSON.parse(readFileSync(join(stateDir, 'stack.json'), 'utf8'))).not.toHaveProperty('pid');

    stack = await start(before);
    expect(seeded).toBe(1);
    expect(stack.info.tenantId).toBe(before.tenantId);
    const settings = await fetch(`${stack.info.apiUrl}/v1/settings`, { headers: { authorization: `Bearer ${before.apiKeys.manager}` } });
    expect(settings.status).toBe(200);

    // The start-up sweep published it and the domain-events poller delivered it: the consumer marked it processed.
    const { documentClient } = await import('../../shared/store/dynamo');
    const { keys } = await import('../../shared/store/keys');
    const marker = await waitFor(async () => {
      const { Item } = await documentClient.send(new GetCommand({ TableName: 'facet-dev', Key: keys.processedEvent(lost.eventId) }));
      return Item;
    }, 10_000, 'the lost event to be consumed');
    expect(marker).toBeDefined();
  });
});

describe('local stack guard', () => {
  it('refuses to start on a state folder another live process is serving', async () => {
    const busyDir = mkdtempSync(join(tmpdir(), 'facet-busy-stack-'));
    try {
      const endpoints = { dynamodb: 'http://127.0.0.1:1', sqs: 'http://127.0.0.1:2', ses: 'http://127.0.0.1:3', scheduler: 'http://127.0.0.1:4' };
      writeStackFile(join(busyDir, 'stack.json'), {
        apiUrl: 'http://127.0.0.1:3000',
        tenantId: 't',
        apiKeys: { owner: 'o', manager: 'm', salesperson: 's', workshop: 'w', accountant: 'a' },
        mailViewerUrl: 'http://127.0.0.1:3/',
        endpoints,
        tableName: 'facet-dev',
        queueUrls: {},
        stage: 'dev',
        region: 'us-east-1',
        pid: process.ppid,
      });
      await expect(startLocalStack({ stateDir: busyDir, ports: { api: 0 }, log: silentLog })).rejects.toBeInstanceOf(
        LocalStackAlreadyRunning,
      );
    } finally {
      rmSync(busyDir, { recursive: true, force: true });
    }
  });
});
