import { Aws, Fn, Stack } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { ConfigurationSet, EmailSendingEvent, EventDestination } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from './nag';
import type { StageSettings } from './stage-settings';

/** Functions that send pass this configuration set on every SendEmail. */
export const SES_CONFIGURATION_SET_ENV = 'SES_CONFIGURATION_SET';
/** `arn:{partition}:ses:{region}:{account}`: SES tenant associations name resources by ARN (shared/config/env.ts). */
export const SES_ARN_PREFIX_ENV = 'SES_ARN_PREFIX';

/**
 * Delivery events SES publishes to the default event bus, where the engagement pipeline picks them up. Opens and
 * clicks are not among them: Facet tracks those itself (its own pixel and redirect), so SES tracking stays off.
 */
export const SES_EVENT_TYPES = [
  EmailSendingEvent.SEND,
  EmailSendingEvent.DELIVERY,
  EmailSendingEvent.BOUNCE,
  EmailSendingEvent.COMPLAINT,
  EmailSendingEvent.REJECT,
  EmailSendingEvent.DELIVERY_DELAY,
  EmailSendingEvent.RENDERING_FAILURE,
] as const;

/** The SES v2 side of the app: one configuration set per stage with reputation metrics and an EventBridge destination. */
export class Email extends Construct {
  readonly configurationSet: ConfigurationSet;
  readonly configurationSetName: string;

  constructor(scope: Construct, id: string, settings: StageSettings) {
    super(scope, id);
    this.configurationSetName = settings.prefix;
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: this.configurationSetName,
      reputationMetrics: true,
      sendingEnabled: true,
    });
    this.configurationSet.addEventDestination('DeliveryEvents', {
      configurationSetEventDestinationName: 'eventbridge',
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: [...SES_EVENT_TYPES],
    });
  }

  private get identityArnPattern(): string {
    return Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: '*' });
  }

  private get configurationSetArn(): string {
    return Stack.of(this).formatArn({ service: 'ses', resource: 'configuration-set', resourceName: this.configurationSetName });
  }

  /** The stage's SES tenants: `{prefix}-{tenantId}` (shared/adapters/ses/ses-tenant.ts), ARN `tenant/{name}/{id}`. */
  private get tenantArnPattern(): string {
    return Stack.of(this).formatArn({ service: 'ses', resource: 'tenant', resourceName: `${this.configurationSetName}-*` });
  }

  /**
   * Lets `fn` send through this configuration set from any identity of the account, on behalf of the stage's SES
   * tenants: tenants verify their own sending domains at run time, so identities cannot be listed here.
   */
  grantSendEmail(fn: LambdaFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [this.configurationSetArn, this.identityArnPattern, this.tenantArnPattern],
      }),
    );
    fn.addEnvironment(SES_CONFIGURATION_SET_ENV, this.configurationSetName);
    if (fn.role) {
      acknowledgeWildcardResource(
        fn.role,
        this.identityArnPattern,
        "Sending identities are tenants' domains, verified at run time; the grant is limited to SendEmail in this account.",
      );
      this.acknowledgeTenants(fn);
    }
  }

  /**
   * Lets `fn` register, read and remove tenants' sending domains (Easy DKIM), with this configuration set as their
   * default; `read` only reads their verification status.
   */
  grantManageIdentities(fn: LambdaFunction, level: 'manage' | 'read' = 'manage'): void {
    const actions =
      level === 'manage'
        ? ['ses:CreateEmailIdentity', 'ses:GetEmailIdentity', 'ses:DeleteEmailIdentity', 'ses:TagResource']
        : ['ses:GetEmailIdentity'];
    fn.addToRolePolicy(
      new PolicyStatement({
        actions,
        resources: level === 'manage' ? [this.identityArnPattern, this.configurationSetArn] : [this.identityArnPattern],
      }),
    );
    if (level === 'manage') fn.addEnvironment(SES_CONFIGURATION_SET_ENV, this.configurationSetName);
    if (fn.role) {
      acknowledgeWildcardResource(
        fn.role,
        this.identityArnPattern,
        "Tenants' sending domains are created at run time; the grant covers email identities of this account only.",
      );
    }
  }

  /**
   * Lets `fn` create a jeweller's SES tenant and associate it with this configuration set and sending identities
   * (shared/domain/sender-identity/ses-tenant-setup.ts). Tells it the ARN prefix those associations need.
   */
  grantSetUpSesTenants(fn: LambdaFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:CreateTenant', 'ses:CreateTenantResourceAssociation', 'ses:DeleteTenantResourceAssociation', 'ses:TagResource'],
        resources: [this.tenantArnPattern, this.identityArnPattern, this.configurationSetArn],
      }),
    );
    fn.addEnvironment(SES_CONFIGURATION_SET_ENV, this.configurationSetName);
    fn.addEnvironment(SES_ARN_PREFIX_ENV, Fn.join(':', ['arn', Aws.PARTITION, 'ses', Aws.REGION, Aws.ACCOUNT_ID]));
    if (fn.role) {
      acknowledgeWildcardResource(
        fn.role,
        this.identityArnPattern,
        "Tenants' sending domains are associated at run time; the grant covers email identities of this account only.",
      );
      this.acknowledgeTenants(fn);
    }
  }

  private acknowledgeTenants(fn: LambdaFunction): void {
    acknowledgeWildcardResource(
      fn.role!,
      this.tenantArnPattern,
      "One SES tenant per jeweller, created at run time (ids unknown here); the pattern covers this stage's tenants only.",
    );
  }
}
