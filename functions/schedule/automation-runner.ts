import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { env } from '../../shared/config/env';
import { runPass, type PassReport } from '../../shared/domain/automations/runner';
import { publishPassMetrics } from '../../shared/domain/automations/store/runner-metrics';
import { logger } from '../../shared/observability/logger';
import { withLambdaContext } from '../../shared/observability/with-lambda-context';

/** Left for writing run records and checkpoints after the last book page of an invocation. */
const FINISHING_MARGIN_MS = 60_000;
/** Without a Lambda context (a script, a test): how long a pass may read books. */
const DEFAULT_BUDGET_MS = 10 * 60_000;

/**
 * The recurring schedule's input (infra/schedule-input.ts: `scheduledTime` is when the firing was due), plus the
 * clock override: `now` (an instant) makes the pass run as if it were then, through exactly this code path
 * (`npm run automations:run -- --at 2026-12-24T10:00`).
 */
export const runnerInputSchema = z.object({
  schedule: z.string().optional(),
  scheduledTime: z.string().optional(),
  now: z.iso.datetime({ offset: true }).optional().describe('Clock override: run the pass as of this instant'),
});
export type RunnerInput = z.input<typeof runnerInputSchema>;

const instant = (value: string | undefined): Date | undefined => {
  const ms = value === undefined ? Number.NaN : Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms) : undefined;
};

/**
 * EventBridge Scheduler target (manifest `automation-runner`, every 15 minutes): one runner pass
 * (shared/domain/automations/runner.ts), then its metrics, the heartbeat among them.
 */
export const handler = withLambdaContext(async (input: unknown, context?: Context): Promise<PassReport> => {
  const parsed = runnerInputSchema.safeParse(input ?? {});
  // A malformed input must not stop the runner: that is the silent failure the heartbeat alarm exists for.
  if (!parsed.success) logger.warn('automation runner input ignored', { issues: parsed.error.issues.map((issue) => issue.message) });
  const given = parsed.success ? parsed.data : {};
  const override = instant(given.now);
  const now = override ?? new Date();
  const remaining = context?.getRemainingTimeInMillis?.() ?? DEFAULT_BUDGET_MS + FINISHING_MARGIN_MS;
  const wallStart = Date.now();
  try {
    const report = await runPass({
      now,
      scheduledAt: instant(given.scheduledTime) ?? now,
      clockOverride: override !== undefined,
      deadlineMs: wallStart + Math.max(5_000, remaining - FINISHING_MARGIN_MS),
      leaseUntilMs: wallStart + remaining + 30_000,
    });
    publishPassMetrics(env.stage(), report);
    logger.info('automation runner pass', { ...report, totals: undefined, enqueued: report.totals.enqueued, missed: report.totals.missed });
    return report;
  } catch (error) {
    publishPassMetrics(env.stage(), undefined);
    logger.error('automation runner pass failed', { error: error as Error });
    throw error;
  }
});
