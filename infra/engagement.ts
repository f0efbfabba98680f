import { Duration, Validations } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionSpec } from '../functions/manifest';
import { DLQ_RETENTION_SECONDS } from '../shared/config/queues';
import { BOUNCE_RATE_LIMIT, COMPLAINT_RATE_LIMIT, REPUTATION_HOLD_METRIC } from '../shared/domain/engagement/reputation';
import type { Email } from './email';
import type { FacetFunction } from './facet-function';
import { METRICS_NAMESPACE } from './facet-function';
import type { Observability } from './observability';
import type { StageSettings } from './stage-settings';

type EventBridgeTrigger = Extract<FunctionSpec['trigger'], { kind: 'eventbridge' }>;

/** Lambda retries an event the function failed twice (its most), spaced out over minutes; the handlers are idempotent. */
export const FUNCTION_RETRY_ATTEMPTS = 2;
/** EventBridge retries an invocation it could not make (throttled, function unavailable) with backoff up to this many times. */
export const RULE_TARGET_RETRY_ATTEMPTS = 8;
/** Neither EventBridge nor Lambda keeps an event older than this: it goes to the dead-letter queue instead. */
export const EVENT_MAX_AGE = Duration.hours(6);

/** An `eventbridge` function's dead-letter queue: every event of its rule that was not processed. */
export interface EventDeadLetterQueue {
  readonly functionId: string;
  /** The trigger's description: what the events are. */
  readonly events: string;
  /** Physical name, as the console lists it. */
  readonly queueName: string;
  readonly queue: Queue;
}

/**
 * Rules on the default event bus for manifest functions with an `eventbridge` trigger (the SES events of the stage's
 * configuration set). Delivery to Lambda is asynchronous, and an event can be lost at two places; both end in the
 * function's one dead-letter queue `{prefix}-{function}-dlq` (alarmed), so nothing is dropped silently:
 * - EventBridge could not invoke the function (throttling, service errors): after the rule target's retries it puts
 *   the event itself in the queue (message attributes ERROR_CODE, ERROR_MESSAGE, RULE_ARN, TARGET_ARN);
 * - the function failed the event: Lambda retries it, then its on-failure destination puts an invocation record in
 *   the queue (`requestContext.condition` RetriesExhausted or EventAgeExceeded, the event as `requestPayload`, the
 *   error as `responsePayload`).
 * The send grant on that queue comes with the trigger, like an SQS trigger's receive grant: it is not `access`, the
 * function's code never sees the queue.
 */
export class EventRules extends Construct {
  readonly deadLetterQueues: EventDeadLetterQueue[] = [];

  constructor(
    scope: Construct,
    id: string,
    private readonly settings: StageSettings,
    private readonly email: Email,
  ) {
    super(scope, id);
  }

  addTarget(fn: FacetFunction, trigger: EventBridgeTrigger): Rule {
    const sesEvents = trigger.pattern.source.includes('aws.ses');
    const rule = new Rule(this, `${fn.spec.id}Rule`, {
      ruleName: `${this.settings.prefix}-${fn.spec.id}`,
      description: trigger.description,
      eventBus: EventBus.fromEventBusName(this, `${fn.spec.id}Bus`, 'default'),
      eventPattern: {
        source: [...trigger.pattern.source],
        detailType: [...trigger.pattern.detailType],
        // Every stage of the account publishes to the same default bus: match this stage's configuration set only.
        ...(sesEvents ? { detail: { mail: { tags: { 'ses:configuration-set': [this.email.configurationSetName] } } } } : {}),
      },
    });
    const queueName = `${this.settings.prefix}-${fn.spec.id}-dlq`;
    const deadLetterQueue = new Queue(this, `${fn.spec.id}Dlq`, {
      queueName,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.seconds(DLQ_RETENTION_SECONDS),
    });
    Validations.of(deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter queue: of the EventBridge rule target and the on-failure destination of ' +
        'the function (events that were not processed after every retry).',
    });
    fn.handler.configureAsyncInvoke({
      retryAttempts: FUNCTION_RETRY_ATTEMPTS,
      maxEventAge: EVENT_MAX_AGE,
      onFailure: new SqsDestination(deadLetterQueue),
    });
    rule.addTarget(
      new LambdaFunction(fn.handler, { deadLetterQueue, retryAttempts: RULE_TARGET_RETRY_ATTEMPTS, maxEventAge: EVENT_MAX_AGE }),
    );
    this.deadLetterQueues.push({ functionId: fn.spec.id, events: trigger.description, queueName, queue: deadLetterQueue });
    return rule;
  }
}

const PERIOD = Duration.minutes(5);
const HOURLY = Duration.hours(1);

/** SES's account-level reputation metrics (no dimension: the whole account, every stage and jeweller). */
const sesReputation = (metricName: 'Reputation.BounceRate' | 'Reputation.ComplaintRate', label: string) =>
  new Metric({ namespace: 'AWS/SES', metricName, statistic: 'Maximum', period: HOURLY, label });

const sesCount = (metricName: string) => new Metric({ namespace: 'AWS/SES', metricName, statistic: 'Sum', period: PERIOD, label: metricName });

/**
 * The engagement loop's alarms and dashboard panels: SES's account-wide bounce and complaint rates against SES's review
 * thresholds (the same limits the per-tenant guard applies), a jeweller's marketing being held by the guard, and the
 * dead-letter queues of the event rules (on the dashboard too).
 */
export function addEngagementOperations(observability: Observability, props: { settings: StageSettings; eventRules: EventRules }): void {
  const bounceRate = sesReputation('Reputation.BounceRate', 'bounce rate (account)');
  const complaintRate = sesReputation('Reputation.ComplaintRate', 'complaint rate (account)');
  const holds = new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: REPUTATION_HOLD_METRIC,
    dimensionsMap: { service: 'facet', stage: props.settings.stage },
    statistic: 'Sum',
    period: PERIOD,
    label: 'jewellers held',
  });

  observability.addAlarm({
    id: 'ses-bounce-rate',
    description: `SES account bounce rate above ${BOUNCE_RATE_LIMIT * 100}% (SES reviews the account at this level). Find the jeweller on GET /v1/reputation.`,
    metric: bounceRate,
    threshold: BOUNCE_RATE_LIMIT,
    when: 'above',
  });
  observability.addAlarm({
    id: 'ses-complaint-rate',
    description: `SES account complaint rate above ${COMPLAINT_RATE_LIMIT * 100}% (SES reviews the account at this level).`,
    metric: complaintRate,
    threshold: COMPLAINT_RATE_LIMIT,
    when: 'above',
  });
  observability.addAlarm({
    id: 'reputation-holds',
    description: "A jeweller's marketing email was held by the reputation guard (bounce or complaint rate over 30 days above SES's limits).",
    metric: holds,
    threshold: 0,
    when: 'above',
  });
  const unprocessed = props.eventRules.deadLetterQueues.map((dlq) => {
    // A labelled metric would make the alarm a metric-math alarm; the graph gets its own, labelled.
    const depth = (label?: string) => dlq.queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label });
    observability.addAlarm({
      id: `${dlq.functionId}-dlq-depth`,
      description:
        `${dlq.events} that were NOT processed (every retry failed) wait in ${dlq.queueName}: those recipients' ` +
        'statuses and campaign counters lag, and a bounce or complaint among them has not suppressed its address. ' +
        `Read the ${dlq.functionId} function's errors, fix, then invoke it again with each message ` +
        '(the event itself, or `requestPayload` of a Lambda failure record).',
      metric: depth(),
      threshold: 0,
      when: 'above',
    });
    return depth(dlq.queueName);
  });

  observability.addSection('Email reputation and engagement', [
    observability.graph('SES bounce rate (account)', [bounceRate]),
    observability.graph('SES complaint rate (account)', [complaintRate]),
    observability.graph('SES events', ['Send', 'Delivery', 'Bounce', 'Complaint', 'Reject'].map(sesCount), [holds]),
    observability.graph('SES events not processed (dead-letter queue)', unprocessed),
  ]);
}
