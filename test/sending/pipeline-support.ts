/**
 * Helpers for the send pipeline's end-to-end tests over the emulators: a tenant with a small book, a campaign started
 * through the campaigns lifecycle with the real send port, and a pump that plays Lambda's SQS event source for the
 * dispatch and bulk queues (receive, invoke with a real SQSEvent, delete what succeeded, leave failures to come back),
 * with switches to duplicate deliveries and to abandon an invocation the way a crashed worker would.
 */
import { ChangeMessageVisibilityBatchCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Principal } from '../../shared/auth/roles';
import type { QueueId } from '../../shared/config/queues';
import { runCampaignCommand } from '../../shared/domain/campaigns/campaign-lifecycle';
import { loadCampaign } from '../../shared/domain/campaigns/campaign-repository';
import { campaignCreateSchema } from '../../shared/domain/campaigns/campaign-schema';
import { createCampaign } from '../../shared/domain/campaigns/campaign-writes';
import { defaultLifecycleDeps } from '../../shared/domain/campaigns/default-deps';
import { createCustomer } from '../../shared/domain/customers/customer-repository';
import { customerCreateSchema } from '../../shared/domain/customers/customer-schema';
import { sendPipeline } from '../../shared/domain/sending/start-send';
import { createTenant } from '../../shared/domain/tenants/tenant-repository';
import { toSqsEvent } from '../events/sqs-messages';
import { lambdaContext } from '../support/http';

export type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export interface StoredEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
  at: number;
}

export async function sesEmails(sesEndpoint: string): Promise<StoredEmail[]> {
  const response = await fetch(`${sesEndpoint}/store`);
  const store = (await response.json()) as { emails: StoredEmail[] };
  return store.emails;
}

export const header = (email: StoredEmail, name: string) => email.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;

export async function newTenant(name: string): Promise<Principal> {
  const created = await createTenant({
    name,
    postalAddress: '1 George Street, Sydney NSW 2000',
    defaultSender: { name, email: 'hello@store.example' },
    owner: { name: 'Owner', email: 'owner@store.example' },
  });
  return { tenantId: created.tenantId, staffId: created.ownerStaffId, role: 'owner' };
}

export async function newCustomer(owner: Principal, fields: Record<string, unknown>): Promise<string> {
  const customer = await createCustomer(owner, customerCreateSchema.parse({ firstName: 'Ann', lastName: "O'Neil", ...fields }), { publisher: undefined });
  return customer.customerId;
}

export async function newCampaign(owner: Principal, recipients: Record<string, unknown> = { all: true }, name = 'Spring'): Promise<string> {
  const campaign = await createCampaign(
    owner,
    campaignCreateSchema.parse({
      name,
      content: {
        subject: 'Hello {{ customer.first_name }}',
        html: '<html><body><p>Dear {{ customer.first_name }} {{ customer.last_name }}, spring pieces from {{ store.name }}.</p></body></html>',
      },
      recipients,
    }),
  );
  return campaign.campaignId;
}

/** `POST .../send` as the campaigns lifecycle runs it, with the real send pipeline as its port. */
export async function sendNow(owner: Principal, campaignId: string): Promise<void> {
  await runCampaignCommand(owner, campaignId, { type: 'send' }, { ...defaultLifecycleDeps, sendPort: sendPipeline });
}

export async function campaignStatus(tenantId: string, campaignId: string) {
  return (await loadCampaign(tenantId, campaignId))?.campaign.status;
}

export async function queueArns(urls: Record<QueueId, string>): Promise<Record<QueueId, string>> {
  const sqs = new SQSClient({});
  try {
    const entries = await Promise.all(
      (Object.keys(urls) as QueueId[]).map(async (id) => {
        const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: urls[id], AttributeNames: ['QueueArn'] }));
        return [id, Attributes!.QueueArn!] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<QueueId, string>;
  } finally {
    sqs.destroy();
  }
}

export interface PumpOptions {
  urls: Record<QueueId, string>;
  arns: Record<QueueId, string>;
  dispatch: Handler;
  send: Handler;
  until: () => Promise<boolean>;
  timeoutMs?: number;
  /** Every send batch is delivered to two workers at once (SQS at-least-once). */
  duplicateSends?: boolean;
  /** A send invocation still running after this long is abandoned like a crashed worker: nothing deleted. */
  invocationTimeoutMs?: number;
  /** Leave the bulk queue alone (only the dispatcher runs): its messages wait there. */
  sendsOff?: boolean;
  /** Visibility of received messages: how soon a failure or an abandoned batch comes back. */
  visibilitySeconds?: number;
}

export interface PumpReport {
  sendInvocations: number;
  dispatchInvocations: number;
  abandoned: number;
  failuresReported: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function pump(options: PumpOptions): Promise<PumpReport> {
  const sqs = new SQSClient({});
  const report: PumpReport = { sendInvocations: 0, dispatchInvocations: 0, abandoned: 0, failuresReported: 0 };
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  const visibility = options.visibilitySeconds ?? 2;

  const receive = async (queue: QueueId, max: number): Promise<Message[]> =>
    (
      await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: options.urls[queue],
          MaxNumberOfMessages: max,
          WaitTimeSeconds: 0,
          VisibilityTimeout: visibility,
          AttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
        }),
      )
    ).Messages ?? [];

  const settle = async (queue: QueueId, messages: Message[], failed: Set<string>) => {
    for (const message of messages) {
      if (failed.has(message.MessageId!)) continue;
      await sqs.send(new DeleteMessageCommand({ QueueUrl: options.urls[queue], ReceiptHandle: message.ReceiptHandle }));
    }
  };

  const invoke = async (handler: Handler, queue: QueueId, messages: Message[]): Promise<SQSBatchResponse | 'abandoned'> => {
    const run = handler(toSqsEvent(messages, options.arns[queue]), lambdaContext(queue));
    if (options.invocationTimeoutMs === undefined) return run;
    run.catch(() => undefined);
    return Promise.race([run, sleep(options.invocationTimeoutMs).then(() => 'abandoned' as const)]);
  };

  try {
    while (Date.now() < deadline) {
      if (await options.until()) return report;
      let busy = false;
      const dispatches = await receive('sendDispatch', 1);
      for (const message of dispatches) {
        busy = true;
        report.dispatchInvocations += 1;
        const result = await invoke(options.dispatch, 'sendDispatch', [message]);
        if (result === 'abandoned') continue;
        await settle('sendDispatch', [message], new Set(result.batchItemFailures.map((f) => f.itemIdentifier)));
      }
      const sends = options.sendsOff ? [] : await receive('sendBulk', 10);
      if (sends.length > 0) {
        busy = true;
        const runs = options.duplicateSends ? [invoke(options.send, 'sendBulk', sends), invoke(options.send, 'sendBulk', sends)] : [invoke(options.send, 'sendBulk', sends)];
        report.sendInvocations += runs.length;
        const results = await Promise.all(runs);
        if (results.includes('abandoned')) {
          // The worker died: its messages are not deleted and come back once their visibility runs out.
          report.abandoned += 1;
          await sqs.send(
            new ChangeMessageVisibilityBatchCommand({
              QueueUrl: options.urls.sendBulk,
              Entries: sends.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 })),
            }),
          );
          continue;
        }
        const failed = new Set(results.flatMap((result) => (result as SQSBatchResponse).batchItemFailures.map((f) => f.itemIdentifier)));
        report.failuresReported += failed.size;
        await settle('sendBulk', sends, failed);
      }
      if (!busy) await sleep(100);
    }
    throw new Error(`pump: condition not reached in time (${JSON.stringify(report)})`);
  } finally {
    sqs.destroy();
  }
}

/**
 * An HTTP proxy in front of the SES emulator that answers the first `throttled` SendEmail calls the way SES does when
 * the account's rate is exceeded (429, TooManyRequestsException) and forwards everything else.
 */
export async function throttlingSesProxy(upstream: string, throttled: number): Promise<{ endpoint: string; throttledCalls: () => number; stop: () => Promise<void> }> {
  let remaining = throttled;
  let count = 0;
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.method === 'POST' && request.url?.startsWith('/v2/email/outbound-emails') && remaining > 0) {
      remaining -= 1;
      count += 1;
      response.writeHead(429, { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException' });
      response.end(JSON.stringify({ message: 'Maximum sending rate exceeded.' }));
      return;
    }
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !['host', 'content-length', 'connection'].includes(name))) as Record<string, string>;
    const forwarded = await fetch(`${upstream}${request.url}`, {
      method: request.method ?? 'GET',
      headers,
      ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
    });
    const body = Buffer.from(await forwarded.arrayBuffer());
    response.writeHead(forwarded.status, { 'content-type': forwarded.headers.get('content-type') ?? 'application/json' });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    throttledCalls: () => count,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
