/**
 * `npm run bench:send -- --recipients 10000`: a campaign through the whole local stack (the local runtime's emulators,
 * queue pollers and manifest handlers, in this process), measured end to end, next to a bare script that makes only
 * the same emulator calls per recipient, in the same run. Then, per 1,000 recipients: DynamoDB write and read units,
 * SQS requests, SES calls, Lambda invocations and GB-seconds, the AWS cost at list prices next to SES's own, and the
 * projected AWS throughput for a given SES send rate. Prints measurements; asserts nothing.
 *
 *   npm run bench:send -- --recipients 10000 [--rate 1000000] [--bare-concurrency 80]
 *
 * `--rate` is SES_MAX_SEND_RATE for this run: high by default so pacing does not hide the pipeline's own speed.
 */
import './bench-send-env';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUNCTIONS } from '../functions/manifest';
import { ROLES } from '../shared/auth/roles';
import { env } from '../shared/config/env';
import { SEND_LANES, TOTAL_SEND_WORKERS } from '../shared/domain/sending/lanes';
import { DYNAMO_PRICES, LAMBDA_PRICES, PRICE_DATE, SES_PRICE_PER_1000, SQS_PRICE_PER_MILLION } from './bench-send-prices';
import { meterDynamo, meterSqs, type DynamoMeter, type SqsMeter } from './bench-send-meters';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(String(process.argv[i]).replace(/^--/, ''), String(process.argv[i + 1]));
const RECIPIENTS = Number(args.get('recipients') ?? 10_000);
const RATE = Number(process.env.SES_MAX_SEND_RATE);
const BARE_CONCURRENCY = Number(args.get('bare-concurrency') ?? SEND_LANES.bulk.maxConcurrency * SEND_LANES.bulk.batchSize);


interface Invocation {
  functionId: string;
  messages: number;
  ms: number;
}

/**
 * The local stack without the functions that are not the send: the SES event consumer (the engagement loop reacts to
 * every delivery; its cost is its own) and the other scheduled passes (automations, sender identities).
 */
const SEND_STACK = FUNCTIONS.filter(
  (fn) => fn.trigger.kind !== 'eventbridge' && !(fn.trigger.kind === 'schedule' && !['campaign-reconciler', 'outbox-sweeper'].includes(fn.id)),
);

const invocations: Invocation[] = [];
/** The local runtime logs one line per batch: `[queue] send-bulk 10 message(s): 10 done, 0 back to the queue 85 ms`. */
function recordLog(line: string): void {
  const batch = /^\[queue\] (\S+) (\d+) message\(s\):.* (\d+) ms$/.exec(line);
  if (batch) invocations.push({ functionId: batch[1]!, messages: Number(batch[2]), ms: Number(batch[3]) });
  const scheduled = /^\[schedule\] (\S+) (?:ok|failed after) (\d+) ms/.exec(line);
  if (scheduled) invocations.push({ functionId: scheduled[1]!, messages: 0, ms: Number(scheduled[2]) });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (n: number, digits = 1) => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), 'facet-bench-send-'));
  // Imported after the environment is complete: handler modules read it when they load.
  const { startLocalStack } = await import('../local/runtime/local-stack');
  const { createTenant } = await import('../shared/domain/tenants/tenant-repository');
  let owner = { tenantId: '', staffId: '' };
  const stack = await startLocalStack({
    stateDir,
    persist: false,
    ports: { api: 0 },
    pollWaitSeconds: 1,
    logLevel: 'SILENT',
    log: recordLog,
    functions: SEND_STACK,
    seedTenant: async () => {
      const created = await createTenant({
        name: 'Bench Fine Jewellery',
        postalAddress: '1 George Street, Sydney NSW 2000',
        owner: { name: 'Owner', email: 'owner@bench.example' },
      });
      owner = { tenantId: created.tenantId, staffId: created.ownerStaffId };
      return { tenantId: created.tenantId, apiKeys: Object.fromEntries(ROLES.map((role) => [role, created.apiKey])) as Record<(typeof ROLES)[number], string> };
    },
  });
  try {
    await run(stack.info.endpoints.ses, owner);
  } finally {
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

async function seedBook(tenantId: string, count: number): Promise<string[]> {
  const { newCustomerItem } = await import('../shared/domain/customers/customer-item');
  const { customerCreateSchema } = await import('../shared/domain/customers/customer-schema');
  const { batchPutItems } = await import('../local/seed/batch-write');
  const { newId } = await import('../shared/ids');
  const now = new Date().toISOString();
  const items: Record<string, unknown>[] = [];
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const input = customerCreateSchema.parse({ firstName: `Reader${i}`, lastName: 'Bench', email: `r${i}@bench.example`, consent: { email: { marketing: 'granted' } } });
    const { item } = newCustomerItem(tenantId, input, { customerId: newId(), now, today: now.slice(0, 10) });
    items.push(item as unknown as Record<string, unknown>);
    ids.push(item.customerId);
  }
  await batchPutItems(env.tableName(), items, { concurrency: 8 });
  return ids;
}

async function storeCount(sesEndpoint: string, suffix: string): Promise<number> {
  const response = await fetch(`${sesEndpoint}/store`);
  const { emails } = (await response.json()) as { emails: { destination: { to: string[] } }[] };
  return emails.filter((email) => email.destination.to[0]?.endsWith(suffix)).length;
}

async function run(sesEndpoint: string, owner: { tenantId: string; staffId: string }): Promise<void> {
  const principal = { ...owner, role: 'owner' as const };
  const { createCampaign } = await import('../shared/domain/campaigns/campaign-writes');
  const { campaignCreateSchema } = await import('../shared/domain/campaigns/campaign-schema');
  const { runCampaignCommand } = await import('../shared/domain/campaigns/campaign-lifecycle');
  const { defaultLifecycleDeps } = await import('../shared/domain/campaigns/default-deps');
  const { keys } = await import('../shared/store/keys');
  const { sendPipeline } = await import('../shared/domain/sending/start-send');
  const { dynamoClient } = await import('../shared/store/dynamo');
  const { sqsClient } = await import('../shared/events/sqs-client');

  console.log(`bench:send — ${RECIPIENTS.toLocaleString('en')} recipients, SES_MAX_SEND_RATE=${RATE}, Node ${process.version}`);
  console.log('  (delivery events are left out: the engagement loop reacting to them is not the send, and costs its own)');
  let started = Date.now();
  const customerIds = await seedBook(owner.tenantId, RECIPIENTS);
  console.log(`  book seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const campaign = await createCampaign(
    principal,
    campaignCreateSchema.parse({
      name: 'Bench',
      content: {
        subject: 'New arrivals for {{ customer.first_name }}',
        html: '<html><body><h1>Hello {{ customer.first_name }}</h1><p>Our spring collection is in store at {{ store.name }}.</p></body></html>',
      },
      recipients: { all: true },
    }),
  );

  const dynamo = meterDynamo(dynamoClient);
  const sqs = meterSqs(sqsClient);
  invocations.length = 0;
  started = Date.now();
  await runCampaignCommand(principal, campaign.campaignId, { type: 'send' }, { ...defaultLifecycleDeps, sendPort: sendPipeline });
  let lastEmailAt = 0;
  // Polled with a client of its own: the bench's reads are not the pipeline's.
  const poller = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const campaignKey = keys.tenantEntity(owner.tenantId, 'CAMPAIGN', campaign.campaignId);
  for (;;) {
    const { Item } = await poller.send(new GetCommand({ TableName: env.tableName(), Key: campaignKey, ConsistentRead: true }));
    const status = Item?.status;
    if (lastEmailAt === 0 && invocationsOf('send-bulk').reduce((sum, inv) => sum + inv.messages, 0) >= RECIPIENTS) lastEmailAt = Date.now();
    if (status === 'sent') break;
    await sleep(100);
  }
  const pipelineMs = Date.now() - started;
  dynamo.stop();
  sqs.stop();
  const pipelineInvocations = [...invocations];
  const emails = await storeCount(sesEndpoint, '@bench.example');
  const { readCampaignCounters } = await import('../shared/domain/campaigns/campaign-repository');
  const outcome = await readCampaignCounters(owner.tenantId, campaign.campaignId);
  console.log(`  campaign sent: ${outcome.sent} sent, ${outcome.failed} failed, ${outcome.unknown} unknown, of ${outcome.recipients} recipients`);

  const bare = await bareCeiling(customerIds, owner.tenantId, sesEndpoint);

  report({ pipelineMs, lastEmailMs: (lastEmailAt || Date.now()) - started, emails, dynamo, sqs, pipelineInvocations, bare });
}

const ASSUMED_MS = { dynamodb: 6, sqs: 12, ses: 40, perInvocation: 10 } as const;
/** Writes and queries the dispatcher keeps in flight while freezing (shared/domain/sending/freeze.ts). */
const FREEZE_CONCURRENCY = 48;

/** An invocation's duration at AWS latencies: the calls on its critical path, in sequence. */
function projectedMs(invocation: Invocation): number {
  const { dynamodb, sqs, ses, perInvocation } = ASSUMED_MS;
  switch (invocation.functionId) {
    case 'send-bulk':
    case 'send-priority':
      // One record: status (cached), customer + suppression + timeline reads in parallel, claim, SES, timeline put,
      // sent; the batch's records in parallel; the batch's counter update at the end.
      return perInvocation + dynamodb + dynamodb + ses + dynamodb + dynamodb + dynamodb;
    case 'send-dispatcher':
      // A round: state, campaign, counters, a recipient page, a batch of SQS sends, the checkpoint, the next message.
      return perInvocation + 5 * dynamodb + 2 * sqs;
    default:
      return perInvocation + 10 * dynamodb;
  }
}

function invocationsOf(functionId: string, list: readonly Invocation[] = invocations): Invocation[] {
  return list.filter((inv) => inv.functionId === functionId);
}

/**
 * The ceiling: per recipient, the emulator calls the pipeline makes (freeze: timeline query, conditional put; send:
 * customer and suppression reads, claim, SES, timeline put, sent; per ten: the SQS batch send, receive and delete, the
 * counter update; per hundred: the suppression batch read; once: the book), with the pipeline's concurrency, and
 * nothing else: no SQS poller, no Lambda stand-in, no rendering, no dispatcher rounds.
 */
async function bareCeiling(customerIds: readonly string[], tenantId: string, sesEndpoint: string): Promise<{ ms: number; emails: number }> {
  const { documentClient } = await import('../shared/store/dynamo');
  const { sqsClient } = await import('../shared/events/sqs-client');
  const { keys } = await import('../shared/store/keys');
  const { sesV2EmailSender } = await import('../shared/adapters/ses/sesv2-email-sender');
  const { dynamoBookReader, streamBook } = await import('../shared/domain/segments/book-reader');
  const sender = sesV2EmailSender();
  const TableName = env.tableName();
  const queueUrl = env.queueUrl('sendBulk');
  const campaignId = `bare${Date.now()}`;
  const now = () => new Date().toISOString();
  const started = Date.now();
  // The audience: one pass over the book index, as the dispatcher reads it.
  for await (const _page of streamBook(dynamoBookReader(tenantId), { attributes: ['customerId', 'email', 'consent', 'erased'] })) void _page;
  let next = 0;
  const worker = async () => {
    while (next < customerIds.length) {
      const batch = customerIds.slice(next, next + 10);
      const first = next;
      next += 10;
      if (first % 100 === 0) {
        const suppressionKeys = customerIds.slice(first, first + 100).map((id) => ({ ...keys.suppression(tenantId, 'email', id) }));
        await documentClient.send(new BatchGetCommand({ RequestItems: { [TableName]: { Keys: suppressionKeys } } }));
      }
      await sqsClient.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch.map((id, i) => ({ Id: String(i), MessageBody: JSON.stringify({ bare: id }) })) }));
      const received = await sqsClient.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      if (received.Messages?.length) {
        await sqsClient.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: received.Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
      }
      await Promise.all(
        batch.map(async (customerId) => {
          const recipientKey = keys.campaignRecipient(tenantId, campaignId, customerId);
          const timeline = keys.customerCollection(tenantId, customerId).pk;
          const recent = () =>
            documentClient.send(new QueryCommand({ TableName, KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b', ExpressionAttributeValues: { ':pk': timeline, ':a': 'COMM#2000', ':b': 'COMM#~' } }));
          await recent();
          await documentClient.send(new PutCommand({ TableName, Item: { ...recipientKey, status: 'queued', frozenAt: now() }, ConditionExpression: 'attribute_not_exists(pk)' }));
          const [{ Item: customer }] = await Promise.all([
            documentClient.send(new GetCommand({ TableName, Key: keys.customer(tenantId, customerId) })),
            documentClient.send(new GetCommand({ TableName, Key: keys.suppression(tenantId, 'email', customerId) })),
          ]);
          const claimedAt = now();
          await documentClient.send(
            new UpdateCommand({
              TableName,
              Key: recipientKey,
              UpdateExpression: 'SET #s = :sending, claimedAt = :at',
              ConditionExpression: '#s = :queued',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':sending': 'sending', ':queued': 'queued', ':at': claimedAt },
            }),
          );
          const { messageId } = await sender.send({
            from: 'no-reply@mail.facet.example',
            replyTo: [],
            to: String(customer?.email ?? '').replace('@bench.example', '@bare.example'),
            subject: 'Bare',
            html: '<p>Bare</p>',
            text: 'Bare',
            headers: [{ name: 'List-Unsubscribe', value: '<https://x.example/u/t>' }],
            tags: [{ name: 'campaign', value: campaignId }],
          });
          await documentClient.send(
            new PutCommand({ TableName, Item: { pk: timeline, sk: `COMM#${claimedAt}#${campaignId}`, status: 'sent', providerMessageId: messageId }, ConditionExpression: 'attribute_not_exists(pk)' }),
          );
          await documentClient.send(
            new UpdateCommand({
              TableName,
              Key: recipientKey,
              UpdateExpression: 'SET #s = :sent, messageId = :m',
              ConditionExpression: '#s = :sending',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':sent': 'sent', ':sending': 'sending', ':m': messageId },
            }),
          );
        }),
      );
      await documentClient.send(new UpdateCommand({ TableName, Key: keys.campaignCounter(tenantId, campaignId, first % 16), UpdateExpression: 'ADD sent :n', ExpressionAttributeValues: { ':n': batch.length } }));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.floor(BARE_CONCURRENCY / 10)) }, worker));
  const ms = Date.now() - started;
  return { ms, emails: await storeCount(sesEndpoint, '@bare.example') };
}

function report(results: {
  pipelineMs: number;
  lastEmailMs: number;
  emails: number;
  dynamo: DynamoMeter;
  sqs: SqsMeter;
  pipelineInvocations: Invocation[];
  bare: { ms: number; emails: number };
}): void {
  const { pipelineMs, emails, dynamo, sqs, pipelineInvocations, bare } = results;
  const per1000 = (n: number) => (n / RECIPIENTS) * 1000;
  const pipelineRate = RECIPIENTS / (pipelineMs / 1000);
  const bareRate = RECIPIENTS / (bare.ms / 1000);
  console.log('\nThroughput (this machine, emulators in this process)');
  console.log(`  pipeline: ${fmt(pipelineRate)} recipients/s end to end (send request → campaign sent: ${fmt(pipelineMs / 1000)} s; last email after ${fmt(results.lastEmailMs / 1000)} s); ${emails} emails in the mail store`);
  console.log(`  bare script, same emulator calls per recipient, ${BARE_CONCURRENCY} in flight: ${fmt(bareRate)} recipients/s (${fmt(bare.ms / 1000)} s, ${bare.emails} emails)`);
  console.log(`  pipeline / ceiling: ${fmt((pipelineRate / bareRate) * 100)}% (target: at least 75%)`);

  const writes = dynamo.writeUnits();
  const reads = dynamo.readUnits();
  console.log('\nPer 1,000 recipients');
  console.log(`  DynamoDB write units: ${fmt(per1000(writes.total), 0)} (index writes: ${fmt(per1000(writes.index), 0)}; none of the pipeline's items carry index keys)`);
  for (const [kind, units] of Object.entries(writes.byKind).sort((a, b) => b[1] - a[1])) console.log(`      ${kind.padEnd(28)} ${fmt(per1000(units), 0)}`);
  console.log(`  DynamoDB read units: ${fmt(per1000(reads.total), 0)}`);
  for (const [kind, units] of Object.entries(reads.byKind).sort((a, b) => b[1] - a[1])) console.log(`      ${kind.padEnd(28)} ${fmt(per1000(units), 0)}`);

  const calls = Object.entries(dynamo.calls()).filter(([name]) => !/^(outbox|scan) /.test(name)).sort((a, b) => b[1] - a[1]);
  console.log(`  DynamoDB requests: ${calls.map(([name, n]) => `${name} ${fmt(per1000(n), 0)}`).join(', ')}`);

  const batches = invocationsOf('send-bulk', pipelineInvocations);
  const queueBatches = pipelineInvocations.filter((inv) => inv.messages > 0).length;
  // Lambda's event source mapping receives a batch and deletes it in one call each; empty long polls are not billed per message.
  const sqsAws = sqs.requests() + 2 * queueBatches;
  console.log(`  SQS requests: ${fmt(per1000(sqsAws), 0)} (${fmt(per1000(sqs.requests()), 0)} by the functions: ${sqs.describe()}; plus a receive and a delete per batch by the event source mappings)`);
  console.log(`  SES calls: ${fmt(per1000(emails), 0)}`);
  const memoryOf = new Map<string, number>(FUNCTIONS.map((fn) => [fn.id, fn.memoryMb]));
  const gbSeconds = pipelineInvocations.reduce((sum, inv) => sum + (inv.ms / 1000) * ((memoryOf.get(inv.functionId) ?? 512) / 1024), 0);
  const byFunction = new Map<string, { count: number; ms: number }>();
  for (const inv of pipelineInvocations) {
    const entry = byFunction.get(inv.functionId) ?? { count: 0, ms: 0 };
    byFunction.set(inv.functionId, { count: entry.count + 1, ms: entry.ms + inv.ms });
  }
  console.log(`  Lambda invocations: ${fmt(per1000(pipelineInvocations.length), 1)}, GB-seconds: ${fmt(per1000(gbSeconds), 2)} (durations measured here, against the emulators)`);
  for (const [id, { count, ms }] of byFunction) console.log(`      ${id.padEnd(28)} ${fmt(per1000(count), 1)} invocations, ${fmt(ms / count, 0)} ms average, ${memoryOf.get(id)} MB`);

  // Against the emulators a call takes ten times what it takes in AWS; the projection prices each invocation's critical
  // path at AWS latencies instead (records of a batch run in parallel; ASSUMED_MS are typical in-region figures).
  // Freezing: per recipient a timeline query and a conditional put, FREEZE_CONCURRENCY at a time, in the dispatcher.
  const freezeMs = (RECIPIENTS * 2 * ASSUMED_MS.dynamodb) / FREEZE_CONCURRENCY;
  const projectedGbSeconds =
    pipelineInvocations.reduce((sum, inv) => sum + (projectedMs(inv) / 1000) * ((memoryOf.get(inv.functionId) ?? 512) / 1024), 0) +
    (freezeMs / 1000) * ((memoryOf.get('send-dispatcher') ?? 1769) / 1024);
  console.log(
    `  Lambda GB-seconds projected for AWS: ${fmt(per1000(projectedGbSeconds), 2)} (critical path at DynamoDB ${ASSUMED_MS.dynamodb} ms, ` +
      `SQS ${ASSUMED_MS.sqs} ms, SES ${ASSUMED_MS.ses} ms a call: a send batch ~${projectedMs({ functionId: 'send-bulk', messages: 10, ms: 0 })} ms)`,
  );

  const priced = (lambdaGbSeconds: number) => ({
    dynamoWrites: (per1000(writes.total) / 1e6) * DYNAMO_PRICES.perMillionWriteUnits,
    dynamoReads: (per1000(reads.total) / 1e6) * DYNAMO_PRICES.perMillionReadUnits,
    sqs: (per1000(sqsAws) / 1e6) * SQS_PRICE_PER_MILLION,
    lambda: per1000(lambdaGbSeconds) * LAMBDA_PRICES.perGbSecondArm + (per1000(pipelineInvocations.length) / 1e6) * LAMBDA_PRICES.perMillionRequests,
  });
  console.log(`\nCost per 1,000 recipients, us-east-1 list prices as of ${PRICE_DATE} (on-demand DynamoDB, standard SQS, arm64 Lambda)`);
  for (const [label, lambdaGbSeconds] of [
    ['Lambda at AWS latencies', projectedGbSeconds],
    ['Lambda at the durations measured here', gbSeconds],
  ] as const) {
    const cost = priced(lambdaGbSeconds);
    const total = Object.values(cost).reduce((sum, value) => sum + value, 0);
    console.log(
      `  ${label}: DynamoDB writes $${cost.dynamoWrites.toFixed(5)}, reads $${cost.dynamoReads.toFixed(5)}, SQS $${cost.sqs.toFixed(5)}, ` +
        `Lambda $${cost.lambda.toFixed(5)}; total $${total.toFixed(5)} = ${fmt((total / SES_PRICE_PER_1000) * 100, 2)}% of SES's $${SES_PRICE_PER_1000.toFixed(2)} (target: at most 3%)`,
    );
  }

  const avgBatchMs = batches.reduce((sum, b) => sum + b.ms, 0) / Math.max(1, batches.length);
  const avgBatchSize = batches.reduce((sum, b) => sum + b.messages, 0) / Math.max(1, batches.length);
  const workerRate = avgBatchSize / (avgBatchMs / 1000);
  const lane = SEND_LANES.bulk;
  console.log('\nProjected AWS throughput of the bulk lane');
  console.log(`  measured: ${fmt(avgBatchSize)} messages per batch in ${fmt(avgBatchMs, 0)} ms (records of a batch in parallel) = ${fmt(workerRate)} sends/s per worker, unpaced`);
  console.log(`  ${lane.maxConcurrency} bulk workers of ${TOTAL_SEND_WORKERS}; each paced to SES rate / ${TOTAL_SEND_WORKERS}`);
  for (const sesRate of [14, 50, 200, 1000, 3000]) {
    const paced = (sesRate / TOTAL_SEND_WORKERS) * lane.maxConcurrency;
    const capacity = workerRate * lane.maxConcurrency;
    const projected = Math.min(paced, capacity);
    console.log(`  SES ${String(sesRate).padStart(5)}/s → ${fmt(projected)} emails/s (${projected === paced ? 'the SES share bounds it' : 'worker latency bounds it: raise maxConcurrency'}), 100k recipients in ${fmt(100_000 / projected / 60)} min`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
