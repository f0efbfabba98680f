/**
 * Pacing math, pure. Three numbers keep the pipeline inside SES's limits and fair between tenants:
 *  - each send worker's rate: the account's send rate divided by the workers that may run at once, so
 *    `MaximumConcurrency` × per-worker rate never exceeds the account rate (no shared counter item);
 *  - the backoff of a throttled message: exponential with jitter, applied as the message's visibility timeout;
 *  - the dispatcher's window: how many of one campaign's messages may wait in the bulk queue at once.
 */
import { TOTAL_SEND_WORKERS } from './lanes';

/** Sends per second one worker may make. */
export function perWorkerRate(accountRatePerSecond: number, workers: number = TOTAL_SEND_WORKERS): number {
  if (!(accountRatePerSecond > 0)) throw new RangeError('The account send rate must be positive');
  return accountRatePerSecond / Math.max(1, workers);
}

/**
 * Spaces one worker's sends at `ratePerSecond`: each call reserves the next free slot and says how long to wait for
 * it. Slots not used (a quiet spell) are not saved up, so a worker never bursts above its rate. One spacer per
 * container: a Lambda container runs one invocation at a time, and the records of a batch share it.
 */
export class SendSpacer {
  private nextSlotMs = 0;
  private readonly intervalMs: number;

  constructor(ratePerSecond: number) {
    this.intervalMs = 1000 / ratePerSecond;
  }

  /** Milliseconds to wait before the next send, reserving that slot. */
  reserve(nowMs: number): number {
    const slot = Math.max(nowMs, this.nextSlotMs);
    this.nextSlotMs = slot + this.intervalMs;
    return slot - nowMs;
  }
}

export const THROTTLE_BACKOFF = { baseSeconds: 10, maxSeconds: 600 } as const;

/**
 * Seconds a throttled message stays invisible before its next try: base × 2^(receives-1), capped, with "equal
 * jitter" (half fixed, half random) so throttled messages of one batch do not all come back at the same instant.
 */
export function throttleBackoffSeconds(receiveCount: number, random: number = Math.random()): number {
  const exponential = Math.min(THROTTLE_BACKOFF.maxSeconds, THROTTLE_BACKOFF.baseSeconds * 2 ** Math.max(0, receiveCount - 1));
  return Math.round(exponential / 2 + (exponential / 2) * Math.min(1, Math.max(0, random)));
}

/** Seconds of sending at the full account rate that one campaign may have waiting in the bulk queue. */
export const WINDOW_SECONDS = 4;
export const MIN_WINDOW = 20;

/**
 * Fair sharing of the bulk lane without per-tenant queues: the dispatcher keeps at most this many of a campaign's
 * messages in the queue at once and tops the window up in rounds. With k campaigns sending, the queue holds about
 * k windows, workers take them in arrival order, so each campaign gets about 1/k of the throughput, and a small
 * tenant's message waits behind at most k × window messages (k × WINDOW_SECONDS seconds at the account rate) instead
 * of behind a 100k-recipient campaign.
 *
 * Why not SQS fair queues (MessageGroupId on a standard queue): they give the same guarantee in AWS, but the local
 * SQS emulator does not implement them, and the design must behave the same on a laptop (where it is tested).
 */
export function dispatchWindow(accountRatePerSecond: number): number {
  return Math.max(MIN_WINDOW, Math.ceil(accountRatePerSecond * WINDOW_SECONDS));
}

/** How many more messages a campaign may enqueue now, given what it enqueued and what has finished since. */
export function windowAllowance(window: number, enqueuedThisPass: number, finishedThisPass: number): number {
  const inFlight = Math.max(0, enqueuedThisPass - Math.max(0, finishedThisPass));
  return Math.max(0, window - inFlight);
}
