/**
 * The whole system on one machine, in one process: emulators for DynamoDB (dynalite + transaction shim), SQS
 * (local-aws-sqs), SES v2 (aws-ses-v2-local) and EventBridge Scheduler (local/scheduler), and in front of them the
 * very handler modules CDK deploys, reached the way AWS reaches them: an API Gateway stand-in, SQS event source
 * mappings and schedule targets. Business code never knows it is local: only the AWS_ENDPOINT_URL_* variables differ.
 *
 * Handler modules (and anything that builds SDK clients or the logger at import time) are imported only after
 * process.env is complete, which is why the scheduler and the seeder are imported dynamically below.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FUNCTIONS, type FunctionSpec } from '../../functions/manifest';
import type { QueueId } from '../../shared/config/queues';
import { ensureTable } from '../dynamo/ensure-table';
import { startLocalDynamo } from '../dynamo/local-dynamo';
import { startGateway } from '../gateway/gateway-server';
import { createQueuesWithDlqs } from '../queues/create-queues';
import { isQueueFunction, startQueuePoller, type QueuePoller } from '../queues/poller';
import { createSchedulesDlq, sendToDeadLetterQueue } from '../queues/schedules-dlq';
import { startLocalSqs } from '../queues/sqs-server';
import { startLocalSes } from '../ses/ses-server';
import { eventBridgeTargets, startSesEventSimulator } from '../ses/event-simulator';
import { LOCAL_ACCOUNT_ID, type AwsIdentity } from './aws-identity';
import { createFunctionInvoker, withInvocationLog, type FunctionInvoker } from './function-invoker';
import { endpointEnvironment, lambdaEnvironment, type LocalEndpoints } from './lambda-environment';
import { REPO_ROOT, localStatePaths } from './paths';
import { errorMessage, stdoutLog, type RuntimeLog } from './runtime-log';
import { runningStackOf } from './running-stack';
import { readStackFile, writeStackFile, type StackFile } from './stack-file';
import { localSigningKey } from './signing-key';
import { seedDemoTenantWithStats, tenantForStack, type SeedTenant } from './stack-tenant';
import { runStartupRecovery } from './startup-recovery';
import { startTtlSweeper } from './ttl-sweeper';

/** The CDK app's retry policy for recurring schedules (infra/schedules.ts RETRY_POLICY). */
const RECURRING_SCHEDULE_RETRY_POLICY = { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 300 };

export interface LocalStackOptions {
  /** Where `.local/` lives; the repo root by default. */
  rootDir?: string;
  /** Folder for stack.json and data/; `<rootDir>/.local` by default. */
  stateDir?: string;
  stage?: string;
  region?: string;
  /** 0 = a free port. The API defaults to 3000, emulators to free ports. */
  ports?: { api?: number; dynamodb?: number; sqs?: number; ses?: number; scheduler?: number };
  /** Keep DynamoDB and schedules on disk under `<stateDir>/data` (default). Off: in memory, gone at stop. */
  persist?: boolean;
  /** Handler log level (Powertools); INFO unless LOG_LEVEL/POWERTOOLS_LOG_LEVEL says otherwise. */
  logLevel?: string;
  log?: RuntimeLog;
  /** Queue long-poll wait (20 s as Lambda's pollers; tests shorten it so stop() is quick). */
  pollWaitSeconds?: number;
  ttlSweepIntervalMs?: number;
  schedulerTickMs?: number;
  /** Used for the demo seed's anchor ("today"); the wall clock by default. */
  now?: () => Date;
  /** Functions to mount; the manifest by default. */
  functions?: readonly FunctionSpec[];
  /**
   * Seeds the tenant stack.json hands out, on first start: the demo tenant (local/seed) by default. Tests that only
   * need a working key pass a lighter one. Imported or called only after process.env is complete.
   */
  seedTenant?: SeedTenant;
}

export class LocalStackAlreadyRunning extends Error {
  override name = 'LocalStackAlreadyRunning';
}

export type { SeededTenant } from './stack-tenant';

export interface LocalStack {
  readonly info: StackFile;
  readonly stackFile: string;
  readonly invoker: FunctionInvoker;
  stop(): Promise<void>;
}

type Stop = () => Promise<void>;

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const rootDir = options.rootDir ?? REPO_ROOT;
  const stateDir = options.stateDir ?? join(rootDir, '.local');
  const { dataDir, stackFile: stackFilePath } = localStatePaths(stateDir);
  const stage = options.stage ?? 'dev';
  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const identity: AwsIdentity = { region, accountId: LOCAL_ACCOUNT_ID };
  const tableName = `facet-${stage}`;
  const persist = options.persist ?? true;
  const log = options.log ?? stdoutLog;
  const functions = options.functions ?? FUNCTIONS;
  const now = options.now ?? (() => new Date());
  const logLevel = options.logLevel ?? process.env.POWERTOOLS_LOG_LEVEL ?? process.env.LOG_LEVEL ?? 'INFO';
  const ports = options.ports ?? {};

  // The API stops first, so no request arrives while the rest shuts down; everything else in reverse start order.
  const stopFirst: Stop[] = [];
  const stops: Stop[] = [];
  const stopAll = async () => {
    for (const stop of [...stopFirst.splice(0), ...stops.splice(0).reverse()]) {
      try {
        await stop();
      } catch (error) {
        log(`[stack] stop step failed: ${errorMessage(error)}`);
      }
    }
  };

  const running = persist ? runningStackOf(stackFilePath) : undefined;
  if (running) {
    throw new LocalStackAlreadyRunning(`The local stack is already running from ${stateDir} (pid ${running.pid}, ${running.apiUrl}).`);
  }

  // Every SDK client below, and every one the handlers create, finds region and credentials here.
  Object.assign(process.env, { AWS_REGION: region, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
  delete process.env.AWS_PROFILE;
  if (persist) mkdirSync(dataDir, { recursive: true });

  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolveReady) => (markReady = resolveReady));
  const invoker = createFunctionInvoker({ rootDir, stage, identity });

  try {
    // The API binds first: its URL is part of the environment (PUBLIC_API_URL). Requests wait for `ready`.
    const gateway = await startGateway({ functions, invoker, identity, log, port: ports.api ?? 3000, whenReady: ready });
    stopFirst.push(gateway.stop);

    const dynamo = await startLocalDynamo({
      ...(persist ? { dataDir: join(dataDir, 'dynamo') } : {}),
      ...(ports.dynamodb ? { port: ports.dynamodb } : {}),
    });
    stops.push(dynamo.stop);
    const dynamoClient = new DynamoDBClient({ endpoint: dynamo.endpoint, region });
    stops.push(async () => dynamoClient.destroy());
    await ensureTable(dynamoClient, tableName);

    const sqsServer = await startLocalSqs({ region, ...(ports.sqs ? { port: ports.sqs } : {}) });
    stops.push(sqsServer.stop);
    const sqs = new SQSClient({ endpoint: sqsServer.endpoint, region });
    stops.push(async () => sqs.destroy());
    const queues = await createQueuesWithDlqs(sqs, stage);
    const schedulesDlq = await createSchedulesDlq(sqs, stage);
    const queueUrls = Object.fromEntries(Object.entries(queues).map(([id, queue]) => [id, queue.url])) as Record<QueueId, string>;

    const sesEmulator = await startLocalSes({});
    stops.push(sesEmulator.stop);
    // SES's EventBridge event publishing, as a proxy in front of the emulator: accepted mail becomes Delivery, Bounce,
    // Complaint... events for the functions with an `eventbridge` trigger (local/ses/event-simulator.ts).
    const ses = await startSesEventSimulator({
      upstream: sesEmulator.endpoint,
      ...(ports.ses ? { port: ports.ses } : {}),
      accountId: identity.accountId,
      region,
      deliver: eventBridgeTargets(functions, (spec, event) => withInvocationLog(invoker, '[ses-event]', log).invoke(spec, event)),
      log,
    });
    stops.push(ses.stop);

    // Complete before the scheduler module loads: it builds the Powertools logger the handlers share at import.
    Object.assign(
      process.env,
      lambdaEnvironment({
        stage,
        region,
        accountId: identity.accountId,
        tableName,
        queueUrls,
        publicApiUrl: gateway.url,
        schedulesDlqArn: schedulesDlq.arn,
        logLevel,
        signingKey: process.env.SIGNING_KEY || localSigningKey(stateDir),
      }),
    );
    const schedulerModule = await import('../scheduler');
    const scheduler = await schedulerModule.startLocalScheduler({
      ...(ports.scheduler ? { port: ports.scheduler } : {}),
      ...(persist ? { dataFile: join(dataDir, 'scheduler.jsonl') } : {}),
      invokeTarget: schedulerModule.manifestLambdaTargets({ stage, runner: withInvocationLog(invoker, '[schedule]', log), functions }),
      sendToDlq: (deadLetter) => sendToDeadLetterQueue(sqs, deadLetter),
      ...(options.schedulerTickMs === undefined ? {} : { tickMs: options.schedulerTickMs }),
      accountId: identity.accountId,
      region,
    });
    stops.push(scheduler.stop);

    const endpoints: LocalEndpoints = { dynamodb: dynamo.endpoint, sqs: sqsServer.endpoint, ses: ses.endpoint, scheduler: scheduler.endpoint };
    Object.assign(process.env, endpointEnvironment(endpoints));

    const schedulerClient = new SchedulerClient({ endpoint: scheduler.endpoint, region });
    await schedulerModule.registerManifestSchedules(schedulerClient, {
      stage,
      region,
      accountId: identity.accountId,
      functions,
      deadLetterQueueArn: schedulesDlq.arn,
      retryPolicy: RECURRING_SCHEDULE_RETRY_POLICY,
    });
    schedulerClient.destroy();

    const pollers: QueuePoller[] = functions.filter(isQueueFunction).map((spec) =>
      startQueuePoller({
        sqs,
        spec,
        queue: queues[spec.trigger.queue],
        region,
        invoker,
        log,
        ...(options.pollWaitSeconds === undefined ? {} : { waitTimeSeconds: options.pollWaitSeconds }),
      }),
    );
    // Stopped before the SQS client is destroyed, so in-flight batches finish (and delete their messages).
    stops.push(async () => {
      await Promise.all(pollers.map((poller) => poller.stop()));
    });

    const ttl = startTtlSweeper({
      client: dynamoClient,
      tableName,
      log,
      ...(options.ttlSweepIntervalMs === undefined ? {} : { intervalMs: options.ttlSweepIntervalMs }),
    });
    stops.push(ttl.stop);

    const previous = persist ? readStackFile(stackFilePath) : undefined;
    const demo = await tenantForStack({
      previous,
      client: dynamoClient,
      tableName,
      seed: options.seedTenant ?? seedDemoTenantWithStats,
      anchor: now(),
      stage,
      log,
    });

    await runStartupRecovery(invoker, functions, log);

    const info: StackFile = {
      apiUrl: gateway.url,
      tenantId: demo.tenantId,
      apiKeys: demo.apiKeys,
      mailViewerUrl: `${ses.endpoint}/`,
      endpoints,
      tableName,
      queueUrls,
      stage,
      region,
    };
    writeStackFile(stackFilePath, { ...info, pid: process.pid });
    // On stop the file stays (the demo keys live only there) but no longer claims a running process.
    stops.unshift(async () => writeStackFile(stackFilePath, info));
    markReady();

    return { info, stackFile: stackFilePath, invoker, stop: stopAll };
  } catch (error) {
    markReady();
    await stopAll();
    throw error;
  }
}
