import type { Context } from 'aws-lambda';
import { logger } from './logger';

/**
 * The handler, with every log line of its invocation carrying the Lambda context (function name, request id, cold
 * start), as `injectLambdaContext` does for the HTTP handlers' middy chain. Non-HTTP functions are plain async
 * handlers (Powertools batch processing, schedule targets) that tests and scripts also call without a context, so the
 * context is added only when Lambda passed one; the handler keeps its own type.
 */
export function withLambdaContext<F extends (...args: never[]) => Promise<unknown>>(handler: F): F {
  const wrapped = (...args: Parameters<F>) => {
    const context = (args as unknown[])[1] as Context | undefined;
    if (context) logger.addContext(context);
    return handler(...args);
  };
  return wrapped as unknown as F;
}
