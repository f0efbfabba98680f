/** The extension points later capabilities use: their own alarms (e.g. the runner heartbeat) and dashboard sections. */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { beforeAll, expect, it } from 'vitest';
import { METRICS_NAMESPACE } from '../../infra/facet-function';
import { Observability } from '../../infra/observability';
import { stageSettings } from '../../infra/stage-settings';

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
