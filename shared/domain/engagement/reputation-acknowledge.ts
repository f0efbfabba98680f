/**
 * Reading and lifting the reputation guard's hold. An owner or manager acknowledges (`POST /v1/reputation/acknowledge`)
 * once the list is cleaned: marketing may be sent again, judged from that moment on (./reputation.ts), and
 *  - bulk sends the guard paused resume by themselves (nobody else could resume them: they have no resume route);
 *  - campaigns it paused stay paused until the jeweller resumes each (`POST /v1/campaigns/{id}/resume`), so nothing
 *    goes out that nobody looked at again.
 */
import { auditItem } from '../../audit/audit-entry';
import type { Principal } from '../../auth/roles';
import { problems, ProblemError } from '../../http/problem';
import { logger } from '../../observability/logger';
import { UnitOfWork } from '../../store/unit-of-work';
import { runCampaignCommand, systemActor } from '../campaigns/campaign-lifecycle';
import { loadCampaign } from '../campaigns/campaign-repository';
import { defaultLifecycleDeps } from '../campaigns/default-deps';
import { sendOriginOf } from '../direct-sends/send-origin';
import { BOUNCE_RATE_LIMIT, COMPLAINT_RATE_LIMIT, judge, MINIMUM_SENDS, utcDay, windowFirstDay } from './reputation';
import { loadReputationState, saveReputationState, todayFigures, windowFigures, type GuardStatus, type ReputationState } from './reputation-store';

export interface ReputationView {
  readonly status: GuardStatus;
  readonly window: {
    readonly from: string;
    readonly to: string;
    readonly sends: number;
    readonly bounces: number;
    readonly complaints: number;
    readonly bounceRate: number;
    readonly complaintRate: number;
    readonly judged: boolean;
  };
  readonly limits: { readonly bounceRate: number; readonly complaintRate: number; readonly minimumSends: number };
  readonly heldAt?: string;
  readonly reasons?: readonly string[];
  readonly acknowledgedAt?: string;
  readonly acknowledgedBy?: string;
  readonly note?: string;
  /** Day from which the guard judges again after an acknowledgement. */
  readonly judgedFrom?: string;
  readonly pausedCampaigns: readonly string[];
}

export async function reputationView(tenantId: string, now: Date = new Date(), state?: ReputationState): Promise<ReputationView> {
  const current = state ?? (await loadReputationState(tenantId));
  const figures = await windowFigures(tenantId, now);
  const judgement = judge(figures);
  return {
    status: current.status,
    window: {
      from: windowFirstDay(now),
      to: utcDay(now),
      ...figures,
      ...judgement.rates,
      judged: judgement.verdict !== 'not_judged',
    },
    limits: { bounceRate: BOUNCE_RATE_LIMIT, complaintRate: COMPLAINT_RATE_LIMIT, minimumSends: MINIMUM_SENDS },
    ...(current.heldAt ? { heldAt: current.heldAt } : {}),
    ...(current.reasons ? { reasons: current.reasons } : {}),
    ...(current.acknowledgedAt ? { acknowledgedAt: current.acknowledgedAt } : {}),
    ...(current.acknowledgedBy ? { acknowledgedBy: current.acknowledgedBy } : {}),
    ...(current.note ? { note: current.note } : {}),
    ...(current.status === 'acknowledged' && current.baseline ? { judgedFrom: current.baseline.day } : {}),
    pausedCampaigns: current.pausedSends,
  };
}

/** Splits the paused sends into campaigns (the jeweller resumes them) and bulk sends (resumed here). */
async function partitionPaused(tenantId: string, ids: readonly string[]): Promise<{ campaigns: string[]; unlisted: string[] }> {
  const campaigns: string[] = [];
  const unlisted: string[] = [];
  for (const id of ids) {
    const loaded = await loadCampaign(tenantId, id);
    if (!loaded || loaded.campaign.status !== 'paused') continue;
    (sendOriginOf(loaded.item).origin === 'campaign' ? campaigns : unlisted).push(id);
  }
  return { campaigns, unlisted };
}

export async function acknowledgeReputation(principal: Principal, note: string | undefined, now: Date = new Date()): Promise<ReputationView> {
  const state = await loadReputationState(principal.tenantId);
  if (state.status !== 'held') {
    throw problems.conflict(`Marketing sends are not paused (status ${state.status}); there is nothing to acknowledge.`, {
      // Not `status`: that member of a problem is the HTTP status code (RFC 9457).
      currentStatus: state.status,
    });
  }
  const { campaigns, unlisted } = await partitionPaused(principal.tenantId, state.pausedSends);
  const at = now.toISOString();
  const next: ReputationState = {
    status: 'acknowledged',
    version: state.version,
    ...(state.heldAt ? { heldAt: state.heldAt } : {}),
    ...(state.reasons ? { reasons: state.reasons } : {}),
    ...(state.heldFigures ? { heldFigures: state.heldFigures } : {}),
    acknowledgedAt: at,
    acknowledgedBy: principal.staffId,
    ...(note ? { note } : {}),
    baseline: await todayFigures(principal.tenantId, now),
    pausedSends: campaigns,
  };
  if (!(await saveReputationState(principal.tenantId, next, state.version))) {
    throw problems.conflict('The reputation status changed while it was being acknowledged; read it again.');
  }
  const uow = new UnitOfWork(undefined);
  uow.put(auditItem(principal, { action: 'updated', entity: 'reputation', entityId: principal.tenantId, fields: ['status'], detail: 'marketing hold acknowledged' }, at));
  await uow.commit();
  logger.info('reputation guard: hold acknowledged', { tenantId: principal.tenantId, staffId: principal.staffId, resumedSends: unlisted.length });

  for (const campaignId of unlisted) {
    try {
      await runCampaignCommand(systemActor(principal.tenantId), campaignId, { type: 'resume' }, defaultLifecycleDeps);
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      logger.warn('paused bulk send not resumed', { tenantId: principal.tenantId, campaignId, status: error.status });
    }
  }
  return reputationView(principal.tenantId, now, { ...next, version: next.version + 1 });
}
