import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { FunctionSpec } from '../../functions/manifest';
import type { AwsIdentity } from './aws-identity';
import { createLambdaContext } from './lambda-context';

export type LambdaHandler = (event: unknown, context: Context) => unknown;

/** What Lambda reports when a handler outlives its configured timeout. */
export class LambdaTimeoutError extends Error {
  constructor(readonly functionName: string, readonly timeoutSeconds: number) {
    super(`${functionName}: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`);
    this.name = 'LambdaTimeoutError';
  }
}

export interface Invocation<T> {
  readonly result: T;
  readonly requestId: string;
  readonly durationMs: number;
}

export interface FunctionInvoker {
  invoke<T = unknown>(spec: FunctionSpec, event: unknown): Promise<Invocation<T>>;
}

/** One execution environment: a module instance of the function, serving one invocation at a time. */
interface Environment {
  readonly handler: LambdaHandler;
}

/**
 * Runs manifest functions the way Lambda does. Each function has execution environments, each with its own instance
 * of the handler module (imported on first use: a cold start; reused while warm), and an environment serves one
 * invocation at a time: concurrent invocations get environments of their own, as concurrent Lambda invocations do.
 * That keeps per-container state honest on a laptop (a send worker's pacing slot is its own, so ten concurrent send
 * workers share the account rate as in AWS instead of one limiter serving them all). Each call gets a fresh Context;
 * a handler that runs past `timeoutSeconds` fails the invocation with Lambda's timeout error, and its environment is
 * discarded (Lambda would stop it; locally the late promise settles on its own).
 */
export function createFunctionInvoker(options: {
  rootDir: string;
  stage: string;
  identity: AwsIdentity;
  /** Overrides module loading (tests); defaults to importing `spec.entry` under rootDir, one instance an environment. */
  loadHandler?: (spec: FunctionSpec, environment: number) => Promise<LambdaHandler>;
}): FunctionInvoker {
  const idle = new Map<string, Environment[]>();
  const created = new Map<string, number>();
  const load =
    options.loadHandler ??
    (async (spec: FunctionSpec, environment: number): Promise<LambdaHandler> => {
      const url = pathToFileURL(resolve(options.rootDir, spec.entry)).href;
      // A query string gives each environment its own module instance (and so its own module-level state).
      const module = (await import(environment === 0 ? url : `${url}?environment=${environment}`)) as { handler?: unknown };
      if (typeof module.handler !== 'function') throw new Error(`${spec.entry} does not export a handler function`);
      return module.handler as LambdaHandler;
    });

  const acquire = async (spec: FunctionSpec): Promise<Environment> => {
    const warm = idle.get(spec.id)?.pop();
    if (warm) return warm;
    // Numbered before the import, so concurrent cold starts get distinct instances; a failed import (a syntax error
    // while editing) uses its number up, and the next call imports afresh under the next one.
    const number = created.get(spec.id) ?? 0;
    created.set(spec.id, number + 1);
    return { handler: await load(spec, number) };
  };
  const release = (spec: FunctionSpec, environment: Environment) => {
    const list = idle.get(spec.id) ?? [];
    list.push(environment);
    idle.set(spec.id, list);
  };

  return {
    async invoke<T>(spec: FunctionSpec, event: unknown): Promise<Invocation<T>> {
      const environment = await acquire(spec);
      const startedAt = Date.now();
      const context = createLambdaContext({ spec, stage: options.stage, identity: options.identity, startedAt });
      let timer: NodeJS.Timeout | undefined;
      let timedOut = false;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          timedOut = true;
          reject(new LambdaTimeoutError(context.functionName, spec.timeoutSeconds));
        }, spec.timeoutSeconds * 1000);
      });
      try {
        const result = (await Promise.race([Promise.resolve().then(() => environment.handler(event, context)), timeout])) as T;
        return { result, requestId: context.awsRequestId, durationMs: Date.now() - startedAt };
      } finally {
        clearTimeout(timer);
        if (!timedOut) release(spec, environment);
      }
    },
  };
}

/** The same invoker, leaving one log line per invocation (for schedule firings, which have no other trace). */
export function withInvocationLog(invoker: FunctionInvoker, label: string, log: (line: string) => void): FunctionInvoker {
  return {
    async invoke<T>(spec: FunctionSpec, event: unknown) {
      const started = Date.now();
      try {
        const invocation = await invoker.invoke<T>(spec, event);
        log(`${label} ${spec.id} ok ${invocation.durationMs} ms`);
        return invocation;
      } catch (error) {
        log(`${label} ${spec.id} failed after ${Date.now() - started} ms: ${error instanceof Error ? error.message : String(error)}`);
        throw error;
      }
    },
  };
}
