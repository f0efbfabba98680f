import { Duration } from 'aws-cdk-lib';
import type { Api } from './api';
import type { FacetFunction } from './facet-function';
import type { Messaging } from './messaging';
import type { Observability } from './observability';
import type { Schedules } from './schedules';

export interface CoreResources {
  readonly api: Api;
  readonly functions: readonly FacetFunction[];
  readonly messaging: Messaging;
  readonly schedules: Schedules;
}

const period = Duration.minutes(5);

/**
 * The foundation's alarms and dashboard sections: every function's errors and throttles, every dead-letter queue's
 * depth, and panels for the API, the functions, the queues and the dead-letter queues.
 */
export function addCoreOperations(observability: Observability, core: CoreResources): void {
  const deadLetterQueues = [
    ...core.messaging.all().map(({ definition, deadLetterQueue }) => ({ name: definition.name, queue: deadLetterQueue })),
    { name: 'schedules', queue: core.schedules.deadLetterQueue },
  ];
  for (const fn of core.functions) observability.watchFunction(fn.spec.id, fn.handler);
  for (const dlq of deadLetterQueues) observability.watchDeadLetterQueue(dlq.name, dlq.queue);

  const { httpApi } = core.api;
  observability.addSection('API', [
    observability.graph(
      'Requests and errors',
      [httpApi.metricCount({ period, label: 'requests' })],
      [
        httpApi.metricClientError({ period, label: '4xx' }),
        httpApi.metricServerError({ period, label: '5xx' }),
      ],
    ),
    observability.graph('Latency (ms)', [
      httpApi.metricLatency({ period, statistic: 'p50', label: 'p50' }),
      httpApi.metricLatency({ period, statistic: 'p99', label: 'p99' }),
      httpApi.metricIntegrationLatency({ period, statistic: 'p99', label: 'integration p99' }),
    ]),
  ]);

  const byFunction = <T>(metric: (fn: FacetFunction) => T) => core.functions.map(metric);
  observability.addSection('Functions', [
    observability.graph('Errors', byFunction((fn) => fn.handler.metricErrors({ period, label: fn.spec.id }))),
    observability.graph('Throttles', byFunction((fn) => fn.handler.metricThrottles({ period, label: fn.spec.id }))),
    observability.graph(
      'Duration p95 (ms)',
      byFunction((fn) => fn.handler.metricDuration({ period, statistic: 'p95', label: fn.spec.id })),
    ),
  ]);

  const queues = core.messaging.all();
  observability.addSection('Queues', [
    observability.graph(
      'Messages waiting',
      queues.map(({ definition, queue }) =>
        queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: definition.name }),
      ),
    ),
    observability.graph(
      'Age of oldest message (s)',
      queues.map(({ definition, queue }) =>
        queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum', label: definition.name }),
      ),
    ),
    observability.graph(
      'Dead-letter queue depth',
      deadLetterQueues.map(({ name, queue }) =>
        queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: name }),
      ),
    ),
  ]);
}
