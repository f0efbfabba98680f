import { z } from 'zod';
import { env } from '../../shared/config/env';
import { sweepOutbox } from '../../shared/events/outbox-sweep';
import { eventPublisher } from '../../shared/events/publisher';
import { logger } from '../../shared/observability/logger';

/**
 * The schedule's input (EventBridge Scheduler passes it as the event). Everything is optional so that an empty input,
 * or one carrying extra fields, still sweeps with the defaults.
 */
const sweepInputSchema = z
  .object({ minAgeSeconds: z.number().int().min(0).max(3600).optional() })
  .catch({});

export type OutboxSweepInput = z.input<typeof sweepInputSchema>;

/** EventBridge Scheduler target, every minute: publishes domain events whose immediate publish did not happen. */
export const handler = async (input: unknown) => {
  const { minAgeSeconds } = sweepInputSchema.parse(input ?? {});
  const result = await sweepOutbox({
    publisher: eventPublisher,
    tableName: env.tableName(),
    ...(minAgeSeconds === undefined ? {} : { minAgeMs: minAgeSeconds * 1000 }),
  });
  if (result.due > 0) logger.info('outbox swept', { ...result });
  return result;
};
