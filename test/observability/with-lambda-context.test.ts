import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../shared/observability/logger';
import { withLambdaContext } from '../../shared/observability/with-lambda-context';
import { lambdaContext } from '../support/http';
import { handler as outboxSweeper } from '../../functions/schedule/outbox-sweeper';

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

  it('is what the non-HTTP functions export (the outbox sweeper, for one)', () => {
    expect(outboxSweeper.name).toBe('wrapped');
  });
});
