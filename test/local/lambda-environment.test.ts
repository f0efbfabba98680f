import { describe, expect, it } from 'vitest';
import { SES_CONFIGURATION_SET_ENV } from '../../infra/email';
import { METRICS_NAMESPACE } from '../../infra/facet-function';
import { SCHEDULE_ENV } from '../../infra/schedules';
import { CDK_ENV_NAMES, endpointEnvironment, lambdaEnvironment } from '../../local/runtime/lambda-environment';
import { QUEUES, type QueueId } from '../../shared/config/queues';

describe('the Lambda environment of the local runtime', () => {
  it('uses the variable names the CDK stack sets', () => {
    expect(CDK_ENV_NAMES).toEqual({
      scheduleGroup: SCHEDULE_ENV.group,
      schedulerRoleArn: SCHEDULE_ENV.roleArn,
      scheduleDlqArn: SCHEDULE_ENV.deadLetterQueueArn,
      sesConfigurationSet: SES_CONFIGURATION_SET_ENV,
    });
  });

  it('carries the table, stage, queue URLs, public URL and Powertools settings', () => {
    const queueUrls = Object.fromEntries(Object.keys(QUEUES).map((id) => [id, `http://sqs/${id}`])) as Record<QueueId, string>;
    const environment = lambdaEnvironment({
      stage: 'dev',
      region: 'eu-west-1',
      accountId: '123456789012',
      tableName: 'facet-dev',
      queueUrls,
      publicApiUrl: 'http://127.0.0.1:3000',
      schedulesDlqArn: 'arn:aws:sqs:eu-west-1:123456789012:facet-dev-schedules-dlq',
      logLevel: 'INFO',
    });
    expect(environment).toMatchObject({
      AWS_REGION: 'eu-west-1',
      STAGE: 'dev',
      TABLE_NAME: 'facet-dev',
      PUBLIC_API_URL: 'http://127.0.0.1:3000',
      POWERTOOLS_SERVICE_NAME: 'facet',
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      SCHEDULE_GROUP: 'facet-dev',
      SCHEDULE_DLQ_ARN: 'arn:aws:sqs:eu-west-1:123456789012:facet-dev-schedules-dlq',
      // the target of run-time campaign schedules, in the form the local scheduler maps back to the function
      CAMPAIGN_DISPATCHER_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:facet-dev-campaign-dispatcher',
    });
    for (const [id, definition] of Object.entries(QUEUES)) {
      expect(environment[definition.urlEnv]).toBe(`http://sqs/${id}`);
    }
  });

  it('points each SDK at its emulator through AWS_ENDPOINT_URL_<SERVICE>', () => {
    expect(endpointEnvironment({ dynamodb: 'http://d', sqs: 'http://q', ses: 'http://e', scheduler: 'http://s' })).toEqual({
      AWS_ENDPOINT_URL_DYNAMODB: 'http://d',
      AWS_ENDPOINT_URL_SQS: 'http://q',
      AWS_ENDPOINT_URL_SESV2: 'http://e',
      AWS_ENDPOINT_URL_SCHEDULER: 'http://s',
    });
  });
});
