/**
 * A campaign's dispatch, as a checkpointed state machine (`keys.campaignSend(t, c, 'STATE')`):
 *
 *   freezing ──audience frozen──▶ enqueueing ──every queued recipient enqueued──▶ watching ──all terminal──▶ finished
 *                                    ▲                                              │
 *                                    └──── a new pass (resume, or the reconciler re-enqueues what a lost queue held)
 *
 * Each step is one dispatch-queue message carrying the `step` it continues from. A step does its work, then writes the
 * state conditionally on that step (step + 1) and sends the next message: a duplicated or stale message finds another
 * step and does nothing, and a step that dies before its checkpoint is simply redone (its writes are idempotent).
 * Re-starting a dispatch (`startCampaignSend` again) bumps the step, which fences off any chain still running.
 *
 * Pure: the store (./dispatch-store.ts) reads and writes these objects.
 */
import type { ShardCursor, ShardCursors } from '../segments/book-reader';
import type { Rule } from '../segments/rule-schema';
import type { SendRouting } from '../direct-sends/send-origin';

export type DispatchPhase = 'freezing' | 'enqueueing' | 'watching' | 'finished';

/** How the audience is frozen: streamed slice by slice, evaluated whole in one step (ranked rules), or a manual list. */
export type AudienceMode = 'stream' | 'whole' | 'manual';

/** Where the enqueue pass is: recipient shards are walked one after the other. */
export interface EnqueueCursor {
  readonly shard: number;
  /** Last customer id handed to SQS in `shard`; absent: the shard's start. */
  readonly after?: string;
}

export interface EnqueuePass {
  readonly startedAt: string;
  /** Messages this pass has put on the queue. */
  readonly enqueued: number;
  /** Recipients already finished when the pass started (the window counts what finished since). */
  readonly baselineFinished: number;
  readonly cursor: EnqueueCursor;
  readonly endedAt?: string;
}

export interface DispatchState {
  readonly tenantId: string;
  readonly campaignId: string;
  readonly step: number;
  readonly phase: DispatchPhase;
  /** Decided by the first freeze step (it reads the rule); absent until then. */
  readonly audience?: AudienceMode;
  /** The instant the audience rule is evaluated at ("today", "this month"), fixed for the whole freeze. */
  readonly evaluatedAt: string;
  /** Purpose, lane and timeline kind of the send (a campaign, or a direct send's origin), read by the first step. */
  readonly routing?: Pick<SendRouting, 'purpose' | 'lane' | 'communicationKind'>;
  /** The audience's rule as resolved by the first freeze step (kept so every slice uses the same rule). */
  readonly rule?: Rule;
  /** Freezing a streamed audience: per book shard, where to resume (JSON of StoredCursor[]). */
  readonly freezeCursors?: string;
  readonly pass?: EnqueuePass;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Set once, by whoever settled the campaign's counters and completed it. */
  readonly finalizedAt?: string;
}

export function newDispatchState(tenantId: string, campaignId: string, now: Date): DispatchState {
  const at = now.toISOString();
  return { tenantId, campaignId, step: 1, phase: 'freezing', evaluatedAt: at, createdAt: at, updatedAt: at };
}

/** A fresh enqueue pass from the first recipient shard. */
export function startPass(state: DispatchState, finishedSoFar: number, now: Date): DispatchState {
  const at = now.toISOString();
  const { freezeCursors: _done, ...rest } = state;
  return {
    ...rest,
    phase: 'enqueueing',
    pass: { startedAt: at, enqueued: 0, baselineFinished: finishedSoFar, cursor: { shard: 0 } },
    updatedAt: at,
  };
}

/**
 * What `startCampaignSend` makes of an existing dispatch: the step is bumped (fencing off a chain still running), a
 * dispatch still freezing resumes where it stopped, and one past freezing starts a new enqueue pass, which re-enqueues
 * whoever is still queued (a resumed campaign, messages a paused worker dropped).
 */
export function restart(state: DispatchState, finishedSoFar: number, now: Date): DispatchState {
  const bumped = { ...state, step: state.step + 1, updatedAt: now.toISOString() };
  if (state.phase === 'freezing' || state.finalizedAt !== undefined) return bumped;
  return startPass(bumped, finishedSoFar, now);
}

// Book cursors as stored: DynamoDB keeps no `undefined` in a list, so every shard's position is spelled out.
type StoredCursor = { s: 'start' } | { s: 'at'; key: ShardCursor } | { s: 'done' };

export function encodeFreezeCursors(cursors: ShardCursors): string {
  const stored: StoredCursor[] = cursors.map((cursor) =>
    cursor === undefined ? { s: 'start' } : cursor === null ? { s: 'done' } : { s: 'at', key: cursor },
  );
  return JSON.stringify(stored);
}

export function decodeFreezeCursors(encoded: string | undefined, shards: number): ShardCursors {
  if (encoded === undefined) return Array.from({ length: shards }, () => undefined);
  const stored = JSON.parse(encoded) as StoredCursor[];
  return Array.from({ length: shards }, (_, shard) => {
    const cursor = stored[shard];
    if (cursor === undefined || cursor.s === 'start') return undefined;
    return cursor.s === 'done' ? null : cursor.key;
  });
}
