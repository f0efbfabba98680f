import { CfnOutput, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { FUNCTIONS, type FunctionId } from '../functions/manifest';
import { functionArnEnv } from '../shared/config/env';
import { Api } from './api';
import { addAutomationOperations } from './automations';
import { Email } from './email';
import { addEngagementOperations, EventRules } from './engagement';
import { FacetFunction } from './facet-function';
import { Messaging } from './messaging';
import { declareAlarmEmailParameter, type Observability } from './observability';
import { addCoreOperations } from './operations';
import { OperationsStack } from './operations-stack';
import { Schedules } from './schedules';
import { SigningKey } from './secrets';
import { stageSettings, type StageSettings } from './stage-settings';
import { Storage } from './storage';
import { wireTrigger } from './triggers';

export interface FacetStackProps extends StackProps {
  readonly stage: string;
}

/**
 * The whole of Facet in one stack per stage, composed of one construct per concern; the operators' side (alarms,
 * alarm topic, dashboard) is a nested stack, `OperationsStack`, to keep this stack under CloudFormation's 500
 * resources. Functions, their grants and triggers come from functions/manifest.ts; queues from
 * shared/config/queues.ts; the table from shared/store/table-definition.ts. Later capabilities add functions to the
 * manifest and, where they need them, call the grant helpers here (schedules.grantManageSchedules, email.grantSendEmail, signingKey.grantRead).
 */
export class FacetStack extends Stack {
  readonly settings: StageSettings;
  readonly storage: Storage;
  readonly messaging: Messaging;
  readonly signingKey: SigningKey;
  readonly schedules: Schedules;
  readonly email: Email;
  /** Alarms, alarm topic and dashboard, in a nested stack (see OperationsStack for why). */
  readonly operations: OperationsStack;
  readonly observability: Observability;
  readonly api: Api;
  readonly functions: ReadonlyMap<FunctionId, FacetFunction>;

  constructor(scope: Construct, id: string, props: FacetStackProps) {
    const settings = stageSettings(props.stage);
    super(scope, id, { description: `Facet (${settings.stage}): customer marketing for retail jewellers`, ...props });
    this.settings = settings;
    Tags.of(this).add('app', 'facet');
    Tags.of(this).add('stage', settings.stage);

    this.storage = new Storage(this, 'Storage', settings);
    this.messaging = new Messaging(this, 'Messaging', settings);
    this.signingKey = new SigningKey(this, 'SigningKey', settings);
    this.schedules = new Schedules(this, 'Schedules', settings);
    this.email = new Email(this, 'Email', settings);
    const alarmEmail = declareAlarmEmailParameter(this);
    this.operations = new OperationsStack(this, 'Operations', { settings, alarmEmail: alarmEmail.valueAsString });
    this.observability = this.operations.observability;

    const functions = new Map<FunctionId, FacetFunction>();
    for (const spec of FUNCTIONS) {
      functions.set(
        spec.id,
        new FacetFunction(this, spec.id, { spec, settings, storage: this.storage, messaging: this.messaging }),
      );
    }
    this.functions = functions;

    const authorizers = [...functions.values()].filter((fn) => fn.spec.trigger.kind === 'authorizer');
    if (authorizers.length !== 1 || !authorizers[0]) {
      throw new Error(`The manifest must declare exactly one authorizer function, found ${authorizers.length}`);
    }
    this.api = new Api(this, 'Api', { settings, authorizerHandler: authorizers[0].handler });
    const eventRules = new EventRules(this, 'EventRules', settings, this.email);

    for (const fn of functions.values()) {
      wireTrigger(fn, { api: this.api, messaging: this.messaging, schedules: this.schedules, eventRules });
      fn.handler.addEnvironment('PUBLIC_API_URL', this.api.url);
    }
    for (const fn of functions.values()) this.grantScheduleTargets(fn);
    for (const fn of functions.values()) {
      if (fn.spec.access.sendEmail) this.email.grantSendEmail(fn.handler);
      if (fn.spec.access.signingKey) this.signingKey.grantRead(fn.handler);
      if (fn.spec.access.sesIdentities) this.email.grantManageIdentities(fn.handler, fn.spec.access.sesIdentities);
      if (fn.spec.access.sesTenants) this.email.grantSetUpSesTenants(fn.handler);
    }

    addCoreOperations(this.observability, {
      api: this.api,
      functions: [...functions.values()],
      messaging: this.messaging,
      schedules: this.schedules,
    });
    addAutomationOperations(this.observability, this.fn('automation-runner'), settings.stage);
    addEngagementOperations(this.observability, { settings, eventRules });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'TableName', { value: this.storage.table.tableName });
    new CfnOutput(this, 'ScheduleGroup', { value: this.schedules.groupName });
    new CfnOutput(this, 'ConfigurationSet', { value: this.email.configurationSetName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.observability.alarmTopic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: `${settings.prefix}-operations` });
  }

  /** A function that creates run-time schedules may manage the group's schedules and knows its targets' ARNs. */
  private grantScheduleTargets(fn: FacetFunction): void {
    const targets = fn.spec.access.scheduleTargets ?? [];
    if (targets.length === 0) return;
    this.schedules.grantManageSchedules(fn.handler);
    for (const targetId of targets) {
      const target = this.functions.get(targetId as FunctionId);
      if (target?.spec.trigger.kind !== 'scheduled-target') {
        throw new Error(`${fn.spec.id} schedules ${targetId}, which is not a manifest function with a scheduled-target trigger`);
      }
      fn.handler.addEnvironment(functionArnEnv(targetId), target.handler.functionArn);
    }
  }

  /** The construct of a manifest function. */
  fn(id: FunctionId): FacetFunction {
    const found = this.functions.get(id);
    if (!found) throw new Error(`No function ${id} in the manifest`);
    return found;
  }
}
