import { QUEUES, type QueueId } from './queues';

/**
 * Everything a function reads from its environment, in one place. In AWS the CDK stack sets these; locally
 * local/start.ts sets the same names. AWS endpoints are never configured here: the SDK reads
 * AWS_ENDPOINT_URL_<SERVICE> itself, which is the only thing that differs on a laptop.
 */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Missing environment variable ${name}`);
  return value;
}

export const env = {
  stage: () => process.env.STAGE ?? 'dev',
  tableName: () => required('TABLE_NAME'),
  queueUrl: (queue: QueueId) => required(QUEUES[queue].urlEnv),
  /** Public base URL of the API (unsubscribe and tracking links). */
  publicApiUrl: () => required('PUBLIC_API_URL'),
  /** Run-time schedules (set by the CDK app's schedules.grantManageSchedules; names as in infra/schedules.ts SCHEDULE_ENV). */
  scheduleGroup: () => required('SCHEDULE_GROUP'),
  schedulerRoleArn: () => required('SCHEDULER_ROLE_ARN'),
  scheduleDeadLetterQueueArn: () => required('SCHEDULE_DLQ_ARN'),
  /** ARN of another manifest function this one targets (e.g. a schedule's target); see functionArnEnv. */
  functionArn: (functionId: string) => required(functionArnEnv(functionId)),
  /** The platform's verified sender address, used until a tenant's own domain is verified. */
  platformFromAddress: () => process.env.PLATFORM_FROM_ADDRESS || 'no-reply@mail.facet.example',
  /**
   * The SES account's maximum send rate (emails per second, from the SES console or GetAccount), shared between the
   * send workers (shared/domain/sending/pacing.ts). 14 is SES's usual starting rate out of the sandbox.
   */
  sesMaxSendRate: () => positiveNumber('SES_MAX_SEND_RATE', 14),
  /** Configuration set every send names (set by the CDK app's email.grantSendEmail); absent: none. */
  sesConfigurationSet: () => process.env.SES_CONFIGURATION_SET || undefined,
  /**
   * `arn:{partition}:ses:{region}:{account}`: SES tenant associations name identities and the configuration set by ARN
   * (set by infra/email.ts). Against an emulator (AWS_ENDPOINT_URL_SESV2 set) the local account stands in.
   */
  sesArnPrefix: () =>
    process.env.SES_ARN_PREFIX ||
    (process.env.AWS_ENDPOINT_URL_SESV2 ? `arn:aws:ses:${process.env.AWS_REGION ?? 'us-east-1'}:000000000000` : required('SES_ARN_PREFIX')),
};

function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`Environment variable ${name} must be a positive number, got ${raw}`);
  return value;
}

/** `campaign-dispatcher` -> `CAMPAIGN_DISPATCHER_ARN`: the variable that carries a manifest function's ARN. */
export const functionArnEnv = (functionId: string) => `${functionId.toUpperCase().replace(/-/g, '_')}_ARN`;

export const isDevStage = (stage: string) => stage === 'dev' || stage.startsWith('dev-') || stage === 'local';
