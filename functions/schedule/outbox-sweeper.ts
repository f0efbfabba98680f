import { env } from '../../shared/config/env';
import { outboxSweepInputSchema, sweepOutbox } from '../../shared/events/outbox-sweep';
import { eventPublisher } from '../../shared/events/publisher';
import { logger } from '../../shared/observability/logger';
import { withLambdaContext } from '../../shared/observability/with-lambda-context';

/** EventBridge Scheduler target, every minute: publishes domain events whose immediate publish did not happen. */
export const handler = withLambdaContext(async (input: unknown) => {
  const parsed = outboxSweepInputSchema.safeParse(input ?? {});
  // A malformed schedule input must not stop the sweep: events would pile up unpublished.
  if (!parsed.success) logger.warn('outbox sweeper input ignored', { issues: parsed.error.issues.map((i) => i.message) });
  const minAgeSeconds = parsed.success ? parsed.data.minAgeSeconds : undefined;
  const result = await sweepOutbox({
    publisher: eventPublisher,
    tableName: env.tableName(),
    ...(minAgeSeconds === undefined ? {} : { minAgeMs: minAgeSeconds * 1000 }),
  });
  if (result.due > 0) logger.info('outbox swept', { ...result });
  return result;
});
