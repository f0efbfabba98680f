import { FUNCTIONS, type FunctionSpec } from '../../functions/manifest';
import type { InvokeTarget } from './dispatcher';

/**
 * The local stand-in for EventBridge Scheduler's Lambda target: a schedule whose target is the ARN of one of the
 * manifest's functions runs that function's very handler module, with the schedule's Input parsed as JSON as the
 * event (an empty object when the schedule has no Input). Function names follow the manifest's rule,
 * `facet-{stage}-{id}`, so the ARNs business code builds from its environment resolve the same way here as in AWS.
 */
export interface FunctionRunner {
  /** Runs a manifest function with an event, as Lambda would (local/runtime's function invoker fits). */
  invoke(spec: FunctionSpec, event: unknown): Promise<unknown>;
}

export class UnsupportedTargetError extends Error {}

/** `arn:aws:lambda:{region}:{account}:function:{name}[:{qualifier}]` -> name. */
export function lambdaFunctionName(targetArn: string): string | undefined {
  return /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9-_]+)(?::[A-Za-z0-9-_$]+)?$/.exec(targetArn)?.[1];
}

export function manifestLambdaTargets(options: {
  readonly stage: string;
  readonly runner: FunctionRunner;
  readonly functions?: readonly FunctionSpec[];
}): InvokeTarget {
  const functions = options.functions ?? FUNCTIONS;
  const byName = new Map(functions.map((spec) => [`facet-${options.stage}-${spec.id}`, spec]));
  return async (target) => {
    const name = lambdaFunctionName(target.Arn);
    if (name === undefined) {
      throw new UnsupportedTargetError(`The local scheduler only invokes Lambda function targets, not ${target.Arn}`);
    }
    const spec = byName.get(name);
    if (!spec) throw new UnsupportedTargetError(`No function ${name} in functions/manifest.ts for stage ${options.stage}`);
    // Lambda refuses a payload that is not JSON; so does this.
    const event: unknown = target.Input === undefined ? {} : JSON.parse(target.Input);
    await options.runner.invoke(spec, event);
  };
}
