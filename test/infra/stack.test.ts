import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, type FunctionSpec } from '../../functions/manifest';
import { AUTHORIZER_CACHE_TTL } from '../../infra/api';
import { SES_EVENT_TYPES } from '../../infra/email';
import { VISIBILITY_TIMEOUT_FACTOR } from '../../infra/triggers';
import { DLQ_RETENTION_SECONDS, physicalDlqName, physicalQueueName, QUEUES, type QueueId } from '../../shared/config/queues';
import { BOOK_PROJECTION, INDEXES, TTL_ATTRIBUTE } from '../../shared/store/table-definition';
import { apiEvent, lambdaContext } from '../support/http';
import { allPolicyStatements, asArray, synthesizeFacet, type SynthesizedFacet } from './synth';

const STAGE = 'dev';
const SPECS: readonly FunctionSpec[] = FUNCTIONS;
const queueIds = Object.keys(QUEUES) as QueueId[];

let facet: SynthesizedFacet;

beforeAll(() => {
  facet = synthesizeFacet({ stage: STAGE, bundle: true });
}, 120_000);

type Resource = { Properties: Record<string, any>; Metadata?: Record<string, any>; DeletionPolicy?: string };

function resources(type: string, props?: Record<string, unknown>): [string, Resource][] {
  return Object.entries(facet.template.findResources(type, props ? { Properties: props } : undefined)) as [string, Resource][];
}

function single(type: string, props: Record<string, unknown>): [string, Resource] {
  const found = resources(type, props);
  expect(found, `${type} ${JSON.stringify(props)}`).toHaveLength(1);
  return found[0]!;
}

const lambdaOf = (spec: FunctionSpec) => single('AWS::Lambda::Function', { FunctionName: `facet-${STAGE}-${spec.id}` });
const queueOf = (queueId: QueueId) => single('AWS::SQS::Queue', { QueueName: physicalQueueName(STAGE, QUEUES[queueId]) });
const dlqOf = (queueId: QueueId) => single('AWS::SQS::Queue', { QueueName: physicalDlqName(STAGE, QUEUES[queueId]) });

/** Statements of the policies attached to a function's execution role. */
function statementsOf(spec: FunctionSpec) {
  const [, fn] = lambdaOf(spec);
  const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
  const policyIds = resources('AWS::IAM::Policy', { Roles: Match.arrayWith([{ Ref: roleId }]) }).map(([id]) => id);
  return allPolicyStatements(facet.template)
    .filter(({ owner }) => owner === roleId || policyIds.includes(owner))
    .map(({ statement }) => statement);
}

describe('storage', () => {
  it('builds the single table from the shared table definition', () => {
    const [, table] = single('AWS::DynamoDB::Table', { TableName: `facet-${STAGE}` });
    expect(table.Properties.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: TTL_ATTRIBUTE, Enabled: true });
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });

    const indexes = table.Properties.GlobalSecondaryIndexes as any[];
    expect(indexes.map((index) => index.IndexName).sort()).toEqual(['gsi1', 'gsi2']);
    const book = indexes.find((index) => index.IndexName === INDEXES.book.indexName);
    expect(book.KeySchema).toEqual([
      { AttributeName: 'gsi1pk', KeyType: 'HASH' },
      { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
    ]);
    expect(book.Projection.ProjectionType).toBe('INCLUDE');
    expect([...book.Projection.NonKeyAttributes].sort()).toEqual([...BOOK_PROJECTION].sort());
    const lookup = indexes.find((index) => index.IndexName === INDEXES.lookup.indexName);
    expect(lookup.Projection).toEqual({ ProjectionType: 'ALL' });
  });

  it('leaves a dev table deletable', () => {
    const [, table] = single('AWS::DynamoDB::Table', { TableName: `facet-${STAGE}` });
    expect(table.Properties.DeletionProtectionEnabled).toBe(false);
    expect(table.DeletionPolicy).toBe('Delete');
  });
});

describe('messaging', () => {
  it.each(queueIds)('%s has an encrypted, TLS-only queue with a 14-day DLQ and the shared redrive policy', (queueId) => {
    const definition = QUEUES[queueId];
    const [queueLogicalId, queue] = queueOf(queueId);
    const [dlqLogicalId, dlq] = dlqOf(queueId);
    expect(queue.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlqLogicalId, 'Arn'] },
      maxReceiveCount: definition.maxReceiveCount,
    });
    expect(queue.Properties.VisibilityTimeout).toBe(definition.visibilityTimeoutSeconds);
    expect(dlq.Properties.MessageRetentionPeriod).toBe(DLQ_RETENTION_SECONDS);
    for (const [logicalId, q] of [
      [queueLogicalId, queue],
      [dlqLogicalId, dlq],
    ] as const) {
      expect(q.Properties.SqsManagedSseEnabled).toBe(true);
      facet.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('keeps every consumed queue invisible for at least 6x its consumer timeout', () => {
    const consumers = SPECS.filter((spec) => spec.trigger.kind === 'queue');
    expect(consumers.length).toBeGreaterThan(0);
    for (const spec of consumers) {
      if (spec.trigger.kind !== 'queue') continue;
      const [, queue] = queueOf(spec.trigger.queue);
      const [, fn] = lambdaOf(spec);
      expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(VISIBILITY_TIMEOUT_FACTOR * fn.Properties.Timeout);
    }
  });
});

describe('functions', () => {
  it.each(SPECS.map((spec) => [spec.id, spec] as const))('%s runs nodejs24.x on arm64 with its manifest settings', (_, spec) => {
    const [, fn] = lambdaOf(spec);
    expect(fn.Properties.Runtime).toBe('nodejs24.x');
    expect(fn.Properties.Architectures).toEqual(['arm64']);
    expect(fn.Properties.Handler).toBe('index.handler');
    expect(fn.Properties.Timeout).toBe(spec.timeoutSeconds);
    expect(fn.Properties.MemorySize).toBe(spec.memoryMb);
    expect(fn.Properties.LoggingConfig.LogGroup).toBeDefined();

    const variables = fn.Properties.Environment.Variables as Record<string, unknown>;
    expect(variables).toMatchObject({
      STAGE,
      TABLE_NAME: { Ref: expect.stringMatching(/^StorageTable/) },
      POWERTOOLS_SERVICE_NAME: 'facet',
      LOG_LEVEL: 'DEBUG',
      NODE_OPTIONS: '--enable-source-maps',
    });
    const queueUrlVariables = Object.keys(variables).filter((name) => name.startsWith('QUEUE_URL_'));
    expect(queueUrlVariables.sort()).toEqual((spec.access.sendTo ?? []).map((queueId) => QUEUES[queueId].urlEnv).sort());
    for (const queueId of spec.access.sendTo ?? []) {
      expect(variables[QUEUES[queueId].urlEnv]).toEqual({ Ref: queueOf(queueId)[0] });
    }
  });

  it.each(SPECS.map((spec) => [spec.id, spec] as const))('%s is granted exactly its manifest access', (_, spec) => {
    const statements = statementsOf(spec);
    const actions = statements.flatMap((statement) => asArray(statement.Action));
    expect(actions).toContain('dynamodb:Query');
    expect(actions.includes('dynamodb:PutItem')).toBe(spec.access.table === 'readwrite');
    expect(actions.some((action) => action.startsWith('dynamodb:') && action.includes('*'))).toBe(false);

    const sendResources = statements
      .filter((statement) => asArray(statement.Action).includes('sqs:SendMessage'))
      .flatMap((statement) => asArray(statement.Resource));
    const expected = (spec.access.sendTo ?? []).map((queueId) => ({ 'Fn::GetAtt': [queueOf(queueId)[0], 'Arn'] }));
    // An eventbridge trigger brings the function's on-failure destination, its own DLQ (infra/engagement.ts).
    if (spec.trigger.kind === 'eventbridge') {
      expected.push({ 'Fn::GetAtt': [single('AWS::SQS::Queue', { QueueName: `facet-${STAGE}-${spec.id}-dlq` })[0], 'Arn'] });
    }
    expect(sendResources).toEqual(expect.arrayContaining(expected));
    expect(sendResources).toHaveLength(expected.length);
  });

  it('grants no Scheduler, SES or PassRole action on a "*" resource', () => {
    const sensitive = (action: string) =>
      action.startsWith('scheduler:') || action.startsWith('ses:') || action === 'iam:PassRole' || action === '*';
    const offending = allPolicyStatements(facet.template).filter(
      ({ statement }) =>
        statement.Effect === 'Allow' &&
        asArray(statement.Action).some(sensitive) &&
        asArray(statement.Resource).some((resource) => resource === '*'),
    );
    expect(offending).toEqual([]);
  });
});

describe('api', () => {
  it(`uses a cached (${AUTHORIZER_CACHE_TTL.toSeconds()} s) REQUEST authorizer with simple responses`, () => {
    const authorizerSpec = SPECS.find((spec) => spec.trigger.kind === 'authorizer')!;
    const [authorizerFnId] = lambdaOf(authorizerSpec);
    facet.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      AuthorizerPayloadFormatVersion: '2.0',
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 60,
    });
    const [, authorizer] = single('AWS::ApiGatewayV2::Authorizer', {});
    expect(JSON.stringify(authorizer.Properties.AuthorizerUri)).toContain(authorizerFnId);
  });

  const httpRoutes = SPECS.flatMap((spec) =>
    spec.trigger.kind === 'http' ? spec.trigger.routes.map((route) => [`${route.method} ${route.path}`, spec, route] as const) : [],
  );

  it('has at least the public routes', () => {
    expect(httpRoutes.some(([key]) => key === 'GET /health')).toBe(true);
  });

  it.each(httpRoutes)('routes %s to its function, with the authorizer unless public', (routeKey, spec, route) => {
    const [, apiRoute] = single('AWS::ApiGatewayV2::Route', { RouteKey: routeKey });
    if (route.auth === 'public') {
      expect(apiRoute.Properties.AuthorizationType).toBe('NONE');
    } else {
      expect(apiRoute.Properties.AuthorizationType).toBe('CUSTOM');
      expect(apiRoute.Properties.AuthorizerId).toEqual({ Ref: expect.stringMatching(/Authorizer/) });
    }
    const integrationId = apiRoute.Properties.Target['Fn::Join'][1][1].Ref as string;
    const integration = facet.template.toJSON().Resources[integrationId];
    expect(integration.Properties.IntegrationUri).toEqual({ 'Fn::GetAtt': [lambdaOf(spec)[0], 'Arn'] });
    expect(integration.Properties.PayloadFormatVersion).toBe('2.0');
  });

  it('has exactly one route per contract', () => {
    expect(resources('AWS::ApiGatewayV2::Route')).toHaveLength(httpRoutes.length);
  });

  it('writes JSON access logs with the request id', () => {
    const [, stage] = single('AWS::ApiGatewayV2::Stage', { StageName: '$default' });
    expect(stage.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'][1]).toBe('Arn');
    expect(JSON.parse(stage.Properties.AccessLogSettings.Format)).toMatchObject({ requestId: '$context.requestId' });
    expect(stage.Properties.AutoDeploy).toBe(true);
  });
});

describe('triggers', () => {
  const queueConsumers = SPECS.filter((spec) => spec.trigger.kind === 'queue');

  it.each(queueConsumers.map((spec) => [spec.id, spec] as const))(
    '%s consumes its queue with partial batch failures and bounded concurrency',
    (_, spec) => {
      if (spec.trigger.kind !== 'queue') throw new Error('not a queue consumer');
      facet.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: lambdaOf(spec)[0] },
        EventSourceArn: { 'Fn::GetAtt': [queueOf(spec.trigger.queue)[0], 'Arn'] },
        BatchSize: spec.trigger.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: spec.trigger.maxConcurrency },
      });
    },
  );

  it('has one event source mapping per queue consumer', () => {
    expect(resources('AWS::Lambda::EventSourceMapping')).toHaveLength(queueConsumers.length);
  });

  const scheduled = SPECS.filter((spec) => spec.trigger.kind === 'schedule');

  it('schedules the outbox sweeper', () => {
    expect(scheduled.map((spec) => spec.id)).toContain('outbox-sweeper');
  });

  it.each(scheduled.map((spec) => [spec.id, spec] as const))(
    '%s fires from the stage schedule group, on time, with retries, a DLQ and a role for it alone',
    (_, spec) => {
      if (spec.trigger.kind !== 'schedule') throw new Error('not scheduled');
      const [groupId] = single('AWS::Scheduler::ScheduleGroup', { Name: `facet-${STAGE}` });
      const [fnId] = lambdaOf(spec);
      const [, schedule] = single('AWS::Scheduler::Schedule', { Name: `facet-${STAGE}-${spec.id}` });
      expect(schedule.Properties).toMatchObject({
        GroupName: { Ref: groupId },
        ScheduleExpression: spec.trigger.expression,
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: {
          Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^SchedulesDeadLetterQueue/), 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: expect.any(Number), MaximumEventAgeInSeconds: expect.any(Number) },
        },
      });
      expect(JSON.parse(schedule.Properties.Target.Input)).toMatchObject({
        schedule: spec.id,
        scheduledTime: '<aws.scheduler.scheduled-time>',
      });

      const roleId = schedule.Properties.Target.RoleArn['Fn::GetAtt'][0] as string;
      const [, role] = [roleId, facet.template.toJSON().Resources[roleId]] as const;
      expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
      const invokes = allPolicyStatements(facet.template)
        .filter(({ owner, statement }) => {
          const policy = facet.template.toJSON().Resources[owner];
          const attached = owner === roleId || JSON.stringify(policy.Properties.Roles ?? []).includes(roleId);
          return attached && asArray(statement.Action).includes('lambda:InvokeFunction');
        })
        .flatMap(({ statement }) => asArray(statement.Resource));
      expect(invokes).toEqual([{ 'Fn::GetAtt': [fnId, 'Arn'] }]);
    },
  );

  it('has a run-time invocation role that only Scheduler, for this group, can assume', () => {
    const [, group] = single('AWS::Scheduler::ScheduleGroup', { Name: `facet-${STAGE}` });
    expect(group).toBeDefined();
    const roles = resources('AWS::IAM::Role', { Description: 'Run-time schedules of this stage' });
    expect(roles).toHaveLength(1);
    const statement = roles[0]![1].Properties.AssumeRolePolicyDocument.Statement[0];
    expect(statement.Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
    expect(JSON.stringify(statement.Condition.ArnLike)).toContain(`schedule-group/facet-${STAGE}`);
  });
});

describe('email and secrets', () => {
  it('has an SES configuration set with reputation metrics and delivery events to the default bus', () => {
    const [configurationSetId] = single('AWS::SES::ConfigurationSet', {
      Name: `facet-${STAGE}`,
      ReputationOptions: { ReputationMetricsEnabled: true },
    });
    const [, destination] = single('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: configurationSetId },
    });
    const eventDestination = destination.Properties.EventDestination;
    expect(eventDestination.Enabled).toBe(true);
    expect(JSON.stringify(eventDestination.EventBridgeDestination.EventBusArn)).toContain(':event-bus/default');
    expect([...eventDestination.MatchingEventTypes].sort()).toEqual(
      ['send', 'delivery', 'bounce', 'complaint', 'reject', 'deliveryDelay', 'renderingFailure'].sort(),
    );
    expect(SES_EVENT_TYPES).not.toContain('open');
    expect(SES_EVENT_TYPES).not.toContain('click');
  });

  it('generates the HMAC signing key in Secrets Manager', () => {
    const [, secret] = single('AWS::SecretsManager::Secret', { Name: `facet-${STAGE}/signing-key` });
    expect(secret.Properties.GenerateSecretString.PasswordLength).toBeGreaterThanOrEqual(64);
    expect(secret.Properties.SecretString).toBeUndefined();
  });
});

describe('stack size', () => {
  /** CloudFormation's limits per stack; the parent keeps room below them for the capabilities still to come. */
  const RESOURCE_LIMIT = 500;
  const PARAMETER_LIMIT = 200;
  const PARENT_RESOURCE_BUDGET = 400;

  const countOf = (template: typeof facet.template, section: 'Resources' | 'Parameters') =>
    Object.keys((template.toJSON() as Record<string, Record<string, unknown> | undefined>)[section] ?? {}).length;

  it(`keeps the deployed stack within a budget of ${PARENT_RESOURCE_BUDGET} resources`, () => {
    expect(countOf(facet.template, 'Resources')).toBeLessThanOrEqual(PARENT_RESOURCE_BUDGET);
  });

  it("puts the operators' side in one nested stack, within CloudFormation's limits", () => {
    expect(resources('AWS::CloudFormation::Stack')).toHaveLength(1);
    for (const type of ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Dashboard', 'AWS::SNS::Topic', 'AWS::SNS::Subscription']) {
      expect(resources(type), `${type} in the parent`).toHaveLength(0);
      expect(Object.keys(facet.operationsTemplate.findResources(type)).length, `${type} in the nested stack`).toBeGreaterThan(0);
    }
    expect(countOf(facet.operationsTemplate, 'Resources')).toBeLessThan(RESOURCE_LIMIT);
    expect(countOf(facet.operationsTemplate, 'Parameters')).toBeLessThanOrEqual(PARAMETER_LIMIT);
  });

  it('still outputs the alarm topic and the dashboard name from the deployed stack', () => {
    const outputs = facet.template.toJSON().Outputs as Record<string, { Value: any }>;
    const [topicId] = operationsSingle('AWS::SNS::Topic', { TopicName: `facet-${STAGE}-alarms` });
    const [nestedStackId, nestedOutput] = outputs.AlarmTopicArn!.Value['Fn::GetAtt'] as [string, string];
    expect(resources('AWS::CloudFormation::Stack').map(([id]) => id)).toEqual([nestedStackId]);
    const nestedOutputs = facet.operationsTemplate.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(nestedOutputs[nestedOutput.replace(/^Outputs\./, '')]!.Value).toEqual({ Ref: topicId });
    expect(outputs.DashboardName!.Value).toBe(`facet-${STAGE}-operations`);
  });
});

/** Alarms, alarm topic and dashboard: in the operations nested stack, watching the parent's functions and queues. */
function operationsResources(type: string, props?: Record<string, unknown>): [string, Resource][] {
  return Object.entries(facet.operationsTemplate.findResources(type, props ? { Properties: props } : undefined)) as [string, Resource][];
}

function operationsSingle(type: string, props: Record<string, unknown>): [string, Resource] {
  const found = operationsResources(type, props);
  expect(found, `${type} ${JSON.stringify(props)}`).toHaveLength(1);
  return found[0]!;
}

describe('observability', () => {
  it('sends alarms to an SNS topic whose e-mail subscription is the AlarmEmail parameter', () => {
    facet.template.hasParameter('AlarmEmail', { Type: 'String' });
    facet.operationsTemplate.hasParameter('AlarmEmail', { Type: 'String' });
    expect(facet.inParent({ Ref: 'AlarmEmail' })).toEqual({ Ref: 'AlarmEmail' });
    const [topicId] = operationsSingle('AWS::SNS::Topic', { TopicName: `facet-${STAGE}-alarms` });
    facet.operationsTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      TopicArn: { Ref: topicId },
      Endpoint: { Ref: 'AlarmEmail' },
    });
  });

  function alarmsOn(metricName: string) {
    return operationsResources('AWS::CloudWatch::Alarm', { MetricName: metricName }).map(([, alarm]) => alarm.Properties);
  }

  it('alarms on the first message in every dead-letter queue', () => {
    const alarms = alarmsOn('ApproximateNumberOfMessagesVisible');
    const watchedQueues = alarms.map((alarm) => (facet.inParent(alarm.Dimensions[0].Value) as any)['Fn::GetAtt'][0]);
    for (const queueId of queueIds) expect(watchedQueues).toContain(dlqOf(queueId)[0]);
    expect(watchedQueues.some((id: string) => id.startsWith('SchedulesDeadLetterQueue'))).toBe(true);
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
      expect(alarm.AlarmActions).toEqual([{ Ref: expect.stringMatching(/AlarmTopic/) }]);
    }
  });

  it.each(['Errors', 'Throttles'])('alarms on %s of every function', (metricName) => {
    const watched = alarmsOn(metricName).map((alarm) => (facet.inParent(alarm.Dimensions[0].Value) as { Ref: string }).Ref);
    for (const spec of SPECS) expect(watched).toContain(lambdaOf(spec)[0]);
    for (const alarm of alarmsOn(metricName)) expect(alarm.AlarmActions).toHaveLength(1);
  });

  it('has one operations dashboard with API, function, queue and DLQ panels', () => {
    const [, dashboard] = operationsSingle('AWS::CloudWatch::Dashboard', { DashboardName: `facet-${STAGE}-operations` });
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const metric of ['4xx', '5xx', 'Latency', 'Errors', 'Throttles', 'Duration', 'ApproximateAgeOfOldestMessage']) {
      expect(body).toContain(metric);
    }
    expect(body).toContain('Dead-letter queue depth');
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding in the synthesized app', () => {
    const violations = facet.validationReport.pluginReports.flatMap((report) =>
      report.violations.map((violation) => `${violation.severity} ${violation.ruleName}: ${violation.violatingConstructs.map((c) => c.constructPath).join(', ')}`),
    );
    expect(violations).toEqual([]);
    // The same pack run directly on the tree: proves the check ran and found nothing, rather than did not run.
    const direct = new AwsSolutionsChecks().validateScope(facet.app);
    expect(direct.violations.map((violation) => violation.ruleName)).toEqual([]);
  });

  it('gives every acknowledgement a written reason, and acknowledges only what was reviewed', () => {
    const acknowledgedOn = new Map<string, { type: string; properties: Record<string, any> }[]>();
    const allResources = [facet.template, facet.operationsTemplate].flatMap(
      (template) => Object.values(template.toJSON().Resources) as (Resource & { Type: string })[],
    );
    for (const resource of allResources) {
      const rules = (resource.Metadata?.cdk_nag?.rules_to_suppress ?? []) as { id: string; reason: string }[];
      for (const rule of rules) {
        expect(rule.reason.length, rule.id).toBeGreaterThan(40);
        const entry = { type: resource.Type, properties: resource.Properties };
        acknowledgedOn.set(rule.id, [...(acknowledgedOn.get(rule.id) ?? []), entry]);
      }
    }
    expect([...acknowledgedOn.keys()].sort()).toEqual([
      'AwsSolutions-APIG4',
      // schedules.grantManageSchedules (api-campaigns creates run-time schedules): this stage's group only.
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/facet-dev/*]',
      // email.grantSendEmail (the send workers): SendEmail from any identity of this account, tenants' domains.
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]',
      // email.grantSendEmail and grantSetUpSesTenants: the stage's SES tenants, one per jeweller, created at run time.
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:tenant/facet-dev-*]',
      'AwsSolutions-SMG4',
      'AwsSolutions-SNS2',
      'AwsSolutions-SQS3',
    ]);
    // "No authorization" is acknowledged on exactly the routes whose contract says public.
    const unauthenticatedRoutes = acknowledgedOn
      .get('AwsSolutions-APIG4')!
      .filter(({ type }) => type === 'AWS::ApiGatewayV2::Route')
      .map(({ properties }) => properties.RouteKey as string);
    const publicRoutes = SPECS.flatMap((spec) => (spec.trigger.kind === 'http' ? spec.trigger.routes : []))
      .filter((route) => route.auth === 'public')
      .map((route) => `${route.method} ${route.path}`);
    expect(unauthenticatedRoutes.sort()).toEqual(publicRoutes.sort());
  });
});

describe('bundles', () => {
  const bundleDir = (spec: FunctionSpec) => join(facet.assemblyDir, lambdaOf(spec)[1].Metadata!['aws:asset:path'] as string);

  const bundleEnv = {
    PATH: process.env.PATH,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    STAGE,
    TABLE_NAME: 'facet-bundle-test',
    PUBLIC_API_URL: 'https://api.example.com/',
    POWERTOOLS_SERVICE_NAME: 'facet',
    LOG_LEVEL: 'ERROR',
    ...Object.fromEntries(Object.values(QUEUES).map((queue) => [queue.urlEnv, 'https://sqs.invalid/queue'])),
  };

  /** Runs an ES module script in a fresh Node process (the major version the bundles target) and parses its output. */
  function runNode<T>(script: string, args: string[]): T {
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script, ...args], {
      env: bundleEnv,
      encoding: 'utf8',
      timeout: 60_000,
    });
    return JSON.parse(output) as T;
  }

  /** `typeof handler` of every bundle, all loaded by one process (one Node start instead of one per function). */
  let handlerTypes: Record<string, string> | undefined;
  function handlerTypeOf(spec: FunctionSpec): string | undefined {
    handlerTypes ??= runNode<Record<string, string>>(
      `const out = {};
      for (const [id, file] of Object.entries(JSON.parse(process.argv[1]))) out[id] = typeof (await import(file)).handler;
      process.stdout.write(JSON.stringify(out));`,
      [JSON.stringify(Object.fromEntries(SPECS.map((s) => [s.id, join(bundleDir(s), 'index.mjs')])))],
    );
    return handlerTypes[spec.id];
  }

  it.each(SPECS.map((spec) => [spec.id, spec] as const))('%s is an ESM bundle with the require banner and a source map', (_, spec) => {
    const code = readFileSync(join(bundleDir(spec), 'index.mjs'), 'utf8');
    expect(code.startsWith('import { createRequire as facetCreateRequire }')).toBe(true);
    expect(code).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
    expect(existsSync(join(bundleDir(spec), 'index.mjs.map'))).toBe(true);
  });

  it.each(SPECS.map((spec) => [spec.id, spec] as const))('%s loads on this Node and exports a handler', (_, spec) => {
    expect(handlerTypeOf(spec)).toBe('function');
  });

  it('serves the docs assets from the files copied into the public bundle', () => {
    const spec = SPECS.find((candidate) => candidate.bundleNodePackages?.includes('swagger-ui-dist'));
    expect(spec).toBeDefined();
    const event = apiEvent({
      method: 'GET',
      path: '/docs/swagger-ui.css',
      routeKey: 'GET /docs/{asset}',
      pathParameters: { asset: 'swagger-ui.css' },
    });
    const result = runNode<{ statusCode: number; body: string }>(
      `const [file, event, context] = process.argv.slice(1);
      const result = await (await import(file)).handler(JSON.parse(event), JSON.parse(context));
      process.stdout.write(JSON.stringify(result));`,
      [join(bundleDir(spec!), 'index.mjs'), JSON.stringify(event), JSON.stringify(lambdaContext(spec!.id))],
    );
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('.swagger-ui');
    expect(existsSync(join(bundleDir(spec!), 'node_modules/swagger-ui-dist/swagger-ui.css.map'))).toBe(false);
  });
});
