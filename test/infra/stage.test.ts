/**
 * What changes outside dev stages, the synth-time guards, and the cdk-nag wiring of the app. Synthesized without
 * bundling: nothing here depends on function code.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FunctionSpec } from '../../functions/manifest';
import { Api } from '../../infra/api';
import { FacetFunction } from '../../infra/facet-function';
import { Messaging } from '../../infra/messaging';
import { Schedules } from '../../infra/schedules';
import { stageSettings } from '../../infra/stage-settings';
import { Storage } from '../../infra/storage';
import { wireTrigger } from '../../infra/triggers';
import { QUEUES } from '../../shared/config/queues';
import { synthesizeFacet, type SynthesizedFacet } from './synth';

describe('a production stage', () => {
  let prod: SynthesizedFacet;
  beforeAll(() => {
    prod = synthesizeFacet({
      stage: 'prod',
      bundle: false,
      // A queue without DLQ or TLS policy, in the stack and in its operations nested stack: the AwsSolutions pack the
      // app registers must report both.
      beforeSynth: ({ stack }) => {
        new Queue(stack, 'UncheckedQueue');
        new Queue(stack.operations, 'UncheckedQueue');
      },
    });
  }, 60_000);

  it('is named after the stage', () => {
    expect(prod.stack.stackName).toBe('facet-prod');
  });

  it('protects the table from deletion and keeps it when the stack goes', () => {
    const tables = Object.values(prod.template.findResources('AWS::DynamoDB::Table'));
    expect(tables).toHaveLength(1);
    expect(tables[0]!.Properties.DeletionProtectionEnabled).toBe(true);
    expect(tables[0]!.DeletionPolicy).toBe('Retain');
    expect(tables[0]!.UpdateReplacePolicy).toBe('Retain');
  });

  it('keeps the signing key and the logs when the stack goes', () => {
    for (const type of ['AWS::SecretsManager::Secret', 'AWS::Logs::LogGroup']) {
      for (const resource of Object.values(prod.template.findResources(type))) expect(resource.DeletionPolicy).toBe('Retain');
    }
  });

  it('logs at INFO and keeps logs for three months', () => {
    for (const fn of Object.values(prod.template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.Environment.Variables.LOG_LEVEL).toBe('INFO');
    }
    for (const logGroup of Object.values(prod.template.findResources('AWS::Logs::LogGroup'))) {
      expect(logGroup.Properties.RetentionInDays).toBe(90);
    }
  });

  it('runs cdk-nag AwsSolutions on the app, nested stack included, and reports what is not acknowledged', () => {
    const violations = prod.validationReport.pluginReports
      .filter((report) => report.pluginName === 'AwsSolutions')
      .flatMap((report) => report.violations);
    expect(violations.map((violation) => violation.ruleName).sort()).toEqual(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']);
    for (const violation of violations) {
      expect(violation.severity).toBe('error');
      expect(violation.violatingConstructs.map((c) => c.constructPath).sort()).toEqual([
        'facet-prod/Operations/UncheckedQueue/Resource',
        'facet-prod/UncheckedQueue/Resource',
      ]);
    }
  });
});

describe('stage names', () => {
  it.each(['dev', 'prod', 'dev-alice', 'staging2'])('accepts %s', (stage) => {
    expect(stageSettings(stage).prefix).toBe(`facet-${stage}`);
  });

  it.each(['', 'Prod', 'my_stage', '1dev', 'a-very-long-stage-name-indeed'])('refuses "%s"', (stage) => {
    expect(() => stageSettings(stage)).toThrow(/Stage/);
  });

  it('treats dev stages as disposable and the rest as holding real data', () => {
    expect(stageSettings('dev-alice').deletionProtection).toBe(false);
    expect(stageSettings('prod').deletionProtection).toBe(true);
  });
});

describe('queue consumers', () => {
  it('refuse a visibility timeout below 6x the consumer timeout at synth time', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'guard');
    const settings = stageSettings('dev');
    const messaging = new Messaging(stack, 'Messaging', settings);
    const storage = new Storage(stack, 'Storage', settings);
    const tooSlow: FunctionSpec = {
      id: 'slow-consumer',
      entry: 'functions/manifest.ts',
      description: 'A consumer whose timeout outgrows its queue',
      timeoutSeconds: QUEUES.domainEvents.visibilityTimeoutSeconds / 6 + 1,
      memoryMb: 256,
      trigger: { kind: 'queue', queue: 'domainEvents', batchSize: 10, maxConcurrency: 2 },
      access: { table: 'read' },
    };
    const fn = new FacetFunction(stack, tooSlow.id, { spec: tooSlow, settings, storage, messaging });
    const api = new Api(stack, 'Api', { settings, authorizerHandler: fn.handler });
    const schedules = new Schedules(stack, 'Schedules', settings);
    expect(() => wireTrigger(fn, { api, schedules, messaging })).toThrow(/visibility timeout .* below 6 x slow-consumer/);
  });
});
