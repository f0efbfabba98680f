/**
 * What became of an occurrence, as a forward-only state machine. The claim table holds one status per occurrence key;
 * every write is conditional on the state (and `retries`) it moves from (`ALLOWED_FROM`), so of two racing writers one
 * wins and the other learns it lost. Every occurrence ends in exactly one terminal outcome:
 *
 *   (none) ─▶ scheduled ─▶ claimed ─▶ enqueued ─▶ sending ─▶ sent
 *      │          │           │          │           ├──▶ failed   (the send was refused for good)
 *      │          │           │          │           ├──▶ unknown  (no answer: may or may not have gone; never resent)
 *      │          │           │          │           └──▶ enqueued (retries + 1: a retriable refusal, nothing went out)
 *      │          └───────────┴──────────┴──▶ skipped (a gate's reason, a stale record, cancelled) | missed | failed
 *      └─▶ claimed | missed
 *
 * Two states refine the claimed → enqueued → outcome:
 *  - `scheduled`: an event-based occurrence waiting for its one-time schedule. It is written when the event is
 *    handled, so a schedule that never fires is found by the sweeper instead of silently lost, and a cancellation has
 *    something to mark.
 *  - `sending`: a worker has taken the occurrence and is calling the provider. Only one worker can take it (a
 *    duplicate queue message or a re-enqueue by the sweeper finds it taken), which is what makes "at most one message"
 *    hold; an occurrence left in `sending` by a crashed worker becomes `unknown`, never sent again.
 * A worker may take an occurrence that is still `claimed` (its runner enqueued the message, then crashed before
 * recording it).
 *
 * Order: states are ranked by (retries, stage); a transition must move strictly forward, and terminal states never
 * move. A retry increments `retries`, so "back to enqueued" is still forward. A conditional write checks the state it
 * moves from and `retries`, so a worker still holding round n cannot overwrite round n + 1.
 */

export const OUTCOME_STATES = ['scheduled', 'claimed', 'enqueued', 'sending', 'sent', 'skipped', 'missed', 'failed', 'unknown'] as const;
export type OutcomeState = (typeof OUTCOME_STATES)[number];

export const TERMINAL_STATES = ['sent', 'skipped', 'missed', 'failed', 'unknown'] as const satisfies readonly OutcomeState[];
export type TerminalState = (typeof TERMINAL_STATES)[number];
export const isTerminal = (state: OutcomeState): state is TerminalState => (TERMINAL_STATES as readonly OutcomeState[]).includes(state);

/** Terminal states in which a message may have reached the customer. */
export const mayHaveSent = (state: OutcomeState) => state === 'sent' || state === 'unknown';

/** Why an occurrence was missed: it stopped being worth sending before it could be sent. */
export const MISSED_REASONS = ['runner_gap', 'schedule_late', 'send_late', 'reputation_hold'] as const;
export type MissedReason = (typeof MISSED_REASONS)[number];

export interface OutcomeStatus {
  state: OutcomeState;
  /** Retriable refusals so far: each sends the occurrence round again, as a new (later-ranked) `enqueued`. */
  retries: number;
  /** skipped / missed / failed: the code (`no_consent`, `runner_gap`, `appointment_moved`, ...). */
  reason?: string;
  /** missed: what happened, in words ("runner did not run between ... and ...; the birthday passed"). */
  detail?: string;
  /** sent: the provider's message id. */
  messageId?: string;
  /**
   * claimed: when a marketing occurrence was first held because the reputation guard holds the tenant's marketing
   * (../engagement/reputation-guard.ts). It stays claimed and is handed over once the hold is acknowledged; if it
   * stops being worth sending first, it is `missed` with reason `reputation_hold`. Not a state of its own: the hold
   * changes nothing the state machine orders, and a transition drops the mark.
   */
  heldSince?: string;
}

export type OutcomeEvent =
  | { type: 'schedule' }
  | { type: 'claim' }
  | { type: 'enqueue' }
  | { type: 'start_send' }
  | { type: 'sent'; messageId: string }
  | { type: 'retry' }
  | { type: 'skip'; reason: string }
  | { type: 'miss'; reason: MissedReason; detail: string }
  | { type: 'fail'; reason: string }
  | { type: 'unknown' };
export type OutcomeEventType = OutcomeEvent['type'];

/** The states each event may move from; `absent` means "no status yet" (a conditional put). */
export const ALLOWED_FROM: Readonly<Record<OutcomeEventType, readonly (OutcomeState | 'absent')[]>> = {
  schedule: ['absent'],
  claim: ['absent', 'scheduled'],
  enqueue: ['claimed'],
  start_send: ['claimed', 'enqueued'],
  sent: ['sending'],
  retry: ['sending'],
  skip: ['scheduled', 'claimed', 'enqueued'],
  miss: ['absent', 'scheduled', 'claimed', 'enqueued'],
  fail: ['claimed', 'enqueued', 'sending'],
  unknown: ['sending'],
};

const STAGE: Readonly<Record<OutcomeState, number>> = {
  scheduled: 0,
  claimed: 1,
  enqueued: 2,
  sending: 3,
  sent: 4,
  skipped: 4,
  missed: 4,
  failed: 4,
  unknown: 4,
};

const TARGET: Readonly<Record<OutcomeEventType, OutcomeState>> = {
  schedule: 'scheduled',
  claim: 'claimed',
  enqueue: 'enqueued',
  start_send: 'sending',
  sent: 'sent',
  retry: 'enqueued',
  skip: 'skipped',
  miss: 'missed',
  fail: 'failed',
  unknown: 'unknown',
};

/** Strictly increasing along every allowed transition; terminal states rank above every round. */
export function rankOf(status: Pick<OutcomeStatus, 'state' | 'retries'>): number {
  return isTerminal(status.state) ? Number.POSITIVE_INFINITY : status.retries * 10 + STAGE[status.state];
}

export type Transition =
  | { ok: true; status: OutcomeStatus }
  | { ok: false; current: OutcomeStatus | undefined; why: 'terminal' | 'not_allowed' };

/** The status after an event, or why the event does not apply (the conditional write would fail). */
export function transition(current: OutcomeStatus | undefined, event: OutcomeEvent): Transition {
  if (current !== undefined && isTerminal(current.state)) return { ok: false, current, why: 'terminal' };
  if (!ALLOWED_FROM[event.type].includes(current?.state ?? 'absent')) return { ok: false, current, why: 'not_allowed' };
  const retries = (current?.retries ?? 0) + (event.type === 'retry' ? 1 : 0);
  const status: OutcomeStatus = { state: TARGET[event.type], retries };
  if (event.type === 'skip' || event.type === 'fail') status.reason = event.reason;
  if (event.type === 'miss') {
    status.reason = event.reason;
    status.detail = event.detail;
  }
  if (event.type === 'sent') status.messageId = event.messageId;
  if (current !== undefined && !(rankOf(status) > rankOf(current))) return { ok: false, current, why: 'not_allowed' };
  return { ok: true, status };
}
