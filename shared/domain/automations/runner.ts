/**
 * One runner pass (the `automation-runner` function, on an EventBridge Scheduler recurring schedule; the clock
 * override `npm run automations:run -- --at ...` runs this same code with another `now`):
 *
 *  1. the open list: scheduled event-based occurrences whose moment has come (or comes within the look-ahead) are
 *     fired, and claims a crash left behind are handed over again or settled (./sweeper-service.ts);
 *  2. per tenant with switched-on date-based automations (the worklist of markers, each with its checkpoint): each
 *     automation's window (`passWindow`: from the start of the local day of its last completed pass, or of the day it
 *     was switched on, to now). When a send hour came since the last pass, the automation was edited, the time zone
 *     changed, or (after today's send hour) an hour has passed since the book was last read, the book is streamed
 *     ONCE for all of them: each customer's occurrences in each window (`dueOccurrences`), then the audience (segment
 *     engine), then per occurrence the catch-up verdict: due → claimed and handed over (./handover-service.ts),
 *     no longer worth sending → `missed` with the reason. Otherwise the book is not read and the checkpoint moves on.
 *     A book too big for the invocation's time is read in checkpointed slices (./store/pass-lease.ts): the next
 *     invocation resumes at the shard cursors with the same windows and clock;
 *  3. one run record per automation on the worklist (due time, start, lateness, counts), and the checkpoints.
 *
 * Exactly once comes from the claims, not from the runner: overlapping or repeated passes re-cover windows and their
 * claims fail; a pass that crashed never moved its checkpoints, so the next one covers its windows again.
 */
import { newId } from '../../ids';
import { logger } from '../../observability/logger';
import { streamBook, type ShardCursors } from '../segments/book-reader';
import type { BookCustomer } from '../segments/book-customer';
import { isDateBased, sendHourOf, type Automation } from './automation-schema';
import { passWindow, verdictFor, type CompletedPass } from './catch-up';
import { handOver } from './handover-service';
import { localDateOf, localHourInstant, addDays, toIso, toMs } from './local-time';
import type { Occurrence } from './occurrence';
import { dueOccurrences, type InstantWindow } from './occurrences';
import { occurrencePrefilter, type CustomerPrefilter } from './prefilter-service';
import { OCCURRENCE_ATTRIBUTES } from './preview-service';
import { countHandover, sweepOpenOccurrences, type SweepCounts } from './sweeper-service';
import { tenantContexts, type LoadedTenant } from './tenant-context-service';
import { enabledMarkers, saveCheckpoint, type AutomationCheckpoint, type EnabledMarker, type StoredAutomation } from './store/automation-store';
import type { BookPort } from './store/book-port';
import { applyOccurrenceEvent } from './store/occurrence-store';
import { acquirePassLease, releasePassLease, type PassCheckpoint } from './store/pass-lease';
import { emptyRunCounts, putRun, type AutomationRun, type RunCounts } from './store/run-store';

/** After today's send hour the book is read again at most this often (customers added or changed during the day). */
export const REFRESH_MS = 60 * 60_000;
/** The runner's schedule interval: event-based occurrences due before the next pass are handed over now, delayed. */
export const RUNNER_INTERVAL_MS = 15 * 60_000;
/** Customers whose occurrences are handed over at once, per page of the book. */
const HANDOVER_CONCURRENCY = 16;

// ---------------------------------------------------------------------------------------------------------------------
// Whether a pass must read the book for an automation (pure)

export interface EvaluationNeed {
  readonly evaluate: boolean;
  /** The earliest send moment in [since the last completed pass, now): what this pass newly reached. */
  readonly dueAt: number | undefined;
}

/** Every instant the automation's send hour falls on from `from` (inclusive) to `to` (exclusive), in order. */
export function sendHourInstants(hour: number, timeZone: string, from: number, to: number): number[] {
  const instants: number[] = [];
  if (to <= from) return instants;
  const last = localDateOf(to, timeZone);
  // A day earlier than `from`'s: a 23:00 send hour before a DST jump can fall on the previous local date.
  for (let day = addDays(localDateOf(from, timeZone), -1); day <= last; day = addDays(day, 1)) {
    const instant = localHourInstant(day, hour, timeZone);
    if (instant >= from && instant < to) instants.push(instant);
  }
  return instants;
}

export function evaluationNeed(input: {
  automation: { timing: unknown };
  updatedAt: string;
  checkpoint: AutomationCheckpoint | undefined;
  window: InstantWindow;
  timeZone: string;
  defaultSendHour: number;
  refreshMs?: number;
}): EvaluationNeed {
  const { checkpoint, window, timeZone } = input;
  const hour = sendHourOf(input.automation as Automation, input.defaultSendHour);
  const since = checkpoint === undefined ? window.from : Math.max(window.from, toMs(checkpoint.windowEnd));
  const newly = sendHourInstants(hour, timeZone, since, window.to);
  const dueAt = newly[0];
  if (checkpoint === undefined || dueAt !== undefined) return { evaluate: true, dueAt };
  if (checkpoint.timeZone !== timeZone || toMs(input.updatedAt) >= toMs(checkpoint.windowEnd)) return { evaluate: true, dueAt };
  const passedToday = sendHourInstants(hour, timeZone, window.from, window.to).length > 0;
  const lastRead = checkpoint.evaluatedAt === undefined ? Number.NEGATIVE_INFINITY : toMs(checkpoint.evaluatedAt);
  return { evaluate: passedToday && window.to - lastRead >= (input.refreshMs ?? REFRESH_MS), dueAt };
}

// ---------------------------------------------------------------------------------------------------------------------
// A pass over one tenant's date-based automations

interface Evaluated {
  readonly stored: StoredAutomation;
  /** Skips the customers who cannot have an occurrence in the window (./prefilter-service.ts). */
  readonly prefilter?: CustomerPrefilter;
  readonly marker: EnabledMarker;
  readonly window: InstantWindow;
  readonly dueAt: number | undefined;
  readonly counts: RunCounts;
}

async function handleCustomer(ctx: LoadedTenant, item: Evaluated, customer: BookCustomer, occurrences: Occurrence[]): Promise<void> {
  const { stored, counts } = item;
  if (!(await (await ctx.audience(stored)).test(customer))) return;
  const write = { now: ctx.now, localDate: localDateOf(ctx.now.getTime(), ctx.clock.timeZone) };
  const lastCompleted: CompletedPass | undefined = item.marker.checkpoint;
  for (const occurrence of occurrences) {
    const verdict = verdictFor(occurrence, { automation: stored.automation, now: ctx.now, timeZone: ctx.clock.timeZone, lastCompleted });
    if (verdict.kind === 'due') {
      counts.due += 1;
      countHandover(counts, await handOver(ctx, stored, occurrence, undefined, customer));
    } else if (verdict.kind === 'missed') {
      const moved = await applyOccurrenceEvent(ctx.tenantId, occurrence, undefined, { type: 'miss', reason: verdict.reason, detail: verdict.detail }, write);
      if (moved.ok) counts.missed += 1;
      else counts.alreadyHandled += 1;
    }
  }
}

/** Runs `work` over `items` with at most `limit` at a time. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++] as T);
  });
  await Promise.all(lanes);
}

export interface BookPassResult {
  readonly finished: boolean;
  readonly customersRead: number;
}

/**
 * Streams the book from `cursors` (updated in place) for the automations being evaluated, until the end or until
 * `shouldStop` (checked between pages, so the cursors always mark a page boundary whose customers were all handled).
 */
export async function evaluateBookSlice(ctx: LoadedTenant, evaluated: readonly Evaluated[], cursors: ShardCursors, shouldStop: () => boolean): Promise<BookPassResult> {
  const audiences = await Promise.all(evaluated.map((item) => ctx.audience(item.stored)));
  const prefilters = evaluated.map((item) => item.prefilter ?? occurrencePrefilter(item.stored.automation, ctx.clock, item.window));
  const attributes = [...new Set<string>([...OCCURRENCE_ATTRIBUTES, ...audiences.flatMap((audience) => audience.attributes)])];
  let customersRead = 0;
  let pages = 0;
  for await (const page of streamBook(ctx.book.reader, { attributes, cursors, shouldStop: () => pages > 0 && shouldStop() })) {
    pages += 1;
    customersRead += page.length;
    const work: { item: Evaluated; customer: BookCustomer; occurrences: Occurrence[] }[] = [];
    for (const customer of page) {
      for (const [index, item] of evaluated.entries()) {
        if (!prefilters[index]!(customer)) continue;
        const occurrences = dueOccurrences(item.stored.automation, customer, ctx.clock, item.window);
        if (occurrences.length > 0) work.push({ item, customer, occurrences });
      }
    }
    await inParallel(work, HANDOVER_CONCURRENCY, ({ item, customer, occurrences }) => handleCustomer(ctx, item, customer, occurrences));
  }
  for (const item of evaluated) item.counts.customersRead += customersRead;
  return { finished: cursors.every((cursor) => cursor === null), customersRead };
}

// ---------------------------------------------------------------------------------------------------------------------
// The pass

export interface RunnerDeps {
  /** The pass's clock: the real time, or the override's. */
  readonly now: Date;
  /** When the schedule meant this pass to run (its `scheduledTime`); `now` for a manual run. */
  readonly scheduledAt: Date;
  readonly clockOverride: boolean;
  /** Wall-clock instant (epoch ms) after which no new book page is read: the rest is checkpointed. */
  readonly deadlineMs: number;
  /** Until when a tenant's lease holds (an invocation's end, with a margin). */
  readonly leaseUntilMs: number;
  readonly lookaheadMs?: number;
  readonly book?: (tenantId: string) => BookPort;
}

export interface PassReport {
  readonly passId: string;
  readonly now: string;
  readonly tenants: number;
  readonly automations: number;
  /** Tenants whose book reading stopped at the deadline (resumed by the next invocation). */
  readonly partialTenants: number;
  /** Tenants another invocation held. */
  readonly busyTenants: number;
  readonly errors: number;
  readonly totals: RunCounts;
  /** `totals.customersRead`: book customers read, once per tenant whatever the number of automations. */
  /** Largest lateness of a pass that newly reached a send hour (seconds), or 0. */
  readonly maxLatenessSeconds: number;
  readonly durationMs: number;
}

function addCounts(into: RunCounts, from: RunCounts): RunCounts {
  into.customersRead += from.customersRead;
  into.due += from.due;
  into.enqueued += from.enqueued;
  into.alreadyHandled += from.alreadyHandled;
  into.missed += from.missed;
  into.failed += from.failed;
  into.held += from.held;
  into.settled += from.settled;
  for (const [reason, count] of Object.entries(from.skipped)) into.skipped[reason] = (into.skipped[reason] ?? 0) + count;
  return into;
}

interface TenantPass {
  partial: boolean;
  busy: boolean;
  runs: AutomationRun[];
  /** Customers of the book read in this invocation (once for all its date-based automations). */
  customersRead: number;
}

async function runTenant(
  tenantId: string,
  markers: readonly EnabledMarker[],
  ctx: LoadedTenant,
  deps: RunnerDeps,
  passId: string,
  sweep: SweepCounts,
): Promise<TenantPass> {
  const startedAt = new Date();
  const lease = await acquirePassLease(tenantId, passId, Date.now(), deps.leaseUntilMs);
  if (!lease.acquired) return { partial: false, busy: true, runs: [], customersRead: 0 };
  let checkpointLeft: PassCheckpoint | undefined;
  try {
    const resume = lease.resume;
    const now = resume ? new Date(resume.now) : deps.now;
    const passCtx: LoadedTenant = resume ? { ...ctx, now } : ctx;
    const timeZone = ctx.clock.timeZone;

    const evaluated: Evaluated[] = [];
    const skippedBook: { stored: StoredAutomation; marker: EnabledMarker; window: InstantWindow; dueAt: number | undefined }[] = [];
    for (const marker of markers) {
      const stored = ctx.automations.get(marker.automationId);
      if (!stored || !stored.automation.enabled || !isDateBased(stored.automation.type)) continue;
      const resumed = resume?.automations.find((entry) => entry.automationId === marker.automationId);
      if (resume && resumed) {
        const window = { from: toMs(resumed.from), to: toMs(resumed.to) };
        evaluated.push({ stored, marker, window, dueAt: resumed.dueAt === null ? undefined : toMs(resumed.dueAt), counts: resume.counts[marker.automationId] ?? emptyRunCounts() });
        continue;
      }
      if (resume) continue; // switched on while the resumed pass was under way: the next pass starts it
      const window = passWindow({ automation: stored.automation, lastCompleted: marker.checkpoint, now, timeZone });
      if (window === undefined) continue;
      const need = evaluationNeed({
        automation: stored.automation,
        updatedAt: stored.updatedAt,
        checkpoint: marker.checkpoint,
        window,
        timeZone,
        defaultSendHour: ctx.clock.defaultSendHour,
      });
      if (need.evaluate) evaluated.push({ stored, marker, window, dueAt: need.dueAt, counts: emptyRunCounts() });
      else skippedBook.push({ stored, marker, window, dueAt: need.dueAt });
    }

    let finished = true;
    let customersRead = 0;
    const cursors: ShardCursors = resume ? [...resume.cursors] : Array.from({ length: ctx.book.reader.shards }, () => undefined);
    if (evaluated.length > 0) {
      const result = await evaluateBookSlice(passCtx, evaluated, cursors, () => Date.now() > deps.deadlineMs);
      finished = result.finished;
      customersRead = result.customersRead;
    }
    if (!finished) {
      checkpointLeft = {
        passId: resume?.passId ?? passId,
        now: now.toISOString(),
        scheduledAt: resume?.scheduledAt ?? deps.scheduledAt.toISOString(),
        clockOverride: resume?.clockOverride ?? deps.clockOverride,
        automations: evaluated.map((item) => ({
          automationId: item.stored.automation.automationId,
          from: toIso(item.window.from),
          to: toIso(item.window.to),
          dueAt: item.dueAt === undefined ? null : toIso(item.dueAt),
        })),
        cursors,
        counts: Object.fromEntries(evaluated.map((item) => [item.stored.automation.automationId, item.counts])),
      };
      return { partial: true, busy: false, runs: [], customersRead };
    }

    const finishedAt = new Date();
    const scheduledAt = resume ? new Date(resume.scheduledAt) : deps.scheduledAt;
    const runs: AutomationRun[] = [];
    const record = async (stored: StoredAutomation, marker: EnabledMarker, window: InstantWindow | null, dueAt: number | undefined, counts: RunCounts, wasEvaluated: boolean) => {
      const sweepCounts = sweep.get(tenantId)?.get(stored.automation.automationId);
      if (sweepCounts) addCounts(counts, sweepCounts);
      // Late is measured from when the messages could first have gone: their send hour, or the switching on when that
      // came after it (switching on at 15:00 sends today's 10:00 messages at once, and that pass is not late).
      const enabledAt = stored.automation.enabledAt === undefined ? 0 : toMs(stored.automation.enabledAt);
      const reference = dueAt === undefined ? scheduledAt.getTime() : Math.max(dueAt, enabledAt);
      // Timing is on the pass's clock (`now`: the real time at its start, or the override's), so a time-travel run
      // reads like the real run it stands for.
      runs.push({
        passId: resume?.passId ?? passId,
        automationId: stored.automation.automationId,
        scheduledAt: scheduledAt.toISOString(),
        dueAt: dueAt === undefined ? null : toIso(dueAt),
        startedAt: now.toISOString(),
        finishedAt: toIso(now.getTime() + (finishedAt.getTime() - startedAt.getTime())),
        latenessSeconds: Math.max(0, Math.round((now.getTime() - reference) / 1000)),
        window: window ? { from: toIso(window.from), to: toIso(window.to) } : null,
        evaluated: wasEvaluated,
        clockOverride: resume?.clockOverride ?? deps.clockOverride,
        recordedAt: finishedAt.toISOString(),
        counts,
      });
      if (window !== null && !(deps.clockOverride && now.getTime() > Date.now() + RUNNER_INTERVAL_MS)) {
        // A pass run with a clock far ahead of the wall clock (time travel) sends what it finds but does not move the
        // checkpoint into the future: the scheduled passes go on from the real day (the claims stop repeats).
        const checkpoint: AutomationCheckpoint = {
          windowEnd: toIso(window.to),
          timeZone,
          ...(wasEvaluated ? { evaluatedAt: now.toISOString() } : marker.checkpoint?.evaluatedAt ? { evaluatedAt: marker.checkpoint.evaluatedAt } : {}),
        };
        await saveCheckpoint(marker, checkpoint);
      }
    };
    for (const item of evaluated) await record(item.stored, item.marker, item.window, item.dueAt, item.counts, true);
    for (const item of skippedBook) await record(item.stored, item.marker, item.window, item.dueAt, emptyRunCounts(), false);
    for (const marker of markers) {
      const stored = ctx.automations.get(marker.automationId);
      if (!stored || !stored.automation.enabled || isDateBased(stored.automation.type)) continue;
      await record(stored, marker, null, undefined, emptyRunCounts(), false);
    }
    await Promise.all(runs.map((run) => putRun(tenantId, run)));
    return { partial: false, busy: false, runs, customersRead };
  } finally {
    await releasePassLease(tenantId, passId, checkpointLeft);
  }
}

/** One pass: the open list, then every tenant's date-based automations, then run records and checkpoints. */
export async function runPass(deps: RunnerDeps): Promise<PassReport> {
  const started = Date.now();
  const passId = newId();
  const lookaheadMs = deps.lookaheadMs ?? RUNNER_INTERVAL_MS;
  const contexts = tenantContexts({ now: deps.now, lookaheadMs, ...(deps.book ? { book: deps.book } : {}) });

  const sweep = await sweepOpenOccurrences({ now: deps.now, lookaheadMs, context: contexts, deadlineMs: deps.deadlineMs });
  let errors = sweep.errors;

  const byTenant = new Map<string, EnabledMarker[]>();
  for await (const marker of enabledMarkers()) {
    const list = byTenant.get(marker.tenantId) ?? [];
    list.push(marker);
    byTenant.set(marker.tenantId, list);
  }

  const totals = emptyRunCounts();
  let partialTenants = 0;
  let busyTenants = 0;
  let maxLatenessSeconds = 0;
  let automations = 0;
  let tenantsStarted = 0;
  for (const [tenantId, markers] of byTenant) {
    // Past the deadline the remaining tenants wait for the next invocation; the first always gets a slice (progress).
    if (tenantsStarted > 0 && Date.now() > deps.deadlineMs) {
      partialTenants += 1;
      continue;
    }
    tenantsStarted += 1;
    try {
      const result = await runTenant(tenantId, markers, await contexts(tenantId), deps, passId, sweep.counts);
      if (result.partial) partialTenants += 1;
      if (result.busy) busyTenants += 1;
      totals.customersRead += result.customersRead;
      for (const run of result.runs) {
        automations += 1;
        addCounts(totals, { ...run.counts, customersRead: 0 });
        if (run.dueAt !== null) maxLatenessSeconds = Math.max(maxLatenessSeconds, run.latenessSeconds);
      }
    } catch (error) {
      errors += 1;
      logger.error('automation runner pass failed for a tenant', { tenantId, passId, error: error as Error });
    }
  }
  return {
    passId,
    now: deps.now.toISOString(),
    tenants: byTenant.size,
    automations,
    partialTenants,
    busyTenants,
    errors,
    totals,
    maxLatenessSeconds,
    durationMs: Date.now() - started,
  };
}
