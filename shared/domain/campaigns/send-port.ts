/**
 * The hand-over from a campaign entering `sending` to the send pipeline (recipient expansion, gates, SQS send workers,
 * SES, reconciler), which implements this port.
 *
 * Contract for the implementation: `startCampaignSend` is called after the campaign was moved to `sending` (by
 * `POST .../send`, by the dispatcher when its schedule fires, and by `POST .../resume`), and may be called again for
 * the same campaign (a retried firing, a resume, a racing duplicate): it must be idempotent and continue from where
 * the pipeline stopped, never send a recipient twice. It returns once the work is durably queued, not when the
 * campaign is sent. Throwing leaves the campaign `sending` with its hand-over `pending` (see Campaign.handover).
 */
import { sendPipeline } from '../sending/start-send';
import { reputationGuardedSendPort } from '../engagement/guarded-send-port';

export interface CampaignSendPort {
  startCampaignSend(tenantId: string, campaignId: string): Promise<void>;
}

/** The pipeline's implementation (shared/domain/sending/start-send.ts), behind the reputation guard (a held tenant's marketing pauses). */
export const installedSendPort: CampaignSendPort | undefined = reputationGuardedSendPort(sendPipeline);
