import { z } from 'zod';
import { activeSends } from '../../shared/domain/sending/dispatch-store';
import { reconcileCampaignSend, RECONCILE_DEFAULTS, type ReconcileOptions } from '../../shared/domain/sending/reconcile';
import { logger } from '../../shared/observability/logger';
import { withLambdaContext } from '../../shared/observability/with-lambda-context';

/**
 * Thresholds may be lowered by the input: the local runtime runs the reconciler once at start with
 * `{"requeueAfterSeconds": 0, "stuckDispatchSeconds": 0}`, since its queues (in memory) lost every message the last
 * process held. The recurring schedule's input (schedule name and times) sets none of them.
 */
const inputSchema = z.object({
  staleClaimSeconds: z.number().min(0).optional(),
  requeueAfterSeconds: z.number().min(0).optional(),
  stuckDispatchSeconds: z.number().min(0).optional(),
  settleSeconds: z.number().min(0).optional(),
});

function optionsFrom(input: unknown, now: Date): ReconcileOptions {
  const parsed = inputSchema.safeParse(input ?? {});
  const given = parsed.success ? parsed.data : {};
  const ms = (seconds: number | undefined, fallback: number) => (seconds === undefined ? fallback : seconds * 1000);
  return {
    now,
    staleClaimMs: ms(given.staleClaimSeconds, RECONCILE_DEFAULTS.staleClaimMs),
    requeueAfterMs: ms(given.requeueAfterSeconds, RECONCILE_DEFAULTS.requeueAfterMs),
    stuckDispatchMs: ms(given.stuckDispatchSeconds, RECONCILE_DEFAULTS.stuckDispatchMs),
    settleMs: ms(given.settleSeconds, RECONCILE_DEFAULTS.settleMs),
  };
}

/**
 * EventBridge Scheduler target, every 5 minutes: reconciles every campaign whose send is not finished (the
 * `SENDS#ACTIVE` worklist): stale claims become `unknown` (or `sent` when SES's answer reached the timeline), queued
 * recipients no message carries any more are re-enqueued, cancelled campaigns are swept, and a campaign whose
 * recipients are all terminal is settled and moved to `sent`, once. One campaign's failure does not stop the others.
 */
export const handler = withLambdaContext(async (input: unknown) => {
  const options = optionsFrom(input, new Date());
  const outcomes: Record<string, number> = {};
  for await (const send of activeSends()) {
    try {
      const outcome = await reconcileCampaignSend(send.tenantId, send.campaignId, options);
      outcomes[outcome.kind] = (outcomes[outcome.kind] ?? 0) + 1;
      if (outcome.kind !== 'waiting') logger.info('campaign send reconciled', { tenantId: send.tenantId, campaignId: send.campaignId, outcome });
    } catch (error) {
      outcomes.error = (outcomes.error ?? 0) + 1;
      logger.error('campaign send reconciliation failed', { tenantId: send.tenantId, campaignId: send.campaignId, error: error as Error });
    }
  }
  return outcomes;
});
