/**
 * How the CDK app wires campaign scheduling from the manifest: the API function may manage the stage's run-time
 * schedules and knows the dispatcher's ARN; only the run-time invocation role may invoke the dispatcher. (No bundling:
 * the template is what matters here; test/infra checks the bundles.)
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { allPolicyStatements, asArray, synthesizeFacet, type SynthesizedFacet } from '../infra/synth';

const STAGE = 'dev';
let facet: SynthesizedFacet;

beforeAll(() => {
  facet = synthesizeFacet({ stage: STAGE, bundle: false });
}, 120_000);

type Resource = { Properties: Record<string, any> };

function lambda(id: string): [string, Resource] {
  const found = Object.entries(facet.template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: `facet-${STAGE}-${id}` } }));
  expect(found).toHaveLength(1);
  return found[0] as [string, Resource];
}

function statementsOfRole(roleId: string) {
  const policyIds = Object.keys(facet.template.findResources('AWS::IAM::Policy', { Properties: { Roles: Match.arrayWith([{ Ref: roleId }]) } }));
  return allPolicyStatements(facet.template)
    .filter(({ owner }) => owner === roleId || policyIds.includes(owner))
    .map(({ statement }) => statement);
}

const roleOf = (id: string) => lambda(id)[1].Properties.Role['Fn::GetAtt'][0] as string;
const actionsOf = (statements: ReturnType<typeof statementsOfRole>) => statements.flatMap((statement) => asArray(statement.Action));

describe('campaign scheduling in the CDK app', () => {
  it('tells the campaigns API the schedule group, role, dead-letter queue and dispatcher ARN', () => {
    const [dispatcherId] = lambda('campaign-dispatcher');
    const variables = lambda('api-campaigns')[1].Properties.Environment.Variables;
    expect(variables).toMatchObject({
      SCHEDULE_GROUP: `facet-${STAGE}`,
      SCHEDULER_ROLE_ARN: { 'Fn::GetAtt': [expect.stringMatching(/^SchedulesRuntimeInvocationRole/), 'Arn'] },
      SCHEDULE_DLQ_ARN: { 'Fn::GetAtt': [expect.stringMatching(/^SchedulesDeadLetterQueue/), 'Arn'] },
      CAMPAIGN_DISPATCHER_ARN: { 'Fn::GetAtt': [dispatcherId, 'Arn'] },
    });
  });

  it('lets the campaigns API manage schedules and pass the invocation role; the dispatcher neither', () => {
    const api = actionsOf(statementsOfRole(roleOf('api-campaigns')));
    expect(api).toEqual(expect.arrayContaining(['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'iam:PassRole']));
    const dispatcher = actionsOf(statementsOfRole(roleOf('campaign-dispatcher')));
    expect(dispatcher.some((action) => action.startsWith('scheduler:') || action === 'iam:PassRole')).toBe(false);
  });

  it('lets run-time schedules invoke the dispatcher, and no other campaign function', () => {
    const [runtimeRoleId] = Object.keys(facet.template.findResources('AWS::IAM::Role', { Properties: { Description: 'Run-time schedules of this stage' } }));
    const invokes = statementsOfRole(runtimeRoleId!)
      .filter((statement) => asArray(statement.Action).includes('lambda:InvokeFunction'))
      .flatMap((statement) => asArray(statement.Resource));
    expect(invokes).toEqual([{ 'Fn::GetAtt': [lambda('campaign-dispatcher')[0], 'Arn'] }]);
  });
});
