/**
 * The send reconciler's work on one campaign, from the table alone (local queues live in memory, and in AWS a message
 * can be lost to a bug or an operator): walk every recipient and
 *  - resolve claims older than any worker can live: `sent` when the timeline entry written right after SES answered
 *    holds a message id, else `unknown` (never resent: at most once);
 *  - a cancelled campaign: every recipient still `queued` becomes `cancelled`;
 *  - a sending campaign with recipients `queued` long after its last enqueue pass: start a new pass (re-enqueue);
 *  - a dispatch that stopped checkpointing while freezing: restart it where it stopped;
 *  - once every recipient is terminal: settle the counters to the exact figures and move the campaign to `sent`, once.
 *
 * Settling is one transaction: the dispatch state takes `finalizedAt` (conditionally, so only one reconciler ever
 * settles a campaign) and the counter difference is added to one shard. A difference is only written once the last
 * recipient finished longer ago than any worker lives, so no worker's own counter update is still on its way.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { env } from '../../config/env';
import { ProblemError } from '../../http/problem';
import { logger } from '../../observability/logger';
import { documentClient } from '../../store/dynamo';
import { keys } from '../../store/keys';
import { isConditionFailure } from '../../store/unit-of-work';
import { runCampaignCommand, type LifecycleDeps } from '../campaigns/campaign-lifecycle';
import { counterIncrement, type CounterField } from '../campaigns/campaign-counters';
import { loadCampaign, readCampaignCounters } from '../campaigns/campaign-repository';
import type { Campaign } from '../campaigns/campaign';
import { putCampaignCommunication, readCampaignCommunication } from './campaign-communication';
import { restart, type DispatchState } from './dispatch-state';
import { dispatchStateKey, loadDispatchState, markSendInactive, saveDispatchState } from './dispatch-store';
import { RECIPIENT_STATUSES, type CampaignRecipient, type RecipientStatus } from './recipient';
import { allRecipients, transitionRecipient } from './recipient-store';
import { approximateCounters, CounterDeltas, counterFieldFor, finishedCount, PIPELINE_FIELDS, type PipelineField } from './send-counters';
import { sendDispatchMessage } from './send-queues';
import { startFreshDispatch } from './start-send';

export interface ReconcileOptions {
  readonly now: Date;
  /** A claim older than this has no live worker (send workers time out after a minute). */
  readonly staleClaimMs: number;
  /** Re-enqueue `queued` recipients when the last enqueue pass ended longer ago than this. */
  readonly requeueAfterMs: number;
  /** A freezing dispatch that has not checkpointed for this long lost its message (longer than a dispatch step lives). */
  readonly stuckDispatchMs: number;
  /** Counter differences are written only once the last recipient finished this long ago. */
  readonly settleMs: number;
}

const MINUTE = 60_000;
export const RECONCILE_DEFAULTS: Omit<ReconcileOptions, 'now'> = {
  staleClaimMs: 10 * MINUTE,
  requeueAfterMs: 15 * MINUTE,
  stuckDispatchMs: 20 * MINUTE,
  settleMs: 3 * MINUTE,
};

export type ReconcileOutcome =
  | { kind: 'gone' }
  | { kind: 'restarted'; why: 'no_dispatch' | 'stuck_freezing' }
  | { kind: 'waiting'; campaignStatus: Campaign['status']; pending: number; requeued: boolean }
  | { kind: 'postponed'; why: 'counters_settling' }
  | { kind: 'finished'; completed: boolean };

const SYSTEM = (tenantId: string) => ({ tenantId, staffId: 'system' as const, role: 'system' as const });

/** Completing a sending campaign touches no schedule and hands nothing over: the lifecycle needs only a clock. */
const completionDeps = (now: Date): LifecycleDeps => ({
  schedules: {
    create: () => Promise.reject(new Error('not used when completing')),
    delete: () => Promise.reject(new Error('not used when completing')),
  },
  sendPort: undefined,
  dispatcherArn: () => '',
  now: () => now,
});

interface Walk {
  byStatus: Record<RecipientStatus, number>;
  exact: Record<PipelineField, number>;
  latestFinishedAt: number;
}

function emptyWalk(): Walk {
  return {
    byStatus: Object.fromEntries(RECIPIENT_STATUSES.map((status) => [status, 0])) as Record<RecipientStatus, number>,
    exact: Object.fromEntries(PIPELINE_FIELDS.map((field) => [field, 0])) as Record<PipelineField, number>,
    latestFinishedAt: 0,
  };
}

function tallyRecipient(walk: Walk, recipient: CampaignRecipient): void {
  walk.byStatus[recipient.status] += 1;
  walk.exact.recipients += 1;
  const field = counterFieldFor(recipient.status, recipient.skipReason);
  if (field) walk.exact[field] += 1;
  if (recipient.finishedAt) walk.latestFinishedAt = Math.max(walk.latestFinishedAt, Date.parse(recipient.finishedAt));
}

/**
 * A claim whose worker is gone: `sent` if SES's answer (a message id) reached the timeline, `failed` if its refusal
 * did, else `unknown`.
 */
async function resolveStaleClaim(
  recipient: CampaignRecipient,
  routing: DispatchState['routing'],
  now: Date,
  counters: CounterDeltas,
): Promise<CampaignRecipient> {
  const at = now.toISOString();
  const ref = { tenantId: recipient.tenantId, campaignId: recipient.campaignId, customerId: recipient.customerId };
  const communication = recipient.communicationSk
    ? await readCampaignCommunication(recipient.tenantId, recipient.customerId, recipient.communicationSk)
    : undefined;
  const fromClaim = { from: ['sending'] as const, ...(recipient.claimedAt ? { claimedAt: recipient.claimedAt } : {}) };
  if (communication?.providerMessageId) {
    const moved = await transitionRecipient(ref, { ...fromClaim, to: 'sent', set: { messageId: communication.providerMessageId, finishedAt: at } });
    if (!moved) return recipient;
    counters.add(recipient.tenantId, recipient.campaignId, 'sent');
    return { ...recipient, status: 'sent', finishedAt: at };
  }
  if (communication?.status === 'failed') {
    // SES refused it for good and the worker died before recording that on the recipient.
    const moved = await transitionRecipient(ref, { ...fromClaim, to: 'failed', set: { reason: 'refused by the provider', finishedAt: at } });
    if (!moved) return recipient;
    counters.add(recipient.tenantId, recipient.campaignId, 'failed');
    return { ...recipient, status: 'failed', finishedAt: at };
  }
  const reason = 'no answer from the provider (worker stopped); not resent';
  if (recipient.claimedAt) {
    await putCampaignCommunication({
      tenantId: recipient.tenantId,
      customerId: recipient.customerId,
      campaignId: recipient.campaignId,
      purpose: routing?.purpose ?? 'marketing',
      kind: routing?.communicationKind ?? 'campaign',
      frozenAt: recipient.frozenAt,
      claimedAt: recipient.claimedAt,
      status: 'unknown',
      at,
      reason,
    });
  }
  const moved = await transitionRecipient(ref, { ...fromClaim, to: 'unknown', set: { reason, finishedAt: at } });
  if (!moved) return recipient;
  counters.add(recipient.tenantId, recipient.campaignId, 'unknown');
  logger.warn('claimed recipient without an answer marked unknown', { tenantId: ref.tenantId, campaignId: ref.campaignId, customerId: ref.customerId });
  return { ...recipient, status: 'unknown', finishedAt: at };
}

export async function reconcileCampaignSend(tenantId: string, campaignId: string, options: ReconcileOptions): Promise<ReconcileOutcome> {
  const { now } = options;
  const loaded = await loadCampaign(tenantId, campaignId);
  if (!loaded) {
    await markSendInactive(tenantId, campaignId);
    return { kind: 'gone' };
  }
  const campaign = loaded.campaign;
  const state = await loadDispatchState(tenantId, campaignId);
  if (!state) {
    if (campaign.status !== 'sending') {
      await markSendInactive(tenantId, campaignId);
      return { kind: 'gone' };
    }
    await startFreshDispatch(tenantId, campaignId, now);
    return { kind: 'restarted', why: 'no_dispatch' };
  }
  const silentMs = now.getTime() - Date.parse(state.updatedAt);
  if (campaign.status === 'sending' && state.phase === 'freezing') {
    if (silentMs < options.stuckDispatchMs) return { kind: 'waiting', campaignStatus: campaign.status, pending: 0, requeued: false };
    await restartDispatch(state, now);
    return { kind: 'restarted', why: 'stuck_freezing' };
  }
  // Enqueue and watch rounds checkpoint every few seconds; a chain silent for longer lost its message or stopped watching.
  const chainAlive = state.phase !== 'finished' && silentMs < Math.min(options.stuckDispatchMs, CHAIN_SILENCE_MS);
  if (campaign.status === 'sending' && chainAlive && !(await walkNeeded(state, options))) {
    return { kind: 'waiting', campaignStatus: campaign.status, pending: 0, requeued: false };
  }

  const counters = new CounterDeltas();
  const walk = emptyWalk();
  try {
    for await (const found of allRecipients({ tenantId, campaignId })) {
      let recipient = found;
      if (recipient.status === 'sending' && now.getTime() - Date.parse(recipient.claimedAt ?? '') >= options.staleClaimMs) {
        recipient = await resolveStaleClaim(recipient, state.routing, now, counters);
      }
      if (recipient.status === 'queued' && campaign.status === 'cancelled') {
        const at = now.toISOString();
        const ref = { tenantId, campaignId, customerId: recipient.customerId };
        if (await transitionRecipient(ref, { from: ['queued'], to: 'cancelled', set: { finishedAt: at } })) {
          counters.add(tenantId, campaignId, 'cancelled');
          recipient = { ...recipient, status: 'cancelled', finishedAt: at };
        }
      }
      tallyRecipient(walk, recipient);
    }
  } finally {
    await counters.flush(campaignId);
  }

  const pending = walk.byStatus.queued + walk.byStatus.sending;
  if (pending > 0) {
    let requeued = false;
    const passEnded = state.pass?.endedAt ? Date.parse(state.pass.endedAt) : undefined;
    if (
      campaign.status === 'sending' &&
      walk.byStatus.queued > 0 &&
      (!chainAlive || (state.phase === 'watching' && (passEnded === undefined || now.getTime() - passEnded >= options.requeueAfterMs)))
    ) {
      requeued = await restartDispatch(state, now);
    }
    return { kind: 'waiting', campaignStatus: campaign.status, pending, requeued };
  }
  if (campaign.status !== 'sending' && campaign.status !== 'cancelled' && campaign.status !== 'sent') {
    return { kind: 'waiting', campaignStatus: campaign.status, pending: 0, requeued: false };
  }
  return finalize(campaign, state, walk, options);
}

/** Past this silence a dispatch chain in its enqueue or watch rounds (a checkpoint every few seconds) is not running. */
const CHAIN_SILENCE_MS = 2 * MINUTE;

/**
 * While a campaign's dispatch chain runs, the walk (every recipient read) is only worth it when it can change
 * something: the counters say everyone finished (settle and complete), or the chain has been watching for longer than
 * a claim can live (look for stale claims). A 100k-recipient campaign sending for hours is not re-read every 5 minutes.
 */
async function walkNeeded(state: DispatchState, options: ReconcileOptions): Promise<boolean> {
  const totals = await approximateCounters(state.tenantId, state.campaignId);
  if (finishedCount(totals) >= totals.recipients) return true;
  const passEnded = state.pass?.endedAt ? Date.parse(state.pass.endedAt) : undefined;
  return state.phase === 'watching' && passEnded !== undefined && options.now.getTime() - passEnded >= options.staleClaimMs;
}

/** Bumps the step and sends its message: a freezing dispatch resumes, a later one starts a new enqueue pass. */
async function restartDispatch(state: DispatchState, now: Date): Promise<boolean> {
  const totals = await readCampaignCounters(state.tenantId, state.campaignId);
  const next = restart(state, finishedCount(totals), now);
  if (!(await saveDispatchState(next, state.step))) return false;
  await sendDispatchMessage({ v: 1, tenantId: state.tenantId, campaignId: state.campaignId, step: next.step });
  return true;
}

async function finalize(campaign: Campaign, state: DispatchState, walk: Walk, options: ReconcileOptions): Promise<ReconcileOutcome> {
  const { tenantId, campaignId } = campaign;
  if (state.finalizedAt === undefined) {
    const totals = await readCampaignCounters(tenantId, campaignId);
    const correction: Partial<Record<CounterField, number>> = {};
    for (const field of PIPELINE_FIELDS) {
      const difference = walk.exact[field] - totals[field];
      if (difference !== 0) correction[field] = difference;
    }
    const corrected = Object.keys(correction).length > 0;
    if (corrected && options.now.getTime() - walk.latestFinishedAt < options.settleMs) return { kind: 'postponed', why: 'counters_settling' };
    const settled = await settle(state, correction, options.now);
    if (settled && corrected) logger.warn('campaign counters corrected from the recipients', { tenantId, campaignId, correction });
  }
  let completed = false;
  if (campaign.status === 'sending') {
    try {
      await runCampaignCommand(SYSTEM(tenantId), campaignId, { type: 'complete' }, completionDeps(options.now));
      completed = true;
      logger.info('campaign sent', { tenantId, campaignId, recipients: walk.exact.recipients, sent: walk.exact.sent });
    } catch (error) {
      // Already completed by a concurrent reconciler, or paused/cancelled meanwhile: theirs stands.
      if (!(error instanceof ProblemError && error.status === 409)) throw error;
    }
  }
  await markSendInactive(tenantId, campaignId);
  return { kind: 'finished', completed };
}

/** The one-time settlement: finalizedAt (fencing the dispatch chain with a step bump) and the counter difference, together. */
async function settle(state: DispatchState, correction: Partial<Record<CounterField, number>>, now: Date): Promise<boolean> {
  const tableName = env.tableName();
  const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
    {
      Update: {
        TableName: tableName,
        Key: dispatchStateKey(state.tenantId, state.campaignId),
        UpdateExpression: 'SET finalizedAt = :at, phase = :finished, updatedAt = :at ADD step :one',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(finalizedAt)',
        ExpressionAttributeValues: { ':at': now.toISOString(), ':finished': 'finished', ':one': 1 },
      },
    },
  ];
  if (Object.keys(correction).length > 0) {
    const update = counterIncrement(correction);
    items.push({
      Update: {
        TableName: tableName,
        Key: keys.campaignCounter(state.tenantId, state.campaignId, 0),
        UpdateExpression: update.expression,
        ExpressionAttributeNames: update.names,
        ExpressionAttributeValues: update.values,
      },
    });
  }
  try {
    await documentClient.send(new TransactWriteCommand({ TransactItems: items }));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
