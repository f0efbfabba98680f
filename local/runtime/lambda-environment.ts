import { FUNCTIONS } from '../../functions/manifest';
import { functionArnEnv } from '../../shared/config/env';
import { QUEUES, type QueueId } from '../../shared/config/queues';

/** The emulator endpoints, one per AWS service the functions call. */
export interface LocalEndpoints {
  readonly dynamodb: string;
  readonly sqs: string;
  readonly ses: string;
  readonly scheduler: string;
}

/**
 * Names CDK gives these variables (infra/facet-function.ts, infra/schedules.ts SCHEDULE_ENV, infra/email.ts
 * SES_CONFIGURATION_SET_ENV); repeated here because importing infra/ would load aws-cdk-lib into the laptop runtime.
 * test/local/lambda-environment.test.ts keeps the two in step.
 */
export const CDK_ENV_NAMES = {
  scheduleGroup: 'SCHEDULE_GROUP',
  schedulerRoleArn: 'SCHEDULER_ROLE_ARN',
  scheduleDlqArn: 'SCHEDULE_DLQ_ARN',
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
} as const;

export interface LambdaEnvironmentInput {
  stage: string;
  region: string;
  accountId: string;
  tableName: string;
  queueUrls: Record<QueueId, string>;
  publicApiUrl: string;
  schedulesDlqArn: string;
  logLevel: string;
  /** HMAC key of unsubscribe links (in AWS the functions read it from Secrets Manager instead: SIGNING_KEY_SECRET_ARN). */
  signingKey?: string;
}

/**
 * process.env as a function sees it in AWS: what the CDK stack sets (stage, table, queue URLs, public URL, Powertools,
 * schedule group and role, SES configuration set) plus what Lambda itself provides (region, credentials). In AWS each
 * function gets only the queue URLs it may send to; in one process every function sees all of them.
 */
export function lambdaEnvironment(input: LambdaEnvironmentInput): Record<string, string> {
  const prefix = `facet-${input.stage}`;
  return {
    AWS_REGION: input.region,
    AWS_DEFAULT_REGION: input.region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    STAGE: input.stage,
    TABLE_NAME: input.tableName,
    PUBLIC_API_URL: input.publicApiUrl,
    POWERTOOLS_SERVICE_NAME: 'facet',
    POWERTOOLS_METRICS_NAMESPACE: 'Facet',
    LOG_LEVEL: input.logLevel,
    POWERTOOLS_LOG_LEVEL: input.logLevel,
    [CDK_ENV_NAMES.scheduleGroup]: prefix,
    [CDK_ENV_NAMES.schedulerRoleArn]: `arn:aws:iam::${input.accountId}:role/${prefix}-scheduler-runtime`,
    [CDK_ENV_NAMES.scheduleDlqArn]: input.schedulesDlqArn,
    [CDK_ENV_NAMES.sesConfigurationSet]: prefix,
    ...Object.fromEntries((Object.keys(QUEUES) as QueueId[]).map((id) => [QUEUES[id].urlEnv, input.queueUrls[id]])),
    ...(input.signingKey ? { SIGNING_KEY: input.signingKey } : {}),
    ...scheduleTargetArns(input, prefix),
  };
}

/**
 * ARNs of the functions that run-time schedules target (`access.scheduleTargets`), as CDK passes them; the local
 * scheduler maps the same ARN back to the manifest function.
 */
function scheduleTargetArns(input: LambdaEnvironmentInput, prefix: string): Record<string, string> {
  const targets = new Set(FUNCTIONS.flatMap((fn) => ('scheduleTargets' in fn.access ? (fn.access.scheduleTargets as readonly string[]) : [])));
  return Object.fromEntries(
    [...targets].map((id) => [functionArnEnv(id), `arn:aws:lambda:${input.region}:${input.accountId}:function:${prefix}-${id}`]),
  );
}

/** The only local difference: the SDK's per-service endpoint variables, which every client reads by itself. */
export function endpointEnvironment(endpoints: LocalEndpoints): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_SESV2: endpoints.ses,
    AWS_ENDPOINT_URL_SCHEDULER: endpoints.scheduler,
  };
}
