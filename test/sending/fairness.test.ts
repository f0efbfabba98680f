/**
 * Fair sharing of the bulk lane, in the local run: the real queue pollers (Lambda's SQS event source as the local
 * runtime plays it) drive the dispatcher and the bulk send workers of the manifest. A small tenant's campaign started
 * while a big tenant's campaign is in full swing gets its email out after at most a couple of the big campaign's
 * windows, not after the big campaign's remaining hundreds.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FUNCTIONS, type FunctionSpec } from '../../functions/manifest';
import { dispatchWorker } from '../../functions/queue/dispatch-worker';
import { sendWorker } from '../../functions/queue/send-worker';
import { isQueueFunction, startQueuePoller, type QueuePoller } from '../../local/queues/poller';
import { createFunctionInvoker, type LambdaHandler } from '../../local/runtime/function-invoker';
import { silentLog } from '../../local/runtime/runtime-log';
import type { QueueId } from '../../shared/config/queues';
import { dispatchWindow, SendSpacer } from '../../shared/domain/sending/pacing';
import { startEmulators, type TestEmulators } from '../support/emulators';
import { campaignStatus, newCampaign, newCustomer, newTenant, queueArns, sendNow, sesEmails } from './pipeline-support';

const BIG = 200;
/** The dispatcher sizes windows from the account rate: 5/s gives the minimum window (20 messages). */
const ACCOUNT_RATE = 5;

let stack: TestEmulators;
let sqs: SQSClient;
const pollers: QueuePoller[] = [];

beforeAll(async () => {
  process.env.SIGNING_KEY = 'test-signing-key-0123456789abcdefghijklmnop';
  stack = await startEmulators({ sqs: true, ses: true });
  sqs = new SQSClient({});
  const arns = await queueArns(stack.queueUrls);
  const handlers: Record<string, LambdaHandler> = {
    'send-dispatcher': dispatchWorker({ roundDelaySeconds: 1, idleRoundDelaySeconds: 1, watchDelaySeconds: 1, accountRate: () => ACCOUNT_RATE }) as LambdaHandler,
    'send-bulk': sendWorker({ spacer: new SendSpacer(20) }) as LambdaHandler,
  };
  const invoker = createFunctionInvoker({
    rootDir: process.cwd(),
    stage: 'test',
    identity: { region: 'us-east-1', accountId: '123456789012' },
    loadHandler: async (spec: FunctionSpec) => handlers[spec.id]!,
  });
  for (const spec of (FUNCTIONS as readonly FunctionSpec[]).filter(isQueueFunction).filter((fn) => fn.id in handlers)) {
    const queue: QueueId = spec.trigger.queue;
    pollers.push(
      startQueuePoller({ sqs, spec, queue: { url: stack.queueUrls[queue], arn: arns[queue] }, region: 'us-east-1', invoker, log: silentLog, waitTimeSeconds: 1 }),
    );
  }
}, 120_000);

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

afterAll(async () => {
  await Promise.all(pollers.map((poller) => poller.stop()));
  sqs?.destroy();
  await stack?.stop();
});

it('a small tenant is not stuck behind a big tenant on the bulk lane', async () => {
  const big = await newTenant('Big Jewellers');
  const small = await newTenant('Small Jewellers');
  for (let i = 0; i < BIG; i += 10) {
    await Promise.all(
      Array.from({ length: 10 }, (_, j) => newCustomer(big, { firstName: `B${i + j}`, email: `b${i + j}@big.example`, consent: { email: { marketing: 'granted' } } })),
    );
  }
  await newCustomer(small, { firstName: 'Sam', email: 'sam@small-shop.example', consent: { email: { marketing: 'granted' } } });

  const bigEmails = async () => (await sesEmails(stack.endpoints.ses!)).filter((email) => email.destination.to[0]!.endsWith('@big.example')).length;
  const bigCampaign = await newCampaign(big);
  await sendNow(big, bigCampaign);
  await until(async () => (await bigEmails()) >= 30, 60_000);

  const smallCampaign = await newCampaign(small);
  const bigSentWhenSmallStarted = await bigEmails();
  await sendNow(small, smallCampaign);
  await until(async () => (await campaignStatus(small.tenantId, smallCampaign)) === 'sent', 60_000);

  const emails = await sesEmails(stack.endpoints.ses!);
  const smallAt = emails.findIndex((email) => email.destination.to[0] === 'sam@small-shop.example');
  const bigBeforeSmall = emails.slice(0, smallAt).filter((email) => email.destination.to[0]!.endsWith('@big.example')).length;
  // The big campaign still had most of its book to go when the small one started ...
  expect(BIG - bigSentWhenSmallStarted).toBeGreaterThan(100);
  // ... yet the small tenant's email waited for at most about two of the big campaign's windows, not for the rest.
  expect(bigBeforeSmall - bigSentWhenSmallStarted).toBeLessThanOrEqual(2 * dispatchWindow(ACCOUNT_RATE) + 10);

  await until(async () => (await campaignStatus(big.tenantId, bigCampaign)) === 'sent', 90_000);
  expect(await bigEmails()).toBe(BIG);
}, 240_000);
