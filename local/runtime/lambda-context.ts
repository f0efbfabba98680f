import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { FunctionSpec } from '../../functions/manifest';
import type { AwsIdentity } from './aws-identity';

export const physicalFunctionName = (stage: string, spec: Pick<FunctionSpec, 'id'>) => `facet-${stage}-${spec.id}`;

export const functionArn = (identity: AwsIdentity, functionName: string) =>
  `arn:aws:lambda:${identity.region}:${identity.accountId}:function:${functionName}`;

/**
 * The `Context` Lambda passes to a handler, for one invocation: the same names AWS uses, a fresh request id and a
 * remaining time counting down from the function's timeout.
 */
export function createLambdaContext(options: {
  spec: Pick<FunctionSpec, 'id' | 'timeoutSeconds' | 'memoryMb'>;
  stage: string;
  identity: AwsIdentity;
  startedAt?: number;
  now?: () => number;
}): Context {
  const now = options.now ?? Date.now;
  const deadline = (options.startedAt ?? now()) + options.spec.timeoutSeconds * 1000;
  const functionName = physicalFunctionName(options.stage, options.spec);
  const unsupported = (name: string) => () => {
    throw new Error(`context.${name}() is the legacy callback API; Facet handlers return promises`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn(options.identity, functionName),
    memoryLimitInMB: String(options.spec.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}
