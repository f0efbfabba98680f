/**
 * The SES events rule and what keeps its events from being lost: the rule target's retries and dead-letter queue, the
 * function's asynchronous retries and on-failure destination (the same queue), the alarm on that queue and its
 * dashboard panel, checked on the synthesized app (assets not bundled: only the template matters here).
 */
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVENT_MAX_AGE, FUNCTION_RETRY_ATTEMPTS, RULE_TARGET_RETRY_ATTEMPTS } from '../../infra/engagement';
import { DLQ_RETENTION_SECONDS } from '../../shared/config/queues';
import { SES_EVENT_PATTERN } from '../../shared/domain/engagement/ses-event-pattern';
import { allPolicyStatements, asArray, synthesizeFacet, type SynthesizedFacet } from './synth';

const STAGE = 'dev';
const DLQ_NAME = `facet-${STAGE}-email-events-dlq`;

let facet: SynthesizedFacet;
type Resource = { Properties: Record<string, any> };

beforeAll(() => {
  facet = synthesizeFacet({ stage: STAGE, bundle: false });
}, 120_000);

function single(type: string, props: Record<string, unknown>): [string, Resource] {
  const found = Object.entries(facet.template.findResources(type, { Properties: props })) as [string, Resource][];
  expect(found, `${type} ${JSON.stringify(props)}`).toHaveLength(1);
  return found[0]!;
}

/** Alarms and dashboard are in the operations nested stack. */
function operationsSingle(type: string, props: Record<string, unknown>): [string, Resource] {
  const found = Object.entries(facet.operationsTemplate.findResources(type, { Properties: props })) as [string, Resource][];
  expect(found, `${type} ${JSON.stringify(props)}`).toHaveLength(1);
  return found[0]!;
}

const functionId = () => single('AWS::Lambda::Function', { FunctionName: `facet-${STAGE}-email-events` })[0];
const dlqId = () => single('AWS::SQS::Queue', { QueueName: DLQ_NAME })[0];
const ruleOf = () => single('AWS::Events::Rule', { Name: `facet-${STAGE}-email-events` });

describe('the SES events rule', () => {
  it("matches the consumed SES events of the stage's configuration set only", () => {
    const [, rule] = ruleOf();
    expect(rule.Properties.EventBusName).toBe('default');
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.ses'],
      'detail-type': [...SES_EVENT_PATTERN.detailType],
      detail: { mail: { tags: { 'ses:configuration-set': [`facet-${STAGE}`] } } },
    });
  });

  it('invokes the email-events function with a retry policy and the dead-letter queue', () => {
    const [, rule] = ruleOf();
    expect(rule.Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [functionId(), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId(), 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: RULE_TARGET_RETRY_ATTEMPTS, MaximumEventAgeInSeconds: EVENT_MAX_AGE.toSeconds() },
      }),
    ]);
    expect(RULE_TARGET_RETRY_ATTEMPTS).toBeGreaterThan(0);
  });

  it('lets EventBridge put into the dead-letter queue for this rule only', () => {
    const [ruleId] = ruleOf();
    facet.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: dlqId() }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
          }),
        ]),
      },
    });
  });
});

describe('the dead-letter queue', () => {
  it('is SQS-encrypted, TLS-only and keeps messages 14 days', () => {
    const [id, queue] = single('AWS::SQS::Queue', { QueueName: DLQ_NAME });
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    expect(queue.Properties.MessageRetentionPeriod).toBe(DLQ_RETENTION_SECONDS);
    expect(DLQ_RETENTION_SECONDS).toBe(14 * 24 * 3600);
    facet.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: id }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it("is the function's on-failure destination after its asynchronous retries", () => {
    const [, config] = single('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: functionId() } });
    expect(config.Properties).toMatchObject({
      Qualifier: '$LATEST',
      MaximumRetryAttempts: FUNCTION_RETRY_ATTEMPTS,
      MaximumEventAgeInSeconds: EVENT_MAX_AGE.toSeconds(),
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlqId(), 'Arn'] } } },
    });
  });

  it("may be written by the function's role (the destination is sent as the function), and by nothing else of ours", () => {
    const [, fn] = single('AWS::Lambda::Function', { FunctionName: `facet-${STAGE}-email-events` });
    const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
    const writers = allPolicyStatements(facet.template)
      .filter(({ statement }) => asArray(statement.Action).includes('sqs:SendMessage'))
      .filter(({ statement }) => JSON.stringify(statement.Resource).includes(`"${dlqId()}"`))
      .map(({ owner }) => (facet.template.toJSON().Resources[owner].Properties.Roles ?? [{ Ref: owner }]) as { Ref: string }[]);
    expect(writers.flat()).toEqual([{ Ref: roleId }]);
  });
});

describe('operations', () => {
  it('alarms on the first message in the queue, under a name and description an operator can act on', () => {
    const [, alarm] = operationsSingle('AWS::CloudWatch::Alarm', { AlarmName: `facet-${STAGE}-email-events-dlq-depth` });
    expect(facet.inParent(alarm.Properties)).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId(), 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: expect.stringMatching(/AlarmTopic/) }],
    });
    const description = alarm.Properties.AlarmDescription as string;
    expect(description).toContain('SES events');
    expect(description).toContain('NOT processed');
    expect(description).toContain(DLQ_NAME);
    expect(description).toContain('suppressed');
  });

  it('shows the queue depth in the engagement section of the dashboard', () => {
    const [, dashboard] = operationsSingle('AWS::CloudWatch::Dashboard', { DashboardName: `facet-${STAGE}-operations` });
    const body = JSON.stringify(facet.inParent(dashboard.Properties.DashboardBody));
    const section = body.slice(body.indexOf('Email reputation and engagement'));
    expect(section).toContain('SES events not processed (dead-letter queue)');
    expect(section).toContain(dlqId());
    expect(section).toContain('ApproximateNumberOfMessagesVisible');
  });

  it('leaves cdk-nag clean: the only acknowledgement on the queue is that it is itself a dead-letter queue', () => {
    const report = new AwsSolutionsChecks().validateScope(facet.app);
    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
    const queue = facet.template.toJSON().Resources[dlqId()];
    const acknowledged = (queue.Metadata?.cdk_nag?.rules_to_suppress ?? []) as { id: string }[];
    expect(acknowledged.map((rule) => rule.id)).toEqual(['AwsSolutions-SQS3']);
  });
});
