import { dispatchScheduledCampaign, type LifecycleDeps } from '../../shared/domain/campaigns/campaign-lifecycle';
import { dispatchInputSchema } from '../../shared/domain/campaigns/campaign-schedule';
import { defaultLifecycleDeps } from '../../shared/domain/campaigns/default-deps';
import { logger } from '../../shared/observability/logger';
import { withLambdaContext } from '../../shared/observability/with-lambda-context';

/**
 * Target of every campaign schedule (EventBridge Scheduler, one-time `at()`): moves the campaign from scheduled to
 * sending if the firing's schedule version is still the current one, then hands it to the send pipeline. Late,
 * duplicate, replaced and cancelled firings change nothing. An input that is not a campaign firing is logged and
 * dropped (retrying it could never succeed); a failed hand-over throws, so Scheduler retries the firing.
 */
export function campaignDispatcher(deps: Pick<LifecycleDeps, 'sendPort' | 'now'> & Partial<LifecycleDeps>) {
  const lifecycle: LifecycleDeps = { ...defaultLifecycleDeps, ...deps };
  return async (event: unknown) => {
    const input = dispatchInputSchema.safeParse(event);
    if (!input.success) {
      logger.error('campaign dispatcher: not a campaign firing, dropped', { issues: input.error.issues.map((issue) => issue.path.join('.')) });
      return { outcome: 'invalid_input' as const };
    }
    const { tenantId, campaignId, scheduleVersion } = input.data;
    logger.appendKeys({ tenantId, campaignId });
    try {
      const outcome = await dispatchScheduledCampaign(input.data, lifecycle);
      logger.info('campaign schedule fired', { scheduleVersion, outcome });
      return { outcome };
    } finally {
      logger.removeKeys(['tenantId', 'campaignId']);
    }
  };
}

export const handler = withLambdaContext(campaignDispatcher(defaultLifecycleDeps));
