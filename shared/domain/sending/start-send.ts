/**
 * The send pipeline's entry (the campaigns' CampaignSendPort): called when a campaign enters `sending` (send now, a
 * schedule firing, a resume) and possibly again for the same campaign (a retried firing, a racing duplicate).
 *
 * It only makes the work durable and returns: the campaign goes on the reconciler's worklist, the dispatch state is
 * created (or, when it exists, restarted with its step bumped, which fences off any chain still running) and the first
 * dispatch message is sent. Recipients are expanded by the dispatch steps, not here, so a 100k-customer book never
 * holds an API request. Calling it twice is harmless: the second call restarts from the same checkpoint, and every
 * write downstream is conditional.
 */
import type { CampaignSendPort } from '../campaigns/send-port';
import { readCampaignCounters } from '../campaigns/campaign-repository';
import { newDispatchState, restart } from './dispatch-state';
import { loadDispatchState, markSendActive, saveDispatchState } from './dispatch-store';
import { finishedCount } from './send-counters';
import { sendDispatchMessage } from './send-queues';
import { ensureSesTenant } from '../sender-identity/ses-tenant-setup';

const MAX_ATTEMPTS = 5;

export async function startCampaignSend(tenantId: string, campaignId: string, now: Date = new Date()): Promise<void> {
  // Every SendEmail names the jeweller's SES tenant, and SES refuses a tenant that does not exist: set it up (once,
  // then a single read) before any message can be enqueued.
  await ensureSesTenant(tenantId, now);
  await markSendActive(tenantId, campaignId, now);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const state = await loadDispatchState(tenantId, campaignId);
    const next = state
      ? restart(state, finishedCount(await readCampaignCounters(tenantId, campaignId)), now)
      : newDispatchState(tenantId, campaignId, now);
    if (await saveDispatchState(next, state?.step)) {
      await sendDispatchMessage({ v: 1, tenantId, campaignId, step: next.step });
      return;
    }
  }
  throw new Error('The campaign dispatch is being restarted concurrently; try again');
}

/** Used by the reconciler when a sending campaign has no dispatch state (the hand-over died before writing it). */
export const startFreshDispatch = startCampaignSend;

export const sendPipeline: CampaignSendPort = {
  startCampaignSend: (tenantId, campaignId) => startCampaignSend(tenantId, campaignId),
};
