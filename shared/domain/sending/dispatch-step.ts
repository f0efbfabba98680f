/**
 * One step of a campaign's dispatch (one dispatch-queue message), see ./dispatch-state.ts for the phases:
 *  - freezing: a slice of the book (or the whole evaluation of a ranked rule, or the hand-picked list) is matched and
 *    frozen into recipient records with the gates applied (./freeze.ts), then the checkpoint;
 *  - enqueueing: the campaign's window on the bulk lane is topped up from its `queued` recipients, shard by shard,
 *    once its turn has come (a tenant's bulk marketing sends go out one at a time: ./send-turns.ts);
 *  - watching: once the counters say every recipient is done, the recipients are walked and the campaign completed
 *    (./reconcile.ts); until then the step comes back every few seconds, for a bounded time (the scheduled reconciler
 *    takes over after that).
 * A step for a campaign that is no longer `sending` stops the chain: paused waits for resume (which restarts the
 * dispatch), cancelled is swept by the reconciler's logic right away.
 */
import { ProblemError } from '../../http/problem';
import { logger } from '../../observability/logger';
import { RECIPIENT_SHARDS } from '../../store/keys';
import { loadCampaign, readCampaignCounters, type LoadedCampaign } from '../campaigns/campaign-repository';
import { sendOriginOf } from '../direct-sends/send-origin';
import { loadTenantSettings } from '../tenants/tenant-repository';
import { resolveAudience, type Audience } from './audience';
import { matchAudienceSlice } from './audience-match';
import { freezeCandidates } from './freeze';
import { startPass, type DispatchState, type EnqueueCursor } from './dispatch-state';
import { loadDispatchState, saveDispatchState } from './dispatch-store';
import type { DispatchMessage, SendJob } from './messages';
import { dispatchWindow, windowAllowance } from './pacing';
import type { CampaignRecipient } from './recipient';
import { readRecipientShard } from './recipient-store';
import { reconcileCampaignSend, RECONCILE_DEFAULTS } from './reconcile';
import { approximateCounters, CounterDeltas, finishedCount } from './send-counters';
import { freezeSendContent, UnsendableContentError } from './send-content';
import { enqueueSendJobs, sendDispatchMessage } from './send-queues';
import { sendingAhead, takesTurns } from './send-turns';

export interface DispatchOptions {
  readonly now: () => Date;
  /** Stop reading the book for a slice after this long (then checkpoint). */
  readonly sliceBudgetMs: number;
  /** ... or after this many customers. */
  readonly sliceMaxCustomers: number;
  /** Seconds between enqueue rounds that put messages on the queue, and between rounds that found the window full. */
  readonly roundDelaySeconds: number;
  readonly idleRoundDelaySeconds: number;
  readonly watchDelaySeconds: number;
  /** After the last enqueue pass, keep watching for completion this long; then the scheduled reconciler takes over. */
  readonly watchLimitMs: number;
  /** The SES account send rate, which sizes a campaign's window on the bulk lane. */
  readonly accountRate: () => number;
}

export const DISPATCH_DEFAULTS: Omit<DispatchOptions, 'now' | 'accountRate'> = {
  sliceBudgetMs: 20_000,
  sliceMaxCustomers: 20_000,
  roundDelaySeconds: 2,
  idleRoundDelaySeconds: 2,
  watchDelaySeconds: 2,
  watchLimitMs: 2 * 3600_000,
};

export type StepOutcome = 'stale' | 'stopped' | 'continued' | 'finished';

async function freezeStep(loaded: LoadedCampaign, state: DispatchState, options: DispatchOptions): Promise<DispatchState> {
  const now = options.now();
  const campaign = loaded.campaign;
  const { tenantId, campaignId } = campaign;
  const { purpose, lane, communicationKind } = state.routing ?? sendOriginOf(loaded.item);
  const routed: DispatchState = { ...state, routing: { purpose, lane, communicationKind } };
  let audience: Audience | undefined;
  try {
    await freezeSendContent(campaign, now);
    audience = await resolveAudience(tenantId, campaign.recipients, state.rule);
  } catch (error) {
    if (!(error instanceof UnsendableContentError) && !(error instanceof ProblemError && error.status === 404)) throw error;
    // Nothing can be sent (the content or the segment is gone): an empty audience, and the campaign completes.
    logger.error('campaign audience or content unavailable: nothing is sent', { tenantId, campaignId, error: error as Error });
    return startPass({ ...routed, audience: 'manual', updatedAt: now.toISOString() }, 0, now);
  }
  const settings = await loadTenantSettings(tenantId);
  const context = { now: new Date(routed.evaluatedAt), timeZone: settings.timeZone, currency: settings.currency };
  const slice = await matchAudienceSlice(tenantId, audience, context, {
    freezeCursors: routed.freezeCursors,
    budgetMs: options.sliceBudgetMs,
    maxCustomers: options.sliceMaxCustomers,
  });
  const counters = new CounterDeltas();
  try {
    const tally = await freezeCandidates({ tenantId, campaignId, purpose, now }, slice.candidates, counters);
    logger.info('audience slice frozen', { tenantId, campaignId, ...tally, finished: slice.finished });
  } finally {
    await counters.flush(`${campaignId}#${state.step}`);
  }
  const next: DispatchState = {
    ...routed,
    audience: audience.mode,
    ...(audience.mode === 'manual' ? {} : { rule: audience.plan.rule }),
    ...(slice.freezeCursors ? { freezeCursors: slice.freezeCursors } : {}),
    updatedAt: options.now().toISOString(),
  };
  if (!slice.finished) return next;
  const totals = await readCampaignCounters(tenantId, campaignId);
  return startPass(next, finishedCount(totals), options.now());
}

/** Up to `limit` queued recipients from the pass's cursor on, and where the cursor ends up. */
async function collectQueued(
  ref: { tenantId: string; campaignId: string },
  cursor: EnqueueCursor,
  limit: number,
): Promise<{ recipients: CampaignRecipient[]; cursor: EnqueueCursor }> {
  const recipients: CampaignRecipient[] = [];
  let { shard, after } = cursor;
  while (recipients.length < limit && shard < RECIPIENT_SHARDS) {
    const page = await readRecipientShard(ref, shard, { after, status: 'queued', limit: 1000 });
    const wanted = page.recipients.slice(0, limit - recipients.length);
    recipients.push(...wanted);
    if (wanted.length < page.recipients.length) {
      after = wanted[wanted.length - 1]?.customerId;
      break;
    }
    if (page.after === undefined) {
      shard += 1;
      after = undefined;
    } else after = page.after;
  }
  return { recipients, cursor: after === undefined ? { shard } : { shard, after } };
}

async function enqueueRound(state: DispatchState, options: DispatchOptions): Promise<{ next: DispatchState; delaySeconds: number }> {
  const pass = state.pass!;
  const { tenantId, campaignId } = state;
  const now = options.now().toISOString();
  const routing = state.routing ?? { purpose: 'marketing', lane: 'bulk', communicationKind: 'campaign' };
  if (takesTurns(routing)) {
    const ahead = await sendingAhead(tenantId, campaignId);
    if (ahead !== undefined) {
      logger.debug('campaign waits for its turn: an earlier campaign of the tenant is sending', { tenantId, campaignId, ahead });
      return { next: { ...state, updatedAt: now }, delaySeconds: options.idleRoundDelaySeconds };
    }
  }
  const totals = await approximateCounters(tenantId, campaignId);
  const allowance = windowAllowance(dispatchWindow(options.accountRate()), pass.enqueued, finishedCount(totals) - pass.baselineFinished);
  if (allowance === 0) return { next: { ...state, updatedAt: now }, delaySeconds: options.idleRoundDelaySeconds };
  const { recipients, cursor } = await collectQueued(state, pass.cursor, allowance);
  const jobs: SendJob[] = recipients.map((recipient) => ({
    v: 1,
    kind: 'campaign',
    tenantId,
    campaignId,
    customerId: recipient.customerId,
    purpose: routing.purpose,
    frozenAt: recipient.frozenAt,
    communicationKind: routing.communicationKind,
  }));
  await enqueueSendJobs(routing.lane, jobs);
  const done = cursor.shard >= RECIPIENT_SHARDS;
  return {
    next: {
      ...state,
      phase: done ? 'watching' : 'enqueueing',
      pass: { ...pass, enqueued: pass.enqueued + jobs.length, cursor, ...(done ? { endedAt: now } : {}) },
      updatedAt: now,
    },
    delaySeconds: done ? options.watchDelaySeconds : options.roundDelaySeconds,
  };
}

async function watchRound(state: DispatchState, options: DispatchOptions): Promise<{ next: DispatchState; delaySeconds: number } | 'finished' | 'stop'> {
  const now = options.now();
  const totals = await approximateCounters(state.tenantId, state.campaignId);
  if (finishedCount(totals) >= totals.recipients) {
    const outcome = await reconcileCampaignSend(state.tenantId, state.campaignId, { ...RECONCILE_DEFAULTS, now });
    if (outcome.kind === 'finished') return 'finished';
  }
  const endedAt = state.pass?.endedAt ? Date.parse(state.pass.endedAt) : now.getTime();
  if (now.getTime() - endedAt > options.watchLimitMs) {
    logger.info('campaign still has recipients in flight; the scheduled reconciler takes over', { tenantId: state.tenantId, campaignId: state.campaignId });
    return 'stop';
  }
  return { next: { ...state, updatedAt: now.toISOString() }, delaySeconds: options.watchDelaySeconds };
}

export async function runDispatchStep(message: DispatchMessage, options: DispatchOptions): Promise<StepOutcome> {
  const { tenantId, campaignId } = message;
  const state = await loadDispatchState(tenantId, campaignId);
  if (!state || state.step !== message.step) return 'stale';
  if (state.phase === 'finished') return 'finished';
  const loaded = await loadCampaign(tenantId, campaignId);
  if (!loaded) return 'stopped';
  const campaign = loaded.campaign;
  if (campaign.status === 'cancelled') {
    await reconcileCampaignSend(tenantId, campaignId, { ...RECONCILE_DEFAULTS, now: options.now() });
    return 'stopped';
  }
  if (campaign.status !== 'sending') return 'stopped';

  let next: DispatchState;
  let delaySeconds = 0;
  if (state.phase === 'freezing') {
    next = await freezeStep(loaded, state, options);
  } else if (state.phase === 'enqueueing') {
    ({ next, delaySeconds } = await enqueueRound(state, options));
  } else {
    const watched = await watchRound(state, options);
    if (watched === 'finished') return 'finished';
    if (watched === 'stop') return 'stopped';
    ({ next, delaySeconds } = watched);
  }
  const checkpoint = { ...next, step: state.step + 1 };
  if (!(await saveDispatchState(checkpoint, state.step))) return 'stale';
  await sendDispatchMessage({ v: 1, tenantId, campaignId, step: checkpoint.step }, delaySeconds);
  return 'continued';
}
