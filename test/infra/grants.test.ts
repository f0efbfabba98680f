/**
 * The grant helpers later capabilities call (scheduled campaigns and automations create schedules, send workers send
 * email, unsubscribe links need the signing key), exercised on a small stack of their own.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { Email, SES_CONFIGURATION_SET_ENV } from '../../infra/email';
import { Schedules, SCHEDULE_ENV } from '../../infra/schedules';
import { SIGNING_KEY_SECRET_ENV, SigningKey } from '../../infra/secrets';
import { stageSettings } from '../../infra/stage-settings';
import { allPolicyStatements, asArray, type PolicyStatementJson } from './synth';

let app: App;
let template: Template;
let statementsOf: (functionLogicalIdPrefix: string) => PolicyStatementJson[];
let environmentOf: (functionLogicalIdPrefix: string) => Record<string, unknown>;

function testFunction(stack: Stack, id: string): LambdaFunction {
  return new LambdaFunction(stack, id, {
    runtime: Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: Code.fromInline('exports.handler = async () => undefined;'),
    role: new Role(stack, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') }),
  });
}

beforeAll(() => {
  // CloudFormation schema validation is the CLI's job; here it would only add seconds.
  app = new App({ builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'grants');
  const settings = stageSettings('dev');
  const schedules = new Schedules(stack, 'Schedules', settings);
  const email = new Email(stack, 'Email', settings);
  const signingKey = new SigningKey(stack, 'SigningKey', settings);

  const dispatcher = testFunction(stack, 'Dispatcher');
  schedules.grantManageSchedules(dispatcher);
  schedules.allowRuntimeSchedulesToInvoke(dispatcher);
  const sender = testFunction(stack, 'Sender');
  email.grantSendEmail(sender);
  signingKey.grantRead(sender);
  const identities = testFunction(stack, 'Identities');
  email.grantManageIdentities(identities);
  testFunction(stack, 'Bystander');

  template = Template.fromStack(stack);
  const all = allPolicyStatements(template);
  statementsOf = (prefix) => all.filter(({ owner }) => owner.startsWith(`${prefix}Role`)).map(({ statement }) => statement);
  environmentOf = (prefix) => {
    const [fn] = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) => id.startsWith(prefix));
    return (fn?.[1].Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
  };
});

const actionsOf = (statements: PolicyStatementJson[]) => statements.flatMap((statement) => asArray(statement.Action));
const resourceOf = (statements: PolicyStatementJson[], action: string) =>
  statements.filter((statement) => asArray(statement.Action).includes(action)).flatMap((s) => asArray(s.Resource));

describe('schedules.grantManageSchedules', () => {
  it('allows schedule writes in the stage group only', () => {
    const statements = statementsOf('Dispatcher');
    const resources = resourceOf(statements, 'scheduler:CreateSchedule');
    expect(JSON.stringify(resources)).toContain(':schedule/facet-dev/*');
    expect(resources).not.toContain('*');
    expect(actionsOf(statements)).not.toContain('scheduler:ListSchedules');
  });

  it('allows passing the run-time invocation role, and only to Scheduler', () => {
    const statements = statementsOf('Dispatcher').filter((s) => asArray(s.Action).includes('iam:PassRole'));
    expect(statements).toHaveLength(1);
    expect(statements[0]!.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^SchedulesRuntimeInvocationRole/), 'Arn'] });
    expect(statements[0]!.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } });
  });

  it('tells the function the group, the role and the dead-letter queue', () => {
    expect(Object.keys(environmentOf('Dispatcher')).sort()).toEqual(Object.values(SCHEDULE_ENV).sort());
  });

  it('lets the run-time invocation role invoke exactly the allowed targets', () => {
    const roleStatements = allPolicyStatements(template)
      .filter(({ owner }) => owner.startsWith('SchedulesRuntimeInvocationRole'))
      .map(({ statement }) => statement);
    expect(resourceOf(roleStatements, 'lambda:InvokeFunction')).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^Dispatcher/), 'Arn'] },
    ]);
  });
});

describe('email grants', () => {
  it('allows SendEmail through the configuration set and account identities, nothing wider', () => {
    const statements = statementsOf('Sender');
    const sesActions = actionsOf(statements).filter((action) => action.startsWith('ses:'));
    expect(sesActions).toEqual(['ses:SendEmail']);
    const resources = JSON.stringify(resourceOf(statements, 'ses:SendEmail'));
    expect(resources).toContain(':configuration-set/facet-dev');
    expect(resources).toContain(':identity/*');
    expect(resourceOf(statements, 'ses:SendEmail')).not.toContain('*');
    expect(environmentOf('Sender')[SES_CONFIGURATION_SET_ENV]).toBe('facet-dev');
  });

  it('allows managing identities without sending', () => {
    const actions = actionsOf(statementsOf('Identities'));
    expect(actions).toContain('ses:CreateEmailIdentity');
    expect(actions).not.toContain('ses:SendEmail');
  });
});

describe('signingKey.grantRead', () => {
  it('allows reading the signing key and names it in the environment', () => {
    const statements = statementsOf('Sender');
    expect(resourceOf(statements, 'secretsmanager:GetSecretValue')).toEqual([{ Ref: expect.stringMatching(/^SigningKeySecret/) }]);
    expect(environmentOf('Sender')[SIGNING_KEY_SECRET_ENV]).toEqual({ Ref: expect.stringMatching(/^SigningKeySecret/) });
    expect(actionsOf(statementsOf('Sender')).some((action) => action.startsWith('secretsmanager:Put'))).toBe(false);
  });
});

it('grants nothing to a function that asked for nothing', () => {
  expect(statementsOf('Bystander')).toEqual([]);
});

it('leaves no unacknowledged cdk-nag finding: each wildcard the helpers need is acknowledged by its exact id', () => {
  const report = new AwsSolutionsChecks().validateScope(app);
  expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
});
