/**
 * The extension points later capabilities use: their own alarms (e.g. the runner heartbeat) and dashboard sections;
 * and the operations nested stack that holds them in the app.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRICS_NAMESPACE } from '../../infra/facet-function';
import { declareAlarmEmailParameter, Observability } from '../../infra/observability';
import { OperationsStack } from '../../infra/operations-stack';
import { stageSettings } from '../../infra/stage-settings';
import { nestedParameterResolver } from './synth';

let template: Template;

beforeAll(() => {
  const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'observability');
  const observability = new Observability(stack, 'Observability', stageSettings('dev'));
  const heartbeat = new Metric({ namespace: METRICS_NAMESPACE, metricName: 'RunnerPassCompleted', statistic: 'Sum' });
  observability.addAlarm({
    id: 'runner-silent',
    description: 'No automation runner pass completed in the last hour.',
    metric: heartbeat,
    threshold: 1,
    when: 'below',
    evaluationPeriods: 12,
    missingDataBreaches: true,
  });
  observability.addSection('Automations', [observability.graph('Runner passes', [heartbeat])]);
  template = Template.fromStack(stack);
});

it('adds an alarm on silence that notifies the alarm topic', () => {
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    AlarmName: 'facet-dev-runner-silent',
    Namespace: METRICS_NAMESPACE,
    MetricName: 'RunnerPassCompleted',
    ComparisonOperator: 'LessThanThreshold',
    Threshold: 1,
    EvaluationPeriods: 12,
    TreatMissingData: 'breaching',
    AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopic') }],
  });
});

it('adds a titled section to the operations dashboard', () => {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const body = JSON.stringify(dashboard!.Properties.DashboardBody);
  expect(body).toContain('## Automations');
  expect(body).toContain('Runner passes');
  expect(body).toContain('RunnerPassCompleted');
});

describe('in the operations nested stack', () => {
  let parent: Template;
  let nested: Template;
  let inParent: (value: unknown) => unknown;

  beforeAll(() => {
    const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'parent');
    const settings = stageSettings('dev');
    const alarmEmail = declareAlarmEmailParameter(stack);
    const operations = new OperationsStack(stack, 'Operations', { settings, alarmEmail: alarmEmail.valueAsString });
    const deadLetters = new Queue(stack, 'DeadLetters', { queueName: 'facet-dev-work-dlq' });
    operations.observability.watchDeadLetterQueue('work', deadLetters);
    parent = Template.fromStack(stack);
    nested = Template.fromStack(operations);
    inParent = nestedParameterResolver(parent, operations);
  });

  it('leaves no alarm, topic or dashboard in the parent, only the nested stack', () => {
    parent.resourceCountIs('AWS::CloudFormation::Stack', 1);
    for (const type of ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Dashboard', 'AWS::SNS::Topic']) {
      parent.resourceCountIs(type, 0);
      nested.resourceCountIs(type, 1);
    }
  });

  it("subscribes the parent's AlarmEmail deploy parameter, passed on under the same name", () => {
    parent.hasParameter('AlarmEmail', { Type: 'String', AllowedPattern: Match.anyValue() });
    nested.hasParameter('AlarmEmail', { Type: 'String', AllowedPattern: Match.anyValue() });
    parent.hasResourceProperties('AWS::CloudFormation::Stack', { Parameters: Match.objectLike({ AlarmEmail: { Ref: 'AlarmEmail' } }) });
    nested.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: { Ref: 'AlarmEmail' } });
  });

  it("alarms on the parent's queue under the same name, through a nested-stack parameter", () => {
    const [alarm] = Object.values(nested.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: 'facet-dev-work-dlq-depth' } }));
    const dimension = (alarm!.Properties.Dimensions as { Value: unknown }[])[0]!.Value;
    expect(dimension).toEqual({ Ref: expect.stringMatching(/^referenceto/) });
    const [queueId] = Object.keys(parent.findResources('AWS::SQS::Queue'));
    expect(inParent(dimension)).toEqual({ 'Fn::GetAtt': [queueId, 'QueueName'] });
  });
});
