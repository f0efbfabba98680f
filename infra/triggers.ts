import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Api } from './api';
import type { EventRules } from './engagement';
import type { FacetFunction } from './facet-function';
import type { Messaging } from './messaging';
import type { Schedules } from './schedules';

/**
 * AWS guidance for SQS event sources: a message must stay invisible for at least six times the consumer's timeout,
 * or a batch still being processed (or retried by the poller) becomes visible again and is handled twice.
 */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

export interface TriggerSources {
  readonly api: Api;
  readonly messaging: Messaging;
  readonly schedules: Schedules;
  /** Rules on the default event bus; needed only by functions with an `eventbridge` trigger. */
  readonly eventRules?: EventRules;
}

/** Connects a function to what invokes it, as its manifest entry says. */
export function wireTrigger(fn: FacetFunction, sources: TriggerSources): void {
  const { trigger } = fn.spec;
  switch (trigger.kind) {
    case 'http':
      sources.api.addContractRoutes(fn.spec.id, fn.handler, trigger.routes);
      return;
    case 'authorizer':
      // The Api construct attaches the authorizer to every non-public route.
      return;
    case 'queue': {
      const { queue, definition } = sources.messaging.queue(trigger.queue);
      const minimum = VISIBILITY_TIMEOUT_FACTOR * fn.spec.timeoutSeconds;
      if (definition.visibilityTimeoutSeconds < minimum) {
        throw new Error(
          `Queue ${definition.name}: visibility timeout ${definition.visibilityTimeoutSeconds}s is below ` +
            `${VISIBILITY_TIMEOUT_FACTOR} x ${fn.spec.id}'s timeout (${minimum}s)`,
        );
      }
      fn.handler.addEventSource(
        new SqsEventSource(queue, {
          batchSize: trigger.batchSize,
          maxConcurrency: trigger.maxConcurrency,
          reportBatchItemFailures: true,
        }),
      );
      return;
    }
    case 'schedule':
      sources.schedules.addRecurringSchedule({
        name: fn.spec.id,
        expression: trigger.expression,
        description: trigger.description,
        target: fn.handler,
      });
      return;
    case 'scheduled-target':
      // Run-time schedules are created by other functions (access.scheduleTargets); they run as the group's role.
      sources.schedules.allowRuntimeSchedulesToInvoke(fn.handler);
      return;
    case 'eventbridge':
      if (!sources.eventRules) throw new Error(`${fn.spec.id} has an eventbridge trigger but no event rules were given`);
      sources.eventRules.addTarget(fn, trigger);
      return;
    default: {
      const unknown: never = trigger;
      throw new Error(`Unknown trigger ${JSON.stringify(unknown)}`);
    }
  }
}
