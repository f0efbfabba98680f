import { CfnParameter, Duration, Stack, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  type IWidget,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { StageSettings } from './stage-settings';

const PERIOD = Duration.minutes(5);
const WIDGET_WIDTH = 8;
const WIDGET_HEIGHT = 6;

export interface ThresholdAlarmProps {
  /** Kebab-case; the alarm is named `{prefix}-{id}`. */
  readonly id: string;
  readonly description: string;
  readonly metric: IMetric;
  readonly threshold: number;
  /** Alarm when the metric is strictly above (errors, depth) or below (heartbeats, throughput) the threshold. */
  readonly when: 'above' | 'below';
  /** Default 1. */
  readonly evaluationPeriods?: number;
  /**
   * Whether a period without data is a breach. Off by default (no errors reported = no errors); on for heartbeats,
   * where silence is exactly the failure to catch.
   */
  readonly missingDataBreaches?: boolean;
}

/** The deploy parameter `AlarmEmail` (`npx cdk deploy --parameters AlarmEmail=<address>`). */
export const ALARM_EMAIL_PARAMETER = 'AlarmEmail';

/**
 * Declares `AlarmEmail` in a stack: in the deployed stack, where `cdk deploy --parameters` sets it, and in the stack
 * that holds the alarm topic (the operations nested stack), which receives it from its parent.
 */
export function declareAlarmEmailParameter(stack: Stack): CfnParameter {
  return new CfnParameter(stack, ALARM_EMAIL_PARAMETER, {
    type: 'String',
    description: 'E-mail address that receives CloudWatch alarm notifications (confirm the subscription e-mail).',
    allowedPattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
    constraintDescription: 'must be an e-mail address',
  });
}

/**
 * Where operators look: one SNS topic every alarm notifies (its e-mail subscription is the `AlarmEmail` parameter of
 * the stack it is in) and one dashboard. Later capabilities add their alarms with `addAlarm` and their panels with
 * `addSection`, so nothing about operations lives anywhere else.
 */
export class Observability extends Construct {
  readonly alarmTopic: Topic;
  readonly dashboard: Dashboard;
  private readonly alarmAction: SnsAction;
  private readonly alarms: Alarm[] = [];
  private readonly prefix: string;

  constructor(scope: Construct, id: string, settings: StageSettings) {
    super(scope, id);
    this.prefix = settings.prefix;
    const alarmEmail = declareAlarmEmailParameter(Stack.of(this));
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      topicName: `${settings.prefix}-alarms`,
      displayName: `Facet ${settings.stage} alarms`,
      enforceSSL: true,
    });
    Validations.of(this.alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names and metric values only, no customer data; CloudWatch cannot publish ' +
        'to a topic encrypted with the AWS managed SNS key, and a customer managed key adds cost for no data at risk.',
    });
    this.alarmTopic.addSubscription(new EmailSubscription(alarmEmail.valueAsString));
    this.alarmAction = new SnsAction(this.alarmTopic);
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `${settings.prefix}-operations` });
  }

  /** A titled row group on the dashboard; later issues add theirs (send pipeline, automation runner, ...). */
  addSection(title: string, widgets: readonly IWidget[]): void {
    this.dashboard.addWidgets(new TextWidget({ markdown: `## ${title}`, width: 24, height: 1 }));
    for (let i = 0; i < widgets.length; i += 3) this.dashboard.addWidgets(...widgets.slice(i, i + 3));
  }

  /** A standard graph panel for `addSection`. */
  graph(title: string, metrics: readonly IMetric[], right: readonly IMetric[] = []): GraphWidget {
    return new GraphWidget({ title, left: [...metrics], right: [...right], width: WIDGET_WIDTH, height: WIDGET_HEIGHT });
  }

  /** An alarm that notifies the alarm topic; later capabilities add theirs here (runner heartbeat, lateness, ...). */
  addAlarm(props: ThresholdAlarmProps): Alarm {
    const alarm = new Alarm(this, props.id, {
      alarmName: `${this.prefix}-${props.id}`,
      alarmDescription: props.description,
      metric: props.metric,
      threshold: props.threshold,
      comparisonOperator:
        props.when === 'above' ? ComparisonOperator.GREATER_THAN_THRESHOLD : ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: props.evaluationPeriods ?? 1,
      treatMissingData: props.missingDataBreaches ? TreatMissingData.BREACHING : TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.alarmAction);
    this.alarms.push(alarm);
    return alarm;
  }

  /** Any message in a dead-letter queue is work that did not happen: alarm on the first one. */
  watchDeadLetterQueue(name: string, queue: IQueue): Alarm {
    return this.addAlarm({
      id: `${name}-dlq-depth`,
      description: `Messages in the dead-letter queue ${name}: work that failed every retry. Inspect, fix, redrive.`,
      metric: queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
      threshold: 0,
      when: 'above',
    });
  }

  /** Unhandled errors and throttles of a function. */
  watchFunction(name: string, fn: IFunction): Alarm[] {
    return [
      this.addAlarm({
        id: `${name}-errors`,
        description: `Function ${name} failed (unhandled errors).`,
        metric: fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
        threshold: 0,
      when: 'above',
      }),
      this.addAlarm({
        id: `${name}-throttles`,
        description: `Function ${name} was throttled (account or reserved concurrency exhausted).`,
        metric: fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
        threshold: 0,
      when: 'above',
      }),
    ];
  }

  get allAlarms(): readonly Alarm[] {
    return this.alarms;
  }
}
