/**
 * The SES grants of sender identities and SES tenants (infra/email.ts), on a small stack of their own: what each
 * function may do, on which resources, and what it is told in its environment.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { Email, SES_ARN_PREFIX_ENV, SES_CONFIGURATION_SET_ENV } from '../../infra/email';
import { stageSettings } from '../../infra/stage-settings';
import { FUNCTIONS } from '../../functions/manifest';
import { allPolicyStatements, asArray, type PolicyStatementJson } from '../infra/synth';

let app: App;
let statementsOf: (prefix: string) => PolicyStatementJson[];
let environmentOf: (prefix: string) => Record<string, unknown>;

function testFunction(stack: Stack, id: string): LambdaFunction {
  return new LambdaFunction(stack, id, {
    runtime: Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: Code.fromInline('exports.handler = async () => undefined;'),
    role: new Role(stack, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') }),
  });
}

beforeAll(() => {
  app = new App({ builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'ses-grants');
  const email = new Email(stack, 'Email', stageSettings('dev'));
  email.grantManageIdentities(testFunction(stack, 'Manager'));
  email.grantManageIdentities(testFunction(stack, 'Reader'), 'read');
  email.grantSetUpSesTenants(testFunction(stack, 'TenantSetUp'));
  email.grantSendEmail(testFunction(stack, 'Sender'));
  const template = Template.fromStack(stack);
  const all = allPolicyStatements(template);
  statementsOf = (prefix) => all.filter(({ owner }) => owner.startsWith(`${prefix}Role`)).map(({ statement }) => statement);
  environmentOf = (prefix) => {
    const [fn] = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) => id.startsWith(prefix));
    return (fn?.[1].Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
  };
});

const actionsOf = (statements: PolicyStatementJson[]) => statements.flatMap((statement) => asArray(statement.Action));
const resourcesOf = (statements: PolicyStatementJson[]) => JSON.stringify(statements.flatMap((statement) => asArray(statement.Resource)));

describe('email.grantManageIdentities', () => {
  it('manage: create, read and remove identities (with tags), never send or touch tenants', () => {
    const actions = actionsOf(statementsOf('Manager'));
    expect(actions.sort()).toEqual(['ses:CreateEmailIdentity', 'ses:DeleteEmailIdentity', 'ses:GetEmailIdentity', 'ses:TagResource']);
    expect(resourcesOf(statementsOf('Manager'))).toContain(':identity/*');
    expect(environmentOf('Manager')[SES_CONFIGURATION_SET_ENV]).toBe('facet-dev');
  });

  it('read: only the verification status', () => {
    expect(actionsOf(statementsOf('Reader'))).toEqual(['ses:GetEmailIdentity']);
  });
});

describe('email.grantSetUpSesTenants', () => {
  it("creates and associates this stage's tenants only, and learns the ARN prefix and configuration set", () => {
    const statements = statementsOf('TenantSetUp');
    expect(actionsOf(statements)).toContain('ses:CreateTenant');
    expect(actionsOf(statements)).toContain('ses:CreateTenantResourceAssociation');
    expect(actionsOf(statements)).not.toContain('ses:SendEmail');
    expect(resourcesOf(statements)).toContain(':tenant/facet-dev-*');
    expect(resourcesOf(statements)).not.toContain('"*"');
    expect(environmentOf('TenantSetUp')[SES_ARN_PREFIX_ENV]).toBeDefined();
    expect(environmentOf('TenantSetUp')[SES_CONFIGURATION_SET_ENV]).toBe('facet-dev');
  });
});

it("lets senders send on behalf of this stage's SES tenants", () => {
  expect(resourcesOf(statementsOf('Sender'))).toContain(':tenant/facet-dev-*');
});

it('leaves no unacknowledged cdk-nag finding', () => {
  expect(new AwsSolutionsChecks().validateScope(app).violations.map((violation) => violation.ruleName)).toEqual([]);
});

describe('the manifest', () => {
  const access = (id: string) => FUNCTIONS.find((fn) => fn.id === id)?.access as Record<string, unknown> | undefined;
  it('grants what each sending-side function uses', () => {
    expect(access('api-sender-identity')).toMatchObject({ sesIdentities: 'manage', sesTenants: true });
    expect(access('sender-identity-refresher')).toMatchObject({ sesIdentities: 'read' });
    expect(access('sender-identity-refresher')?.sesTenants).toBeUndefined();
    expect(access('api-sends')).toMatchObject({ sesTenants: true, sendTo: ['sendDispatch'] });
    expect(access('api-campaigns')).toMatchObject({ sendEmail: true, sesTenants: true });
  });
});
