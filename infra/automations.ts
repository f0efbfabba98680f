import { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { RUNNER_METRICS, runnerDimensions } from '../shared/domain/automations/store/runner-metrics';
import type { FacetFunction } from './facet-function';
import type { Observability } from './observability';

/** A send hour reached this late means the runner is behind (its schedule is every 15 minutes). */
export const RUNNER_LATENESS_ALARM_SECONDS = 45 * 60;

/**
 * The automation runner's operations: the heartbeat alarm (no completed pass in the last hour: a runner that stopped
 * is caught within the hour, not months later), alarms on errors inside passes (a tenant whose pass failed) and on
 * lateness, and a dashboard section. The metrics are the ones the runner emits (shared/domain/automations/store/
 * runner-metrics.ts), with the same dimensions.
 */
export function addAutomationOperations(observability: Observability, runner: FacetFunction, stage: string): void {
  // Labels are for graphs only: an alarm on a labelled metric is rendered as metric math.
  const metric = (metricName: string, statistic: string, period: Duration, label?: string) =>
    new Metric({ namespace: RUNNER_METRICS.namespace, metricName, dimensionsMap: runnerDimensions(stage), statistic, period, ...(label ? { label } : {}) });

  const passesPerHour = metric(RUNNER_METRICS.heartbeat, 'Sum', Duration.hours(1));
  observability.addAlarm({
    id: 'automation-runner-silent',
    description:
      'No automation runner pass completed in the last hour: birthday, reminder and other automation messages are not ' +
      'going out. Check the automation-runner function, its schedule and its errors.',
    metric: passesPerHour,
    threshold: 1,
    when: 'below',
    missingDataBreaches: true,
  });
  observability.addAlarm({
    id: 'automation-runner-pass-errors',
    description: 'Automation runner passes failed for some tenants or occurrences (see the function log by tenantId).',
    metric: metric(RUNNER_METRICS.errors, 'Sum', Duration.minutes(15)),
    threshold: 0,
    when: 'above',
  });
  observability.addAlarm({
    id: 'automation-runner-late',
    description: `Automation messages went out more than ${RUNNER_LATENESS_ALARM_SECONDS / 60} minutes after their send hour.`,
    metric: metric(RUNNER_METRICS.lateness, 'Maximum', Duration.minutes(15)),
    threshold: RUNNER_LATENESS_ALARM_SECONDS,
    when: 'above',
  });

  const period = Duration.minutes(15);
  observability.addSection('Automation runner', [
    observability.graph('Passes (heartbeat) and errors', [metric(RUNNER_METRICS.heartbeat, 'Sum', period, 'passes')], [
      metric(RUNNER_METRICS.errors, 'Sum', period, 'errors'),
      runner.handler.metricErrors({ period, label: 'function errors' }),
    ]),
    observability.graph('Lateness (s) and pass duration (ms)', [metric(RUNNER_METRICS.lateness, 'Maximum', period, 'lateness max (s)')], [
      metric(RUNNER_METRICS.duration, 'Maximum', period, 'duration max (ms)'),
    ]),
    observability.graph(
      'Occurrences',
      [
        metric(RUNNER_METRICS.enqueued, 'Sum', period, 'messages enqueued'),
        metric(RUNNER_METRICS.skipped, 'Sum', period, 'skipped'),
        metric(RUNNER_METRICS.missed, 'Sum', period, 'missed'),
      ],
      [metric(RUNNER_METRICS.customersRead, 'Sum', period, 'customers read'), metric(RUNNER_METRICS.partialTenants, 'Maximum', period, 'tenants resumed later')],
    ),
  ]);
}
