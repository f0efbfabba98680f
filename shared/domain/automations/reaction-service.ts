/**
 * The book's domain events as automation occurrences (a reaction of the domain-events consumer, registered in
 * functions/queue/domain-events.ts). For each event-based automation of the tenant, the core's `reactToEvent` says
 * what to schedule and what to cancel; this applies it:
 *  - an occurrence already due (a repair's ready notice) or due before the next runner pass (an appointment reminder
 *    in ten minutes) is handed over now (./handover-service.ts: claimed, re-checked, enqueued, delayed until due);
 *  - a later one is written as `scheduled`: it waits on the open list, by due instant, for the runner pass that
 *    reaches it. That list is the "one-time schedule": there is no schedule per occurrence to lose or leak, and a
 *    missed firing is found by the next pass like everything else on the list;
 *  - a cancelled one (appointment moved or cancelled, repair collected, lay-by paid) is `skipped` with the reason
 *    while it is still scheduled or claimed; once handed over, its recipient is taken out of the queue if no worker
 *    has it yet (else its message is already going, and the occurrence ends as the pipeline says).
 * Everything is keyed by the event's content (the occurrence keys), never by when it is processed, so a replayed or
 * duplicated event changes nothing: its occurrences exist already. Imported records never get here (the registry
 * leaves imported events out of reactions that do not opt in, and `reactToEvent` ignores them too).
 */
import type { DomainEvent } from '../../events/domain-events';
import type { Reaction } from '../../events/reactions';
import { logger } from '../../observability/logger';
import { EVENT_BASED_TYPES, type AutomationType } from './automation-schema';
import { reactToEvent } from './event-triggers';
import { handOver } from './handover-service';
import { localDateOf, toMs } from './local-time';
import type { Occurrence } from './occurrence';
import type { OutcomeEvent } from './outcomes';
import { RUNNER_INTERVAL_MS } from './runner';
import { loadTenantContext, type LoadedTenant } from './tenant-context-service';
import { allAutomations, type StoredAutomation } from './store/automation-store';
import type { BookPort } from './store/book-port';
import { applyOccurrenceEvent, loadOccurrence, type OccurrenceRecord } from './store/occurrence-store';
import { withdrawQueuedRecipient } from './store/pipeline-outcome';

const EVENT_TYPES = [
  'repair.status_changed',
  'purchase.recorded',
  'appointment.created',
  'appointment.moved',
  'appointment.cancelled',
  'layby.created',
  'layby.paid',
] as const satisfies readonly DomainEvent['type'][];
type BookEvent = Extract<DomainEvent, { type: (typeof EVENT_TYPES)[number] }>;

/** The skip reason of an occurrence an event cancelled (the same words the sender's re-read uses). */
function cancelReason(event: BookEvent): string {
  switch (event.type) {
    case 'appointment.cancelled':
      return 'appointment_cancelled';
    case 'appointment.moved':
      return 'appointment_moved';
    case 'repair.status_changed':
      return 'repair_not_ready';
    case 'layby.paid':
      return 'layby_settled';
    default:
      return 'cancelled';
  }
}

export interface ReactionOutcome {
  handedOver: number;
  scheduled: number;
  cancelled: number;
  alreadyKnown: number;
}

async function cancelOccurrence(ctx: LoadedTenant, occurrenceKey: string, automationId: string, reason: string): Promise<boolean> {
  const part = occurrenceKey.slice(automationId.length + 1);
  const customerId = part.split('/')[0] as string;
  const current = await loadOccurrence(ctx.tenantId, { automationId, customerId, occurrenceKey });
  if (!current) return false;
  const write = { now: ctx.now, localDate: localDateOf(ctx.now.getTime(), ctx.clock.timeZone) };
  const skip: OutcomeEvent = { type: 'skip', reason };
  const state = current.status.state;
  if (state === 'scheduled' || state === 'claimed') return (await applyOccurrenceEvent(ctx.tenantId, current.occurrence, current, skip, write)).ok;
  if (state === 'enqueued' && current.sendId !== undefined) {
    const withdrawn = await withdrawQueuedRecipient({ tenantId: ctx.tenantId, campaignId: current.sendId, customerId }, reason, ctx.now);
    if (withdrawn) return (await applyOccurrenceEvent(ctx.tenantId, current.occurrence, current, skip, write)).ok;
  }
  return false;
}

async function scheduleOccurrence(ctx: LoadedTenant, occurrence: Occurrence, outcome: ReactionOutcome): Promise<void> {
  const stored = ctx.automations.get(occurrence.automationId);
  const current: OccurrenceRecord | undefined = await loadOccurrence(ctx.tenantId, occurrence);
  if (current !== undefined) {
    outcome.alreadyKnown += 1;
    return;
  }
  if (toMs(occurrence.dueAt) <= ctx.now.getTime() + ctx.lookaheadMs) {
    const result = await handOver(ctx, stored, occurrence, undefined);
    if (result.kind === 'taken') outcome.alreadyKnown += 1;
    else outcome.handedOver += 1;
    return;
  }
  const write = { now: ctx.now, localDate: localDateOf(ctx.now.getTime(), ctx.clock.timeZone) };
  const moved = await applyOccurrenceEvent(ctx.tenantId, occurrence, undefined, { type: 'schedule' }, write);
  if (moved.ok) outcome.scheduled += 1;
  else outcome.alreadyKnown += 1;
}

export interface ReactionDeps {
  readonly now: () => Date;
  readonly book?: (tenantId: string) => BookPort;
}

/** Applies one domain event to every event-based automation of its tenant. */
export async function reactToBookEvent(event: BookEvent, deps: ReactionDeps): Promise<ReactionOutcome> {
  const outcome: ReactionOutcome = { handedOver: 0, scheduled: 0, cancelled: 0, alreadyKnown: 0 };
  const isEventBased = (stored: StoredAutomation) => (EVENT_BASED_TYPES as readonly AutomationType[]).includes(stored.automation.type);
  // Most events find no event-based automation: one query, and nothing else is read.
  if (!(await allAutomations(event.tenantId, true)).some(isEventBased)) return outcome;
  const ctx = await loadTenantContext(event.tenantId, { now: deps.now(), lookaheadMs: RUNNER_INTERVAL_MS, ...(deps.book ? { book: deps.book } : {}) });
  const automations = [...ctx.automations.values()].filter(isEventBased);
  for (const stored of automations) {
    const reaction = reactToEvent(stored.automation, event, ctx.clock);
    for (const key of reaction.cancel) {
      if (await cancelOccurrence(ctx, key, stored.automation.automationId, cancelReason(event))) outcome.cancelled += 1;
    }
    for (const occurrence of reaction.schedule) await scheduleOccurrence(ctx, occurrence, outcome);
  }
  if (outcome.handedOver + outcome.scheduled + outcome.cancelled > 0) {
    logger.info('automations reacted to a domain event', { tenantId: event.tenantId, eventId: event.eventId, type: event.type, ...outcome });
  }
  return outcome;
}

/** The reaction the domain-events consumer registers. */
export function automationReaction(deps: ReactionDeps = { now: () => new Date() }): Reaction<(typeof EVENT_TYPES)[number]> {
  return {
    name: 'automations',
    on: EVENT_TYPES,
    // Imported records describe the past: no automation fires for them.
    includeImported: false,
    run: async (event) => {
      await reactToBookEvent(event as BookEvent, deps);
    },
  };
}
