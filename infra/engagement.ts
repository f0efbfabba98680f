import { Duration, Validations } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
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

/** Lambda retries a failed event twice (its most), spaced out over minutes; the handlers are idempotent. */
const ASYNC_RETRIES = 2;
const MAX_EVENT_AGE = Duration.hours(6);

/**
 * Rules on the default event bus for manifest functions with an `eventbridge` trigger (the SES events of the stage's
 * configuration set). Delivery to Lambda is asynchronous: EventBridge retries an invocation it could not make and then
 * parks the event in the rule's dead-letter queue (alarmed like every other); an event the function itself fails is
 * retried by Lambda, and a function still failing raises its errors alarm. (A Lambda on-failure destination would
 * need a send grant outside the manifest's access, which the stack does not hand out.)
 */
export class EventRules extends Construct {
  readonly deadLetterQueues: { readonly name: string; readonly queue: Queue }[] = [];

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
    const deadLetterQueue = new Queue(this, `${fn.spec.id}Dlq`, {
      queueName: `${this.settings.prefix}-${fn.spec.id}-dlq`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.seconds(DLQ_RETENTION_SECONDS),
    });
    Validations.of(deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of an EventBridge rule target (events the rule could not deliver).',
    });
    fn.handler.configureAsyncInvoke({ retryAttempts: ASYNC_RETRIES, maxEventAge: MAX_EVENT_AGE });
    rule.addTarget(new LambdaFunction(fn.handler, { deadLetterQueue, retryAttempts: 8, maxEventAge: MAX_EVENT_AGE }));
    this.deadLetterQueues.push({ name: `${fn.spec.id}-events`, queue: deadLetterQueue });
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
 * dead-letter queues of the event rules.
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
  for (const dlq of props.eventRules.deadLetterQueues) observability.watchDeadLetterQueue(dlq.name, dlq.queue);

  observability.addSection('Email reputation and engagement', [
    observability.graph('SES bounce rate (account)', [bounceRate]),
    observability.graph('SES complaint rate (account)', [complaintRate]),
    observability.graph('SES events', ['Send', 'Delivery', 'Bounce', 'Complaint', 'Reject'].map(sesCount), [holds]),
  ]);
}
