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
};

export const isDevStage = (stage: string) => stage === 'dev' || stage.startsWith('dev-') || stage === 'local';
