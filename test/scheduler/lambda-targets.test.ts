import { describe, expect, it } from 'vitest';
import type { FunctionSpec } from '../../functions/manifest';
import { manifestLambdaTargets, UnsupportedTargetError, type FunctionRunner } from '../../local/scheduler/lambda-targets';
import { ROLE_ARN } from './support';

const reportFunction = (expression: string): FunctionSpec => ({
  id: 'nightly-report',
  entry: 'functions/schedule/nightly-report.ts',
  description: 'test fixture',
  timeoutSeconds: 30,
  memoryMb: 256,
  trigger: { kind: 'schedule', expression, description: 'Nightly report' },
  access: { table: 'read' },
});

class RecordingRunner implements FunctionRunner {
  readonly calls: Array<{ id: string; event: unknown }> = [];

  async invoke(spec: FunctionSpec, event: unknown): Promise<unknown> {
    this.calls.push({ id: spec.id, event });
    return undefined;
  }
}

describe('manifestLambdaTargets', () => {
  const runner = new RecordingRunner();
  const invoke = manifestLambdaTargets({ stage: 'dev', runner, functions: [reportFunction('rate(1 day)')] });
  const firing = {
    scheduleArn: 'arn:aws:scheduler:ap-southeast-2:123456789012:schedule/facet-dev/x',
    scheduleName: 'x',
    groupName: 'facet-dev',
    scheduledTime: new Date('2025-06-01T09:00:00Z'),
    executionId: 'e1',
    attemptNumber: 1,
  };

  it('resolves a function ARN (qualified or not) to its manifest function, with {} when there is no input', async () => {
    await invoke({ Arn: 'arn:aws:lambda:ap-southeast-2:123456789012:function:facet-dev-nightly-report', RoleArn: ROLE_ARN }, firing);
    await invoke(
      { Arn: 'arn:aws:lambda:ap-southeast-2:123456789012:function:facet-dev-nightly-report:$LATEST', RoleArn: ROLE_ARN, Input: '{"a":1}' },
      firing,
    );
    expect(runner.calls).toEqual([
      { id: 'nightly-report', event: {} },
      { id: 'nightly-report', event: { a: 1 } },
    ]);
  });

  it('refuses targets it cannot run, so the retry policy and dead-letter queue see the failure', async () => {
    await expect(invoke({ Arn: 'arn:aws:sqs:ap-southeast-2:123456789012:queue', RoleArn: ROLE_ARN }, firing)).rejects.toBeInstanceOf(
      UnsupportedTargetError,
    );
    await expect(
      invoke({ Arn: 'arn:aws:lambda:ap-southeast-2:123456789012:function:facet-prod-nightly-report', RoleArn: ROLE_ARN }, firing),
    ).rejects.toBeInstanceOf(UnsupportedTargetError);
    await expect(
      invoke({ Arn: 'arn:aws:lambda:ap-southeast-2:123456789012:function:facet-dev-nightly-report', RoleArn: ROLE_ARN, Input: 'not json' }, firing),
    ).rejects.toThrow(SyntaxError);
  });
});
