/**
 * The reputation guard: judges a tenant after its bounces and complaints (./reputation.ts) and, above SES's review
 * thresholds, holds its marketing until an owner or manager acknowledges (./reputation-acknowledge.ts):
 *  - campaigns and bulk sends that are sending move to `paused` (system actor, audited);
 *  - a scheduled campaign that fires is paused instead of sent, and a marketing send started meanwhile is paused at
 *    once (./guarded-send-port.ts wraps the pipeline's entry);
 *  - `POST .../send` and `.../resume` of a campaign answer 409 with the reason (`assertMarketingSendsAllowed`);
 *  - service messages (purpose `service`) go on;
 *  - a `ReputationHolds` metric is emitted, on which the stack's alarm fires, and the hold is logged.
 * Automations that send marketing messages ask `marketingHold(tenantId)` before handing a message over.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { auditItem } from '../../audit/audit-entry';
import { env } from '../../config/env';
import { ProblemError } from '../../http/problem';
import { logger } from '../../observability/logger';
import { UnitOfWork } from '../../store/unit-of-work';
import { runCampaignCommand, systemActor, type LifecycleDeps } from '../campaigns/campaign-lifecycle';
import { loadCampaign } from '../campaigns/campaign-repository';
import { sendOriginOf } from '../direct-sends/send-origin';
import { activeSendsOfTenant } from '../sending/dispatch-store';
import { BOUNCE_RATE_LIMIT, COMPLAINT_RATE_LIMIT, judge, MINIMUM_SENDS, REPUTATION_HOLD_METRIC, type Judgement } from './reputation';
import { loadReputationState, saveReputationState, windowFigures, type ReputationState } from './reputation-store';

export const reputationHeldProblem = (state: Pick<ReputationState, 'heldAt' | 'reasons'>) =>
  new ProblemError(
    409,
    'Marketing sends paused',
    `Marketing email is paused for this store since ${state.heldAt ?? 'recently'}: ${(state.reasons ?? ['bounce or complaint rate too high']).join('; ')}. ` +
      'Clean the list (remove addresses that bounce, stop mailing people who did not ask for it), then an owner or manager ' +
      'acknowledges with POST /v1/reputation/acknowledge. Service messages are still sent.',
    {
      reasons: state.reasons ?? [],
      heldAt: state.heldAt,
      limits: { bounceRate: BOUNCE_RATE_LIMIT, complaintRate: COMPLAINT_RATE_LIMIT, minimumSends: MINIMUM_SENDS },
      acknowledge: '/v1/reputation/acknowledge',
    },
  );

/** Throws the 409 while the tenant's marketing is held (campaign send and resume call this first). */
export async function assertMarketingSendsAllowed(tenantId: string): Promise<void> {
  const state = await loadReputationState(tenantId);
  if (state.status === 'held') throw reputationHeldProblem(state);
}

const HOLD_CACHE_MS = 10_000;
const holdCache = new Map<string, { held: boolean; until: number }>();

/** Whether the tenant's marketing is held, cached briefly per container (for senders that ask per message). */
export async function marketingHold(tenantId: string, now: number = Date.now()): Promise<boolean> {
  const cached = holdCache.get(tenantId);
  if (cached && cached.until > now) return cached.held;
  const held = (await loadReputationState(tenantId, false)).status === 'held';
  holdCache.set(tenantId, { held, until: now + HOLD_CACHE_MS });
  return held;
}

/** Pausing never creates or deletes schedules and never hands anything over: these deps say so loudly if it did. */
const PAUSE_DEPS: LifecycleDeps = {
  schedules: {
    create: () => Promise.reject(new Error('the reputation guard does not schedule')),
    delete: () => Promise.reject(new Error('the reputation guard does not unschedule')),
  },
  sendPort: undefined,
  dispatcherArn: () => '',
  now: () => new Date(),
};

/** Pauses one send if it is marketing and sending; true when this call paused it. */
export async function pauseIfMarketing(tenantId: string, campaignId: string): Promise<boolean> {
  const loaded = await loadCampaign(tenantId, campaignId);
  if (!loaded || loaded.campaign.status !== 'sending') return false;
  if (sendOriginOf(loaded.item).purpose !== 'marketing') return false;
  try {
    await runCampaignCommand(systemActor(tenantId), campaignId, { type: 'pause' }, PAUSE_DEPS);
    return true;
  } catch (error) {
    // Someone else moved it first (completed, cancelled, paused): nothing left to pause.
    if (error instanceof ProblemError && (error.status === 409 || error.status === 404)) return false;
    throw error;
  }
}

async function activeSendIds(tenantId: string): Promise<string[]> {
  return (await activeSendsOfTenant(tenantId)).map((send) => send.campaignId);
}

/** Records sends the guard paused, so the acknowledgement knows them. */
export async function rememberPausedSends(tenantId: string, campaignIds: readonly string[]): Promise<void> {
  for (let attempt = 0; attempt < 5 && campaignIds.length > 0; attempt++) {
    const state = await loadReputationState(tenantId);
    if (state.status !== 'held') return;
    const pausedSends = [...new Set([...state.pausedSends, ...campaignIds])];
    if (await saveReputationState(tenantId, { ...state, pausedSends }, state.version)) return;
  }
}

const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Facet', serviceName: 'facet' });

function emitHoldMetric(): void {
  metrics.addDimension('stage', env.stage());
  metrics.addMetric(REPUTATION_HOLD_METRIC, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
}

export type GuardOutcome =
  | { readonly kind: 'already_held' }
  | { readonly kind: 'judged'; readonly judgement: Judgement }
  | { readonly kind: 'held'; readonly judgement: Judgement; readonly paused: readonly string[] };

/** Judges the tenant now; holds its marketing (and pauses its marketing sends) when a rate is above its limit. */
export async function judgeTenant(tenantId: string, now: Date = new Date()): Promise<GuardOutcome> {
  const state = await loadReputationState(tenantId);
  if (state.status === 'held') return { kind: 'already_held' };
  const judgement = judge(await windowFigures(tenantId, now, state.status === 'acknowledged' ? state.baseline : undefined));
  if (judgement.verdict !== 'hold') return { kind: 'judged', judgement };

  const at = now.toISOString();
  const held: ReputationState = {
    status: 'held',
    version: state.version,
    heldAt: at,
    reasons: judgement.reasons,
    heldFigures: judgement.figures,
    pausedSends: [],
  };
  // Of two containers judging at once, one holds; the other finds it held on its next look.
  if (!(await saveReputationState(tenantId, held, state.version))) return { kind: 'already_held' };
  const uow = new UnitOfWork(undefined);
  uow.put(auditItem(systemActor(tenantId), { action: 'updated', entity: 'reputation', entityId: tenantId, fields: ['status'], detail: `marketing held: ${judgement.reasons.join('; ')}` }, at));
  await uow.commit();
  logger.warn('reputation guard: marketing held', { tenantId, ...judgement.figures, ...judgement.rates });
  emitHoldMetric();
  holdCache.delete(tenantId);

  const paused: string[] = [];
  for (const campaignId of await activeSendIds(tenantId)) {
    if (await pauseIfMarketing(tenantId, campaignId)) paused.push(campaignId);
  }
  await rememberPausedSends(tenantId, paused);
  return { kind: 'held', judgement, paused };
}

/**
 * Judging after sends only matters once a tenant crosses MINIMUM_SENDS with bounces already counted; a few reads a
 * minute per tenant and container cover that, instead of reading the window on every Send event.
 */
const SEND_JUDGING_INTERVAL_MS = 60_000;
const lastJudgedAfterSends = new Map<string, number>();

export async function judgeTenantAfterSends(tenantId: string, now: Date = new Date()): Promise<GuardOutcome | undefined> {
  const last = lastJudgedAfterSends.get(tenantId) ?? 0;
  if (now.getTime() - last < SEND_JUDGING_INTERVAL_MS) return undefined;
  lastJudgedAfterSends.set(tenantId, now.getTime());
  return judgeTenant(tenantId, now);
}
