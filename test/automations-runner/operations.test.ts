/**
 * What operators get: the runner's recurring schedule and its alarms in the synthesized stack (the heartbeat alarm
 * breaches on silence), watching exactly the metrics the runner emits (namespace, names and dimensions checked on
 * the embedded-metric-format line it prints).
 */
import { Match } from 'aws-cdk-lib/assertions';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RUNNER_LATENESS_ALARM_SECONDS } from '../../infra/automations';
import { RUNNER_METRICS, publishPassMetrics } from '../../shared/domain/automations/store/runner-metrics';
import { emptyRunCounts } from '../../shared/domain/automations/store/run-store';
import { synthesizeFacet, type SynthesizedFacet } from '../infra/synth';

let facet: SynthesizedFacet;

beforeAll(() => {
  facet = synthesizeFacet({ stage: 'dev', bundle: false });
}, 120_000);

describe('the synthesized stack', () => {
  it('runs the automation runner every 15 minutes from EventBridge Scheduler', () => {
    facet.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'facet-dev-automation-runner',
      ScheduleExpression: 'rate(15 minutes)',
      State: 'ENABLED',
      Target: Match.objectLike({ Input: Match.stringLikeRegexp('"scheduledTime":"<aws.scheduler.scheduled-time>"') }),
    });
  });

  it('alarms when no runner pass completed in the last hour, on errors and on lateness', () => {
    const dimensions = [
      { Name: 'service', Value: RUNNER_METRICS.service },
      { Name: 'stage', Value: 'dev' },
    ];
    facet.operationsTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'facet-dev-automation-runner-silent',
      Namespace: RUNNER_METRICS.namespace,
      MetricName: RUNNER_METRICS.heartbeat,
      Dimensions: dimensions,
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 1,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopic') }],
    });
    facet.operationsTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'facet-dev-automation-runner-pass-errors',
      MetricName: RUNNER_METRICS.errors,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      TreatMissingData: 'notBreaching',
    });
    facet.operationsTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'facet-dev-automation-runner-late',
      MetricName: RUNNER_METRICS.lateness,
      Statistic: 'Maximum',
      Threshold: RUNNER_LATENESS_ALARM_SECONDS,
    });
  });

  it('has a dashboard section for the runner', () => {
    const [dashboard] = Object.values(facet.operationsTemplate.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);
    expect(body).toContain('## Automation runner');
    expect(body).toContain(RUNNER_METRICS.lateness);
  });

  it('lets the runner put send jobs on the priority lane only', () => {
    const runner = facet.stack.fn('automation-runner');
    expect(runner.spec.access).toEqual({ table: 'readwrite', sendTo: ['sendPriority'] });
  });
});

describe('the metrics the runner emits', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints one EMF line per pass with the heartbeat, in the namespace and dimensions the alarms watch', () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
    publishPassMetrics('dev', {
      passId: 'p',
      now: new Date().toISOString(),
      tenants: 1,
      automations: 2,
      partialTenants: 0,
      busyTenants: 0,
      errors: 0,
      totals: { ...emptyRunCounts(), enqueued: 3 },
      maxLatenessSeconds: 120,
      durationMs: 900,
    });
    log.mockRestore();
    const emf = lines.map((line) => line.trim()).filter((line) => line.startsWith('{') && line.includes('_aws')).map((line) => JSON.parse(line));
    expect(emf).toHaveLength(1);
    const [entry] = emf;
    expect(entry._aws.CloudWatchMetrics[0].Namespace).toBe(RUNNER_METRICS.namespace);
    expect(entry._aws.CloudWatchMetrics[0].Dimensions[0].sort()).toEqual(['service', 'stage']);
    expect(entry).toMatchObject({ service: RUNNER_METRICS.service, stage: 'dev', [RUNNER_METRICS.heartbeat]: 1, [RUNNER_METRICS.lateness]: 120, [RUNNER_METRICS.enqueued]: 3 });
  });
});
