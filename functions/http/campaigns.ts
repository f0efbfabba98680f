import {
  campaignMetricsRoute,
  campaignRecipientsRoute,
  cancelCampaignRoute,
  copyCampaignRoute,
  createCampaignRoute,
  deleteCampaignRoute,
  getCampaignRoute,
  listCampaignsRoute,
  pauseCampaignRoute,
  resumeCampaignRoute,
  scheduleCampaignRoute,
  sendCampaignRoute,
  testCampaignRoute,
  unscheduleCampaignRoute,
  updateCampaignRoute,
} from '../../shared/api/campaigns/contract';
import { runCampaignCommand, scheduleCampaign, type LifecycleDeps } from '../../shared/domain/campaigns/campaign-lifecycle';
import { campaignMetrics } from '../../shared/domain/campaigns/campaign-metrics';
import { listCampaigns, loadCampaign, readCampaignCounters } from '../../shared/domain/campaigns/campaign-repository';
import { campaignView } from '../../shared/domain/campaigns/campaign-view';
import { copyCampaignAsDraft, createCampaign, deleteDraftCampaign, editCampaign } from '../../shared/domain/campaigns/campaign-writes';
import { defaultLifecycleDeps } from '../../shared/domain/campaigns/default-deps';
import { campaignListFilter } from '../../shared/domain/campaigns/list-filter';
import { loadTenantSettings } from '../../shared/domain/tenants/tenant-repository';
import { sendCampaignTest, sesEmailSender, type TestSendDeps } from '../../shared/domain/direct-sends/test-send';
import { listRecipientResults } from '../../shared/domain/sending/recipient-results';
import { withIdempotency } from '../../shared/http/idempotency';
import { httpHandler, implement } from '../../shared/http/handler';
import { problems } from '../../shared/http/problem';
import { assertMarketingSendsAllowed } from '../../shared/domain/engagement/reputation-guard';

const location = (campaignId: string) => ({ location: `/v1/campaigns/${campaignId}` });

async function existingCampaign(tenantId: string, campaignId: string) {
  const loaded = await loadCampaign(tenantId, campaignId);
  if (!loaded) throw problems.notFound('Campaign');
  return loaded.campaign;
}

/** The campaigns API; `deps` are injected by tests (local scheduler, recording send port, an email sender for tests). */
export function campaignsApi(deps: LifecycleDeps, testSendDeps: Pick<TestSendDeps, 'emailSender'> = { emailSender: sesEmailSender }) {
  return httpHandler([
    implement(listCampaignsRoute, async ({ query }, principal) => {
      const { timeZone } = await loadTenantSettings(principal.tenantId);
      const result = await listCampaigns(principal.tenantId, campaignListFilter(query, timeZone), query);
      return { status: 200, body: { items: result.items.map(campaignView), nextCursor: result.nextCursor } };
    }),
    implement(createCampaignRoute, async ({ body }, principal) => {
      const campaign = await createCampaign(principal, body, deps.now());
      return { status: 201, headers: location(campaign.campaignId), body: campaignView(campaign) };
    }),
    implement(getCampaignRoute, async ({ params }, principal) => ({
      status: 200,
      body: campaignView(await existingCampaign(principal.tenantId, params.campaignId)),
    })),
    implement(updateCampaignRoute, async ({ params, body }, principal) => ({
      status: 200,
      body: campaignView(await editCampaign(principal, params.campaignId, body, deps.now())),
    })),
    implement(deleteCampaignRoute, async ({ params }, principal) => {
      await deleteDraftCampaign(principal, params.campaignId, deps.now());
      return { status: 204 };
    }),
    implement(copyCampaignRoute, async ({ params }, principal) => {
      const copy = await copyCampaignAsDraft(principal, params.campaignId, deps.now());
      return { status: 201, headers: location(copy.campaignId), body: campaignView(copy) };
    }),
    implement(scheduleCampaignRoute, async ({ params, body }, principal) => ({
      status: 200,
      body: campaignView(await scheduleCampaign(principal, params.campaignId, body, deps)),
    })),
    implement(unscheduleCampaignRoute, async ({ params }, principal) => ({
      status: 200,
      body: campaignView(await runCampaignCommand(principal, params.campaignId, { type: 'unschedule' }, deps)),
    })),
    implement(
      sendCampaignRoute,
      withIdempotency(sendCampaignRoute, async ({ params }, principal) => {
        await assertMarketingSendsAllowed(principal.tenantId);
        return { status: 202, body: campaignView(await runCampaignCommand(principal, params.campaignId, { type: 'send' }, deps)) };
      }),
    ),
    implement(
      testCampaignRoute,
      withIdempotency(testCampaignRoute, async ({ params, body }, principal) => {
        const result = await sendCampaignTest(principal, params.campaignId, body ?? {}, { ...testSendDeps, sendPort: deps.sendPort, now: deps.now });
        return { status: result.status === 'sent' ? 200 : 202, body: result };
      }),
    ),
    implement(cancelCampaignRoute, async ({ params }, principal) => ({
      status: 200,
      body: campaignView(await runCampaignCommand(principal, params.campaignId, { type: 'cancel' }, deps)),
    })),
    implement(pauseCampaignRoute, async ({ params }, principal) => ({
      status: 200,
      body: campaignView(await runCampaignCommand(principal, params.campaignId, { type: 'pause' }, deps)),
    })),
    implement(resumeCampaignRoute, async ({ params }, principal) => {
      await assertMarketingSendsAllowed(principal.tenantId);
      return { status: 200, body: campaignView(await runCampaignCommand(principal, params.campaignId, { type: 'resume' }, deps)) };
    }),
    implement(campaignMetricsRoute, async ({ params }, principal) => {
      const campaign = await existingCampaign(principal.tenantId, params.campaignId);
      const totals = await readCampaignCounters(principal.tenantId, params.campaignId);
      return { status: 200, body: campaignMetrics(campaign, totals) };
    }),
    implement(campaignRecipientsRoute, async ({ params, query }, principal) => {
      await existingCampaign(principal.tenantId, params.campaignId);
      return { status: 200, body: await listRecipientResults(principal.tenantId, params.campaignId, query) };
    }),
  ]);
}

export const handler = campaignsApi(defaultLifecycleDeps);
