import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../shared/observability/logger';
import { withLambdaContext } from '../../shared/observability/with-lambda-context';
import { lambdaContext } from '../support/http';
import { handler as campaignDispatcher } from '../../functions/schedule/campaign-dispatcher';

afterEach(() => vi.restoreAllMocks());

describe('withLambdaContext', () => {
  it("adds the invocation's Lambda context to the logger before the handler runs, and passes everything through", async () => {
    const added = vi.spyOn(logger, 'addContext');
    const context = lambdaContext('facet-test-worker');
    const wrapped = withLambdaContext(async (event: { n: number }, given: unknown) => {
      expect(added).toHaveBeenCalledWith(context);
      return { doubled: event.n * 2, sameContext: given === context };
    });
    expect(await wrapped({ n: 21 }, context)).toEqual({ doubled: 42, sameContext: true });
  });

  it('runs a handler called without a context (tests, scripts) without touching the logger', async () => {
    const added = vi.spyOn(logger, 'addContext');
    const wrapped = withLambdaContext(async (event: string) => event.toUpperCase());
    expect(await wrapped('ok')).toBe('OK');
    expect(added).not.toHaveBeenCalled();
  });

  it("is what the non-HTTP functions export: the campaign dispatcher's deployed handler adds its context", async () => {
    const added = vi.spyOn(logger, 'addContext');
    const context = lambdaContext('facet-test-campaign-dispatcher');
    // An input that is not a campaign firing is dropped before any AWS call.
    // Lambda calls every handler with (event, context), whatever parameters the handler declares.
    const asLambdaCallsIt = campaignDispatcher as (event: unknown, context: Context) => Promise<unknown>;
    expect(await asLambdaCallsIt({ not: 'a firing' }, context)).toEqual({ outcome: 'invalid_input' });
    expect(added).toHaveBeenCalledWith(context);
  });
});
