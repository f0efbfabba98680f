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

/**
 * Runs manifest functions the way Lambda does: the handler module is imported on first use (a cold start; later calls
 * reuse the module, like a warm container), called with the event and a fresh Context, and a handler that runs past
 * `timeoutSeconds` fails the invocation with Lambda's timeout error. Locally the late promise is left to settle on its
 * own: there is no container to freeze.
 */
export function createFunctionInvoker(options: {
  rootDir: string;
  stage: string;
  identity: AwsIdentity;
  /** Overrides module loading (tests); defaults to importing `spec.entry` under rootDir. */
  loadHandler?: (spec: FunctionSpec) => Promise<LambdaHandler>;
}): FunctionInvoker {
  const handlers = new Map<string, Promise<LambdaHandler>>();
  const load =
    options.loadHandler ??
    (async (spec: FunctionSpec): Promise<LambdaHandler> => {
      const module = (await import(pathToFileURL(resolve(options.rootDir, spec.entry)).href)) as { handler?: unknown };
      if (typeof module.handler !== 'function') throw new Error(`${spec.entry} does not export a handler function`);
      return module.handler as LambdaHandler;
    });

  const handlerFor = (spec: FunctionSpec) => {
    let handler = handlers.get(spec.id);
    if (!handler) {
      handler = load(spec);
      // A failed import (syntax error while editing) is retried on the next call instead of being cached forever.
      handler.catch(() => handlers.delete(spec.id));
      handlers.set(spec.id, handler);
    }
    return handler;
  };

  return {
    async invoke<T>(spec: FunctionSpec, event: unknown): Promise<Invocation<T>> {
      const handler = await handlerFor(spec);
      const startedAt = Date.now();
      const context = createLambdaContext({ spec, stage: options.stage, identity: options.identity, startedAt });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new LambdaTimeoutError(context.functionName, spec.timeoutSeconds)),
          spec.timeoutSeconds * 1000,
        );
      });
      try {
        const result = (await Promise.race([Promise.resolve().then(() => handler(event, context)), timeout])) as T;
        return { result, requestId: context.awsRequestId, durationMs: Date.now() - startedAt };
      } finally {
        clearTimeout(timer);
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
