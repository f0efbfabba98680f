import { NestedStack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ALARM_EMAIL_PARAMETER, Observability } from './observability';
import type { StageSettings } from './stage-settings';

export interface OperationsStackProps {
  readonly settings: StageSettings;
  /** The parent's `AlarmEmail` deploy parameter, passed on as this stack's own `AlarmEmail` parameter. */
  readonly alarmEmail: string;
}

/**
 * The operators' side of a stage in a nested stack of its own: the alarm topic and its e-mail subscription, every
 * alarm and the operations dashboard. A CloudFormation stack holds at most 500 resources and the alarms grow with
 * every function and queue (two per function, one per dead-letter queue), so they live here, leaving the parent's
 * budget to the resources that serve requests. Nothing in the parent depends on them. Names and descriptions are
 * those of `Observability`, unchanged by the move; the functions and queues an alarm or panel watches arrive as
 * nested-stack parameters, which CDK creates from the references.
 */
export class OperationsStack extends NestedStack {
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: OperationsStackProps) {
    super(scope, id, {
      description: `Facet (${props.settings.stage}): alarms, alarm topic and operations dashboard`,
      parameters: { [ALARM_EMAIL_PARAMETER]: props.alarmEmail },
    });
    this.observability = new Observability(this, 'Observability', props.settings);
  }
}
