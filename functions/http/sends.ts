import { bulkSendRoute, getDirectSendRoute, oneToOneRoute } from '../../shared/api/sends/contract';
import { ZERO_COUNTERS } from '../../shared/domain/campaigns/campaign-counters';
import { readCampaignCounters } from '../../shared/domain/campaigns/campaign-repository';
import { defaultLifecycleDeps } from '../../shared/domain/campaigns/default-deps';
import { loadCustomer } from '../../shared/domain/customers/customer-store';
import { loadDirectSend } from '../../shared/domain/direct-sends/direct-send-store';
import { directSendView } from '../../shared/domain/direct-sends/direct-send-view';
import { startDirectSend, type DirectSendDeps } from '../../shared/domain/direct-sends/start-direct-send';
import { httpHandler, implement } from '../../shared/http/handler';
import { withIdempotency } from '../../shared/http/idempotency';
import { problems } from '../../shared/http/problem';
import { assertMarketingSendsAllowed } from '../../shared/domain/engagement/reputation-guard';

const location = (sendId: string) => ({ location: `/v1/sends/${sendId}` });

/** Bulk and one-to-one sends; `deps` are injected by tests (the send pipeline as the port, a clock). */
export function sendsApi(deps: DirectSendDeps) {
  return httpHandler([
    implement(
      bulkSendRoute,
      withIdempotency(bulkSendRoute, async ({ body }, principal) => {
        const { recipients, ...content } = body;
        await assertMarketingSendsAllowed(principal.tenantId);
        const send = await startDirectSend(principal, { origin: 'bulk', content, recipients, purpose: 'marketing', contentPath: 'body' }, deps);
        return { status: 202, headers: location(send.campaignId), body: directSendView({ campaign: send, origin: 'bulk' }, ZERO_COUNTERS) };
      }),
    ),
    implement(
      oneToOneRoute,
      withIdempotency(oneToOneRoute, async ({ params, body }, principal) => {
        await loadCustomer(principal.tenantId, params.customerId);
        const { purpose, ...content } = body;
        if (purpose === 'marketing') await assertMarketingSendsAllowed(principal.tenantId);
        const send = await startDirectSend(
          principal,
          { origin: 'one_to_one', content, recipients: { customerIds: [params.customerId] }, purpose, contentPath: 'body' },
          deps,
        );
        return { status: 202, headers: location(send.campaignId), body: directSendView({ campaign: send, origin: 'one_to_one' }, ZERO_COUNTERS) };
      }),
    ),
    implement(getDirectSendRoute, async ({ params }, principal) => {
      const send = await loadDirectSend(principal.tenantId, params.sendId);
      if (!send) throw problems.notFound('Send');
      return { status: 200, body: directSendView(send, await readCampaignCounters(principal.tenantId, params.sendId)) };
    }),
  ]);
}

export const handler = sendsApi({ sendPort: defaultLifecycleDeps.sendPort, now: () => new Date() });
