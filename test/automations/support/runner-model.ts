/**
 * A model of the automation runner, sender and sweeper for property tests: the same pure core the real ones call
 * (windows, occurrences, verdicts, send decisions, sweeps, outcome transitions), with the claim table, the queue and
 * the clock in memory. Every write is a separate step, so a test can stop a pass between any two of them (a crash)
 * or interleave two passes step by step (overlapping invocations).
 */
import type { Automation } from '../../../shared/domain/automations/automation-schema';
import { passWindow, verdictFor, verdictOnFiring, type CompletedPass } from '../../../shared/domain/automations/catch-up';
import { reactToEvent } from '../../../shared/domain/automations/event-triggers';
import { toMs } from '../../../shared/domain/automations/local-time';
import type { Occurrence } from '../../../shared/domain/automations/occurrence';
import { dueOccurrences, type TenantClock } from '../../../shared/domain/automations/occurrences';
import { reentryDecision } from '../../../shared/domain/automations/reentry';
import { decideSend } from '../../../shared/domain/automations/send-decision';
import { stillValid, type CurrentRecord } from '../../../shared/domain/automations/still-valid';
import { sweepDecision } from '../../../shared/domain/automations/sweep';
import type { ConsentPurpose } from '../../../shared/domain/customers/consent';
import type { BookCustomer } from '../../../shared/domain/segments/book-customer';
import { compileRule } from '../../../shared/domain/segments/compile-rule';
import { customerPredicate } from '../../../shared/domain/segments/customer-predicate';
import type { DomainEvent } from '../../../shared/events/domain-events';
import type { ClaimStore } from './claim-store';

/** Deterministic pseudo-random numbers (mulberry32), seeded by the property's inputs. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface World {
  clock: TenantClock;
  /** Every automation, with `enabledAt`; it counts as switched on from that instant (see `automationsAt`). */
  automations: Automation[];
  customers: BookCustomer[];
  /** Consent is given: the model only asks for it. */
  consent(customerId: string, purpose: ConsentPurpose, at: number): boolean;
  /** Event-based occurrences re-read their record (appointments, repairs ...) here. */
  currentRecord?(occurrence: Occurrence): CurrentRecord;
}

/** The automations as stored at `now`: one switched on at `enabledAt` was off before. */
export function automationsAt(world: World, now: number): Automation[] {
  return world.automations.map((a) => ({ ...a, enabled: a.enabled && a.enabledAt !== undefined && toMs(a.enabledAt) <= now }));
}

export class Queue {
  private readonly messages: string[] = [];
  constructor(private readonly random: () => number) {}
  push(key: string): void {
    this.messages.push(key);
  }
  /** Takes one message in no particular order (SQS standard queues do not keep order). */
  take(): string | undefined {
    if (this.messages.length === 0) return undefined;
    const index = Math.floor(this.random() * this.messages.length);
    return this.messages.splice(index, 1)[0];
  }
  get size(): number {
    return this.messages.length;
  }
}

export interface RunnerState {
  lastCompleted: CompletedPass | undefined;
  completedPasses: number;
}

function audienceTest(automation: Automation, now: number, timeZone: string): (customer: BookCustomer) => boolean {
  if (automation.audience?.rule === undefined) return () => true;
  const predicate = customerPredicate(compileRule(automation.audience.rule), { now: new Date(now), timeZone });
  return (customer) => predicate.test(customer) === 'match';
}

/** One runner pass at `now`, one write per step; completes (records its window end) only if run to the end. */
export function* runnerPass(world: World, store: ClaimStore, queue: Queue, runner: RunnerState, now: number): Generator<void, void> {
  const lastCompleted = runner.lastCompleted;
  const timeZone = world.clock.timeZone;
  for (const automation of automationsAt(world, now)) {
    const window = passWindow({ automation, lastCompleted, now, timeZone });
    if (window === undefined) continue;
    const inAudience = audienceTest(automation, now, timeZone);
    for (const customer of world.customers) {
      if (!inAudience(customer)) continue;
      for (const occurrence of dueOccurrences(automation, customer, world.clock, window)) {
        const verdict = verdictFor(occurrence, { automation, now, timeZone, lastCompleted });
        if (verdict.kind === 'missed') {
          store.apply(occurrence, { type: 'miss', reason: verdict.reason, detail: verdict.detail }, now);
          yield;
        } else if (verdict.kind === 'due') {
          const claimed = store.apply(occurrence, { type: 'claim' }, now);
          yield;
          if (!claimed) continue;
          queue.push(occurrence.occurrenceKey);
          yield;
          store.apply(occurrence, { type: 'enqueue' }, now);
          yield;
        }
      }
    }
  }
  // Overlapping passes may finish in any order: the stored cursor only moves forward.
  if (runner.lastCompleted === undefined || toMs(runner.lastCompleted.windowEnd) < now) {
    runner.lastCompleted = { windowEnd: new Date(now).toISOString(), timeZone };
  }
  runner.completedPasses += 1;
}

/** Runs passes side by side, one step of a random pass at a time; each stops after its step budget (a crash). */
export function interleave(passes: { steps: Generator<void, void>; budget: number }[], random: () => number): void {
  const live = passes.map((pass) => ({ ...pass, used: 0 }));
  while (live.length > 0) {
    const index = Math.floor(random() * live.length);
    const pass = live[index]!;
    if (pass.used >= pass.budget || pass.steps.next().done) {
      live.splice(index, 1);
      continue;
    }
    pass.used += 1;
  }
}

/**
 * What goes wrong while a worker handles a message. A crash leaves the message undeleted, so SQS delivers it again
 * (after the visibility timeout); `duplicate` is SQS's at-least-once delivery handing the same message out twice.
 */
export type SendFault = 'none' | 'crash_before_call' | 'crash_after_call' | 'throttle' | 'duplicate';

function currentRecordOf(world: World, occurrence: Occurrence): CurrentRecord {
  if (world.currentRecord) return world.currentRecord(occurrence);
  return { kind: 'customer', record: world.customers.find((c) => c.customerId === occurrence.customerId) };
}

/**
 * The sender handling one queue message at `now`, one step per read or write, so that two workers holding copies of
 * the same message can interleave: both may read `enqueued` and decide to send; only one `start_send` succeeds.
 */
export function* sendOne(world: World, store: ClaimStore, queue: Queue, key: string, now: number, fault: SendFault): Generator<void, void> {
  if (fault === 'duplicate') queue.push(key);
  const record = store.records.get(key);
  if (!record) throw new Error(`A message for an occurrence that was never claimed: ${key}`);
  const { occurrence } = record;
  const automation = automationsAt(world, now).find((a) => a.automationId === occurrence.automationId);
  const customer = world.customers.find((c) => c.customerId === occurrence.customerId);
  const reentryKey = `${occurrence.automationId}/${occurrence.customerId}`;
  const history = store.reentry.get(reentryKey) ?? { entries: [], version: 0 };
  const decision = decideSend({
    status: record.status,
    occurrence,
    now,
    automationOn: automation?.enabled === true,
    staleness: stillValid(occurrence, currentRecordOf(world, occurrence), world.clock.timeZone),
    inAudience: automation !== undefined && customer !== undefined && audienceTest(automation, now, world.clock.timeZone)(customer),
    // Holds are tested in decisions.test.ts and over the emulators (test/automations-runner/reputation-hold.test.ts).
    marketingHeld: false,
    closedGate: automation !== undefined && world.consent(occurrence.customerId, automation.purpose, now) ? undefined : 'no_consent',
    reentry: reentryDecision(automation?.reentry, history.entries, occurrence),
  });
  yield;
  switch (decision.action) {
    case 'drop':
      return;
    case 'wait':
    case 'hold':
      queue.push(key);
      return;
    case 'miss':
      store.apply(occurrence, { type: 'miss', reason: decision.reason, detail: decision.detail }, now);
      return;
    case 'skip':
      store.apply(occurrence, { type: 'skip', reason: decision.reason }, now);
      return;
    case 'send': {
      // Taking the occurrence and recording the re-entry history are one transaction, conditional on the status and on
      // the history version read. A history changed meanwhile (another occurrence of the customer taken) fails it: the
      // message is handled again and decides afresh.
      const sameStatus = store.status(key);
      if (!store.takeForSending(occurrence, { key: reentryKey, entries: decision.history, readVersion: history.version }, now)) {
        if (store.status(key) === sameStatus) queue.push(key);
        return;
      }
      yield;
      if (fault === 'crash_before_call') {
        queue.push(key); // not deleted: SQS hands it out again
        return;
      }
      if (fault === 'throttle') {
        store.apply(occurrence, { type: 'retry' }, now);
        queue.push(key);
        return;
      }
      store.messages.push({ occurrenceKey: key, automationId: occurrence.automationId, customerId: occurrence.customerId, at: now });
      yield;
      if (fault === 'crash_after_call') {
        queue.push(key);
        return;
      }
      store.apply(occurrence, { type: 'sent', messageId: `m-${store.messages.length}` }, now);
    }
  }
}

/**
 * Send workers taking every message in the queue (and those put back), `workers` at a time with their steps
 * interleaved at random; each message's fault is chosen by `faultOf`.
 */
export function drain(world: World, store: ClaimStore, queue: Queue, now: number, faultOf: () => SendFault, random: () => number = Math.random, workers = 2): void {
  const busy: Generator<void, void>[] = [];
  // Bounded: messages come back after faults, but faults are finite; the bound catches a livelock.
  for (let i = 0; i < 100_000 && (queue.size > 0 || busy.length > 0); i += 1) {
    while (busy.length < workers && queue.size > 0) {
      const key = queue.take();
      if (key !== undefined) busy.push(sendOne(world, store, queue, key, now, faultOf()));
    }
    const index = Math.floor(random() * busy.length);
    if (busy[index]!.next().done) busy.splice(index, 1);
  }
}

/** The sweeper at `now`: repairs what crashes and lost messages left behind. */
export function sweep(store: ClaimStore, queue: Queue, now: number): void {
  for (const [key, record] of store.records) {
    const decision = sweepDecision(record.status, record.occurrence, new Date(record.changedAt).toISOString(), now);
    switch (decision.action) {
      case 'none':
        break;
      case 'claim_and_enqueue':
        if (store.apply(record.occurrence, { type: 'claim' }, now)) {
          queue.push(key);
          store.apply(record.occurrence, { type: 'enqueue' }, now);
        }
        break;
      case 'enqueue_again':
        queue.push(key);
        if (record.status.state === 'claimed') store.apply(record.occurrence, { type: 'enqueue' }, now);
        else store.touch(key, now);
        break;
      case 'miss':
        store.apply(record.occurrence, { type: 'miss', reason: decision.reason, detail: decision.detail }, now);
        break;
      case 'unknown':
        store.apply(record.occurrence, { type: 'unknown' }, now);
        break;
    }
  }
}

/** Event-based automations: a domain event handled at `now` (scheduled records written, cancellations applied). */
export function handleEvent(world: World, store: ClaimStore, timers: Timers, event: DomainEvent, now: number): void {
  for (const automation of automationsAt(world, now)) {
    const { schedule, cancel } = reactToEvent(automation, event, world.clock);
    for (const key of cancel) {
      const record = store.records.get(key);
      if (record) store.apply(record.occurrence, { type: 'skip', reason: 'cancelled' }, now);
      timers.delete(key);
    }
    for (const occurrence of schedule) {
      if (store.apply(occurrence, { type: 'schedule' }, now)) timers.set(occurrence);
    }
  }
}

/**
 * What happens to a one-time schedule: it fires on time, never (lost: the sweeper must notice), late, or twice
 * (a duplicate invocation).
 */
export type TimerFate = { kind: 'on_time' } | { kind: 'lost' } | { kind: 'late'; byMs: number } | { kind: 'twice'; gapMs: number };

/** One-time schedules (EventBridge Scheduler `at()`), by occurrence key; deleting one cancels its pending firings. */
export class Timers {
  private readonly firings = new Map<string, { occurrence: Occurrence; at: number[] }>();
  constructor(private readonly fateOf: () => TimerFate = () => ({ kind: 'on_time' })) {}
  set(occurrence: Occurrence): void {
    const due = toMs(occurrence.dueAt);
    const fate = this.fateOf();
    const at = fate.kind === 'on_time' ? [due] : fate.kind === 'lost' ? [] : fate.kind === 'late' ? [due + fate.byMs] : [due, due + fate.gapMs];
    this.firings.set(occurrence.occurrenceKey, { occurrence, at });
  }
  delete(key: string): void {
    this.firings.delete(key);
  }
  /** The firings due at `now`, each returned once (ActionAfterCompletion DELETE after the last). */
  due(now: number): Occurrence[] {
    const fired: Occurrence[] = [];
    for (const [key, entry] of this.firings) {
      while (entry.at.length > 0 && entry.at[0]! <= now) {
        entry.at.shift();
        fired.push(entry.occurrence);
      }
      if (entry.at.length === 0) this.firings.delete(key);
    }
    return fired;
  }
}

/** A one-time schedule firing at `now`: claim and enqueue if still worth it, else record the miss. */
export function fire(store: ClaimStore, queue: Queue, occurrence: Occurrence, now: number): void {
  const verdict = verdictOnFiring(occurrence, now);
  if (verdict.kind === 'not_yet_due') return;
  if (verdict.kind === 'missed') {
    store.apply(occurrence, { type: 'miss', reason: verdict.reason, detail: verdict.detail }, now);
    return;
  }
  if (!store.apply(occurrence, { type: 'claim' }, now)) return;
  queue.push(occurrence.occurrenceKey);
  store.apply(occurrence, { type: 'enqueue' }, now);
}
