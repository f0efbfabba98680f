/**
 * The runner's CloudWatch metrics (Powertools Metrics, embedded metric format in the function's log): names and
 * dimensions in one place, so the CDK app's alarms and dashboard (infra/automations.ts) watch exactly what the
 * function emits. The heartbeat is emitted at the end of every pass that completed, whatever it found: its absence
 * for an hour is the "runner stopped" alarm.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { PassReport } from '../runner';

export const RUNNER_METRICS = {
  namespace: 'Facet',
  service: 'automation-runner',
  heartbeat: 'AutomationRunnerPassCompleted',
  errors: 'AutomationRunnerErrors',
  lateness: 'AutomationRunnerLatenessSeconds',
  duration: 'AutomationRunnerDurationMs',
  partialTenants: 'AutomationRunnerPartialTenants',
  enqueued: 'AutomationMessagesEnqueued',
  missed: 'AutomationOccurrencesMissed',
  skipped: 'AutomationOccurrencesSkipped',
  customersRead: 'AutomationCustomersRead',
} as const;

/** Dimensions every runner metric carries (Powertools adds `service`). */
export const runnerDimensions = (stage: string) => ({ service: RUNNER_METRICS.service, stage });

let metrics: Metrics | undefined;

function runnerMetrics(stage: string): Metrics {
  metrics ??= new Metrics({ namespace: RUNNER_METRICS.namespace, serviceName: RUNNER_METRICS.service, defaultDimensions: { stage } });
  return metrics;
}

/** Publishes one pass's metrics (a pass that threw publishes its error count only, and no heartbeat). */
export function publishPassMetrics(stage: string, report: PassReport | undefined): void {
  const m = runnerMetrics(stage);
  if (report === undefined) {
    m.addMetric(RUNNER_METRICS.errors, MetricUnit.Count, 1);
    m.publishStoredMetrics();
    return;
  }
  m.addMetric(RUNNER_METRICS.heartbeat, MetricUnit.Count, 1);
  m.addMetric(RUNNER_METRICS.errors, MetricUnit.Count, report.errors);
  m.addMetric(RUNNER_METRICS.lateness, MetricUnit.Seconds, report.maxLatenessSeconds);
  m.addMetric(RUNNER_METRICS.duration, MetricUnit.Milliseconds, report.durationMs);
  m.addMetric(RUNNER_METRICS.partialTenants, MetricUnit.Count, report.partialTenants);
  m.addMetric(RUNNER_METRICS.enqueued, MetricUnit.Count, report.totals.enqueued);
  m.addMetric(RUNNER_METRICS.missed, MetricUnit.Count, report.totals.missed);
  m.addMetric(RUNNER_METRICS.skipped, MetricUnit.Count, Object.values(report.totals.skipped).reduce((sum, n) => sum + n, 0));
  m.addMetric(RUNNER_METRICS.customersRead, MetricUnit.Count, report.totals.customersRead);
  m.publishStoredMetrics();
}
